-- report_file.lua stores a new report, its first history entry, and its indexes: open
-- (by creation), due (by SLA time), all reports by creation (rtime, for the monthly
-- export) and the month's counters.
-- KEYS[1] op key
-- ARGV[1] prefix, [2] text, [3] category, [4] place, [5] reporter id, [6] reporter nick,
--      [7] origin chat (JSON), [8] created (unix), [9] due (unix), [10] month, [11] event (JSON),
--      [12] urgent (1 or 0), [13] id of the closed report this one repeats (0 = none)
-- returns {id}
local done = op_done()
if done then return done end
local id = redis.call('INCR', P .. 'seq:report')
local k = P .. 'report:' .. id
redis.call('HSET', k, 'text', ARGV[2], 'cat', ARGV[3], 'place', ARGV[4], 'rid', ARGV[5],
  'rnick', ARGV[6], 'origin', ARGV[7], 'status', '已受理', 'created', ARGV[8], 'due', ARGV[9], 'ver', 1,
  'ddue', ARGV[9]) -- the dispatch deadline stays for the response rate after due moves on
if ARGV[12] == '1' then
  redis.call('HSET', k, 'urgent', 1)
  redis.call('HINCRBY', P .. 'rstat:' .. ARGV[10], 'urgent', 1)
end
if ARGV[13] ~= '0' then
  redis.call('HSET', k, 'repeat', ARGV[13])
  redis.call('HINCRBY', P .. 'rstat:' .. ARGV[10], 'repeat', 1)
end
redis.call('RPUSH', k .. ':log', ARGV[11])
redis.call('HINCRBY', P .. 'member:' .. ARGV[5], 'reports', 1)
redis.call('ZADD', P .. 'ropen', ARGV[8], id)
redis.call('ZADD', P .. 'rdue', ARGV[9], id)
redis.call('ZADD', P .. 'rtime', ARGV[8], id)
redis.call('HINCRBY', P .. 'rstat:' .. ARGV[10], 'received', 1)
redis.call('HINCRBY', P .. 'rstat:' .. ARGV[10], 'cat:' .. ARGV[3], 1)
return op_keep({id})
