-- publish.lua stores a new task, indexes it under its team's open tasks, and links it to its report (if any).
-- ttime (every task by its start, or its publication when untimed; for the monthly export).
-- KEYS[1] op key
-- ARGV[1] prefix, [2] team, [3] group, [4] title, [5] place, [6] start (unix, 0 = none),
--      [7] duration (s), [8] need, [9] by (member id), [10] report id (0 = none),
--      [11] ttime score (unix)
-- returns {id}
local done = op_done()
if done then return done end
local id = redis.call('INCR', P .. 'seq:task')
local k = P .. 'task:' .. id
local title, place = ARGV[4], ARGV[5]
-- Values over 64 bytes would turn the whole hash from Redis's compact listpack into a
-- hashtable (several times the memory), so long text lives in its own key.
if #title > 60 then redis.call('SET', k .. ':title', title); title = '\0' end
if #place > 60 then redis.call('SET', k .. ':place', place); place = '\0' end
local fields = {'team', ARGV[2], 'group', ARGV[3], 'title', title, 'start', ARGV[6], 'dur', ARGV[7], 'need', ARGV[8], 'status', 'open', 'by', ARGV[9]}
if place ~= '' then table.insert(fields, 'place'); table.insert(fields, place) end
if ARGV[10] ~= '0' then
  table.insert(fields, 'report'); table.insert(fields, ARGV[10])
  -- The report knows its team task in the same step, so the case can close it later.
  redis.call('HSET', P .. 'report:' .. ARGV[10], 'task', id)
end
redis.call('HSET', k, unpack(fields))
local score = tonumber(ARGV[6])
if score == 0 then score = UNTIMED end
redis.call('ZADD', P .. 'open:' .. ARGV[2], score, id)
redis.call('ZADD', P .. 'ttime', ARGV[11], id)
return op_keep({id})
