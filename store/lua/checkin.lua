-- checkin.lua records a member's check-in for a month once; the first unit given sticks.
-- KEYS[1] op key
-- ARGV[1] prefix, [2] member id, [3] unit or "", [4] month
-- returns {first (1/0), unit}
local done = op_done()
if done then return done end
local mid, unit, month = ARGV[2], ARGV[3], ARGV[4]
local k = P .. 'member:' .. mid
local have = redis.call('HGET', k, 'unit')
if not have and unit ~= '' then
  redis.call('HSET', k, 'unit', unit)
  redis.call('SADD', P .. 'units', mid)
  have = unit
end
local first = redis.call('HSETNX', P .. 'checkin:' .. month, mid, have or '')
return op_keep({first, have or ''})
