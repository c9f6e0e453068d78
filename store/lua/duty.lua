-- duty.lua chooses a roster's people for a day, once: those whose last duty is oldest
-- (never = oldest of all), skipping anyone on leave that day, ties in roster order.
-- KEYS[1] op key (unused: the day's record makes it idempotent)
-- ARGV[1] prefix, [2] roster name, [3] day (yyyy-mm-dd), [4] day start (unix), [5] per day,
--      [6…] members in roster order
-- returns {names…}
-- Each pick's previous last-duty score is kept in duty:<roster>:<day>:prev, so leave.lua
-- can give a person who takes leave after being picked their turn back.
local roster, day, start, per = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local dk = P .. 'duty:' .. roster .. ':' .. day
local have = redis.call('GET', dk)
if have then return cjson.decode(have) end
local last = P .. 'duty:' .. roster .. ':last'
local leave = P .. 'leave:' .. day
local cands = {}
for i = 6, #ARGV do
  local m = ARGV[i]
  if redis.call('SISMEMBER', leave, m) == 0 then
    table.insert(cands, {m, tonumber(redis.call('ZSCORE', last, m) or '-1'), i})
  end
end
table.sort(cands, function(a, b)
  if a[2] ~= b[2] then return a[2] < b[2] end
  return a[3] < b[3]
end)
local picked = {}
for i = 1, math.min(per, #cands) do
  picked[i] = cands[i][1]
  redis.call('HSET', dk .. ':prev', cands[i][1], cands[i][2])
  redis.call('ZADD', last, start, cands[i][1])
end
redis.call('SET', dk, cjson.encode(picked), 'EX', 3456000)
redis.call('EXPIRE', dk .. ':prev', 3456000)
return picked
