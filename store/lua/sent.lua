-- sent.lua retires a delivered envelope from the in-flight list and records the delivery
-- (route and time) in a short log that health checks and tests read. It is idempotent: a
-- retirement replayed from data_dir after an outage finds the envelope in flight, or back
-- in the outbox (Recover moved it), or gone (already retired: nothing is logged again).
-- KEYS[1] the in-flight list, KEYS[2] the transport's outbox
-- ARGV[1] prefix, [2] envelope (JSON, exactly as taken), [3] delivery record (JSON), [4] log length
-- returns 1 when retired now, 0 when it was already
local n = redis.call('LREM', KEYS[1], 1, ARGV[2])
if n == 0 then
  n = redis.call('LREM', KEYS[2], 1, ARGV[2])
end
if n == 0 then
  return 0
end
redis.call('LPUSH', P .. 'sentlog', ARGV[3])
redis.call('LTRIM', P .. 'sentlog', 0, tonumber(ARGV[4]) - 1)
return 1
