-- cancel.lua cancels (or closes) a task and takes it out of every listing; the queue is
-- kept so the caller can tell everyone who claimed.
-- KEYS[1] op key
-- ARGV[1] prefix, [2] task id, [3] the new status: "cancelled", or "closed" for a task
--      whose report was resolved
-- returns {outcome, task_view}: 0 no such task, 1 cancelled, 2 already cancelled
local done = op_done()
if done then return done end
local id = ARGV[2]
local k = P .. 'task:' .. id
local h = redis.call('HMGET', k, 'status', 'team')
if not h[1] then return {0} end
if h[1] ~= 'open' then return {2, task_view(id)} end
redis.call('HSET', k, 'status', ARGV[3])
redis.call('ZREM', P .. 'open:' .. h[2], id)
for _, m in ipairs(redis.call('LRANGE', k .. ':q', 0, -1)) do
  redis.call('ZREM', P .. 'mtasks:' .. m, id)
end
return op_keep({1, task_view(id)})
