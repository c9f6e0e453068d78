-- member.lua finds the member last seen under a display name.
-- KEYS[1] op key (unused)
-- ARGV[1] prefix, [2] display name
-- returns member_view, or false
local mid = redis.call('HGET', P .. 'nick', ARGV[2])
if not mid then return false end
return member_view(mid)
