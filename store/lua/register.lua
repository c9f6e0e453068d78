-- register.lua binds a real name and unit to a member. Names are not unique (two 王建国
-- may live on one estate): each name keeps the set of members who registered it.
-- KEYS[1] op key
-- ARGV[1] prefix, [2] member id, [3] name, [4] unit or ""
-- returns {member_view, number of other members with this name}
local done = op_done()
if done then return done end
local mid, name, unit = ARGV[2], ARGV[3], ARGV[4]
local k = P .. 'member:' .. mid
local prev = redis.call('HGET', k, 'name')
if prev and prev ~= name then redis.call('SREM', P .. 'names:' .. prev, mid) end
redis.call('HSET', k, 'name', name)
redis.call('SADD', P .. 'names:' .. name, mid)
if unit ~= '' then
  redis.call('HSET', k, 'unit', unit)
  redis.call('SADD', P .. 'units', mid)
end
return op_keep({member_view(mid), redis.call('SCARD', P .. 'names:' .. name) - 1})
