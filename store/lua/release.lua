-- release.lua removes a member from a task's queue; when a holder leaves and someone is
-- waiting, the first waiting moves up into the freed place (the list shifts by itself).
-- KEYS[1] op key
-- ARGV[1] prefix, [2] task id, [3] member id
-- returns {outcome, promoted id, task_view}: outcome 0 no such task, 1 released a held
-- place, 2 left the waiting list, 3 not claimed, 4 closed
local done = op_done()
if done then return done end
local id, who = ARGV[2], ARGV[3]
local k = P .. 'task:' .. id
local h = redis.call('HMGET', k, 'status', 'need')
if not h[1] then return {0} end
if h[1] ~= 'open' then return {4, '', task_view(id)} end
local pos = redis.call('LPOS', k .. ':q', who)
if not pos then return {3, '', task_view(id)} end
local need = tonumber(h[2])
redis.call('LREM', k .. ':q', 1, who)
redis.call('ZREM', P .. 'mtasks:' .. who, id)
if pos >= need then return op_keep({2, '', task_view(id)}) end
local promoted = redis.call('LINDEX', k .. ':q', need - 1)
if not promoted then promoted = '' end
return op_keep({1, promoted, task_view(id)})
