-- register.lua binds a real name and unit to a member. A member who is new (no name, no
-- tasks) and registers a name exactly one other member already has is the same person
-- under a new display name: the identity is relinked to that member.
-- KEYS[1] op key
-- ARGV[1] prefix, [2] member id, [3] identity, [4] name, [5] unit or ""
-- returns member_view
local done = op_done()
if done then return done end
local mid, ident, name, unit = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local k = P .. 'member:' .. mid
local other = redis.call('HGET', P .. 'names', name)
local fresh = not redis.call('HGET', k, 'name') and redis.call('EXISTS', P .. 'mtasks:' .. mid) == 0
if other and other ~= '*' and other ~= mid and fresh then
  local nick = redis.call('HGET', k, 'nick')
  redis.call('HSET', P .. 'ident', ident, other)
  if nick then
    redis.call('HSET', P .. 'member:' .. other, 'nick', nick)
    redis.call('HSET', P .. 'nick', nick, other)
  end
  mid, k = other, P .. 'member:' .. other
else
  local prev = redis.call('HGET', k, 'name')
  if prev and prev ~= name and redis.call('HGET', P .. 'names', prev) == mid then
    redis.call('HDEL', P .. 'names', prev)
  end
  redis.call('HSET', k, 'name', name)
  if other and other ~= mid then
    redis.call('HSET', P .. 'names', name, '*') -- two people share the name: never relink by it
  else
    redis.call('HSET', P .. 'names', name, mid)
  end
end
if unit ~= '' then
  redis.call('HSET', k, 'unit', unit)
  redis.call('SADD', P .. 'units', mid)
end
return op_keep(member_view(mid))
