-- complete.lua records a holder's service once and adds it to the month's figures.
-- KEYS[1] op key
-- ARGV[1] prefix, [2] task id, [3] member id, [4] minutes, [5] note, [6] month (yyyymm)
-- returns {outcome, task_view}: 0 no such task, 1 recorded, 2 not a holder, 3 already
-- recorded, 4 cancelled
local done = op_done()
if done then return done end
local id, who, minutes, month = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[6]
local k = P .. 'task:' .. id
local h = redis.call('HMGET', k, 'status', 'need')
if not h[1] then return {0} end
if h[1] ~= 'open' then return {4, task_view(id)} end
local pos = redis.call('LPOS', k .. ':q', who)
if not pos or pos >= tonumber(h[2]) then return {2, task_view(id)} end
if redis.call('HSETNX', k .. ':done', who, minutes) == 0 then return {3, task_view(id)} end
if ARGV[5] ~= '' then redis.call('HSET', k .. ':notes', who, ARGV[5]) end
redis.call('HINCRBY', P .. 'mstat:' .. month, 'tasks', 1)
redis.call('HINCRBY', P .. 'mstat:' .. month, 'minutes', minutes)
redis.call('HINCRBY', P .. 'mcount:' .. month, who, 1)
redis.call('ZINCRBY', P .. 'mrank:' .. month, minutes, who)
return op_keep({1, task_view(id)})
