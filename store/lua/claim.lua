-- claim.lua adds a member to a task's queue: the first `need` in the queue hold a place,
-- the rest wait in arrival order. Capacity check, append and index are one atomic step.
-- KEYS[1] op key
-- ARGV[1] prefix, [2] task id, [3] member id, [4] now (unix)
-- returns {outcome, position, task_view}: outcome 0 no such task, 1 held, 2 waiting,
-- 3 already held, 4 already waiting, 5 closed (cancelled or over); position is the
-- 1-based place on the waiting list.
local done = op_done()
if done then return done end
local id, who, now = ARGV[2], ARGV[3], tonumber(ARGV[4])
local k = P .. 'task:' .. id
local h = redis.call('HMGET', k, 'status', 'need', 'start', 'dur')
if not h[1] then return {0} end
local need, start = tonumber(h[2]), tonumber(h[3])
if h[1] ~= 'open' or (start > 0 and now >= start + tonumber(h[4])) then
  return {5, 0, task_view(id)}
end
local pos = redis.call('LPOS', k .. ':q', who)
if pos then
  if pos < need then return {3, 0, task_view(id)} end
  return {4, pos - need + 1, task_view(id)}
end
local n = redis.call('RPUSH', k .. ':q', who)
local score = start
if score == 0 then score = UNTIMED end
redis.call('ZADD', P .. 'mtasks:' .. who, score, id)
if n <= need then return op_keep({1, 0, task_view(id)}) end
return op_keep({2, n - need, task_view(id)})
