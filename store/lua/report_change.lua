-- report_change.lua applies one lifecycle transition if the report is still at the version
-- the caller read (compare-and-set), keeping history, indexes and counters in step.
-- KEYS[1] op key
-- ARGV[1] prefix, [2] id, [3] expected version, [4] status, [5] party, [6] due (unix, 0 =
--      none), [7] agenda (1 = put on), [8] resolved at (unix, 0 = keep), [9] rating (0 =
--      none), [10] event (JSON), [11] month, [12] stat counter or "", [13] resolve minutes, [14] now
-- returns {outcome, report_view}: 0 no such report, 1 applied, 2 version conflict
local done = op_done()
if done then return done end
local id = ARGV[2]
local k = P .. 'report:' .. id
local ver = redis.call('HGET', k, 'ver')
if not ver then return {0} end
if ver ~= ARGV[3] then return {2} end
local status = ARGV[4]
local was = redis.call('HGET', k, 'status')
redis.call('HSET', k, 'status', status, 'party', ARGV[5], 'ver', tonumber(ver) + 1)
if status == '已派单' and was ~= '已派单' then
  -- The first dispatch decides the response rate; the latest deadline the resolution rate.
  redis.call('HSETNX', k, 'dispatched', ARGV[14])
  redis.call('HSET', k, 'rdl', ARGV[6])
elseif status == '已派单' and ARGV[6] ~= '0' then
  redis.call('HSET', k, 'rdl', ARGV[6])
end
-- Resolved reports wait for a rating in rwait (by resolution time): reminded, then closed
-- as 默认满意.
if status == '已办结' then
  redis.call('ZADD', P .. 'rwait', ARGV[8] ~= '0' and ARGV[8] or ARGV[14], id)
else
  redis.call('ZREM', P .. 'rwait', id)
end
-- rclosed (by closing time) lets a new report find a recently closed one it repeats.
if status == '已关闭' and was ~= '已关闭' then
  redis.call('HSET', k, 'closed', ARGV[14])
  redis.call('ZADD', P .. 'rclosed', ARGV[14], id)
elseif status ~= '已关闭' then
  redis.call('ZREM', P .. 'rclosed', id)
end
local due = tonumber(ARGV[6])
if due > 0 and status ~= '已关闭' then
  if redis.call('HGET', k, 'due') ~= ARGV[6] then
    redis.call('HDEL', k, 'esc:resolve') -- a new deadline can be missed (and escalated) again
  end
  redis.call('HSET', k, 'due', ARGV[6])
  -- An escalated stage stays out of the due index: it was told once, and is on the agenda.
  local stage = 'esc:resolve'
  if status == '已受理' then stage = 'esc:dispatch' end
  if redis.call('HEXISTS', k, stage) == 0 then
    redis.call('ZADD', P .. 'rdue', due, id)
  else
    redis.call('ZREM', P .. 'rdue', id)
  end
else
  redis.call('HDEL', k, 'due')
  redis.call('ZREM', P .. 'rdue', id)
end
if ARGV[7] == '1' then
  redis.call('HSET', k, 'agenda', 1)
  redis.call('ZADD', P .. 'agenda', ARGV[14], id)
end
if ARGV[8] ~= '0' then redis.call('HSET', k, 'resolved', ARGV[8]) end
if ARGV[9] ~= '0' then
  redis.call('HSET', k, 'rating', ARGV[9])
  -- The month's satisfaction counts each report's latest rating once.
  redis.call('HSET', P .. 'rrating:' .. ARGV[11], id, ARGV[9])
end
if status == '已关闭' then
  redis.call('ZREM', P .. 'ropen', id)
  redis.call('ZREM', P .. 'agenda', id)
  redis.call('HDEL', k, 'agenda')
else
  redis.call('ZADD', P .. 'ropen', 'NX', redis.call('HGET', k, 'created'), id)
end
redis.call('RPUSH', k .. ':log', ARGV[10])
local stat, month = ARGV[12], ARGV[11]
if stat == 'resolved' or stat == 'closed' then
  -- Reports resolved (closed) this month, each counted once however often it was
  -- resolved; the time to resolve is its first resolution's.
  if redis.call('SADD', P .. 'rset:' .. stat .. ':' .. month, id) == 1 then
    redis.call('HINCRBY', P .. 'rstat:' .. month, stat, 1)
    if stat == 'resolved' then redis.call('RPUSH', P .. 'rdur:' .. month, ARGV[13]) end
  end
elseif stat ~= '' then
  redis.call('HINCRBY', P .. 'rstat:' .. month, stat, 1)
end
return op_keep({1, report_view(id)})
