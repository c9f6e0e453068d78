-- resolve.lua finds or creates the member behind a transport identity and records the
-- display name (and team) they were last seen with.
-- KEYS[1] op key (unused)
-- ARGV[1] prefix, [2] identity ("wechat:<NickName>"), [3] display name, [4] team or "", [5] now
-- returns member_view
local mid = redis.call('HGET', P .. 'ident', ARGV[2])
if not mid then
  mid = 'm' .. redis.call('INCR', P .. 'seq:member')
  redis.call('HSET', P .. 'ident', ARGV[2], mid)
  redis.call('HSET', P .. 'member:' .. mid, 'since', ARGV[5])
  redis.call('SADD', P .. 'member:' .. mid .. ':idents', ARGV[2])
end
local k = P .. 'member:' .. mid
local old = redis.call('HGET', k, 'nick')
if old ~= ARGV[3] then
  redis.call('HSET', k, 'nick', ARGV[3])
  redis.call('HSET', P .. 'nick', ARGV[3], mid)
end
if ARGV[4] ~= '' then
  redis.call('HSET', k, 'team', ARGV[4])           -- the team of the group last spoken in
  redis.call('SADD', k .. ':teams', ARGV[4])       -- every team the member belongs to
end
return member_view(mid)
