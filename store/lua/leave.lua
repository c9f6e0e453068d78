-- leave.lua records a day's leave; in each roster that already chose the person for that
-- day, the next in rotation (oldest last duty, not on leave, not already on duty) takes
-- the place. The person on leave gets their turn back: their last duty returns to what it
-- was before that day's pick (kept by duty.lua in duty:<roster>:<day>:prev), unless they
-- have had a later duty since.
-- KEYS[1] op key
-- ARGV[1] prefix, [2] name, [3] day, [4] day start (unix), then per roster:
--      roster name, member count n, n members in roster order
-- returns {roster, replacement or "", …} for the rosters that had chosen the person
local done = op_done()
if done then return done end
local name, day, start = ARGV[2], ARGV[3], tonumber(ARGV[4])
local leave = P .. 'leave:' .. day
redis.call('SADD', leave, name)
redis.call('EXPIRE', leave, 3456000)
local out = {}
local i = 5
while i <= #ARGV do
  local roster, n = ARGV[i], tonumber(ARGV[i + 1])
  local members = {}
  for j = 1, n do members[j] = ARGV[i + 1 + j] end
  i = i + 2 + n
  local dk = P .. 'duty:' .. roster .. ':' .. day
  local have = redis.call('GET', dk)
  if have then
    local list = cjson.decode(have)
    local at = nil
    for j, m in ipairs(list) do if m == name then at = j end end
    if at then
      table.remove(list, at)
      local onduty = {}
      for _, m in ipairs(list) do onduty[m] = true end
      local last = P .. 'duty:' .. roster .. ':last'
      local prevKey = dk .. ':prev'
      if tonumber(redis.call('ZSCORE', last, name) or '-1') == start then
        local prev = tonumber(redis.call('HGET', prevKey, name) or '-1')
        if prev < 0 then redis.call('ZREM', last, name) else redis.call('ZADD', last, prev, name) end
      end
      local best, bestScore, repl = nil, nil, ''
      for j, m in ipairs(members) do
        if not onduty[m] and m ~= name and redis.call('SISMEMBER', leave, m) == 0 then
          local s = tonumber(redis.call('ZSCORE', last, m) or '-1')
          if not best or s < bestScore then best, bestScore = m, s end
        end
      end
      if best then
        table.insert(list, best)
        redis.call('HSET', prevKey, best, bestScore)
        redis.call('EXPIRE', prevKey, 3456000)
        redis.call('ZADD', last, start, best)
        repl = best
      end
      redis.call('SET', dk, cjson.encode(list), 'EX', 3456000)
      table.insert(out, roster)
      table.insert(out, repl)
    end
  end
end
return op_keep(out)
