-- sent.lua retires a delivered envelope from the in-flight list and records the delivery
-- (route and time) in a short log that health checks and tests read. It is idempotent: a
-- retirement replayed from data_dir after an outage finds the envelope in flight, or back
-- in the outbox (Recover moved it), or gone (already retired: nothing is logged again).
-- The answers merged into the same post are retired with it, in the same step, so after a
-- crash either all of them go out again (merged again) or none.
-- KEYS[1] the in-flight list, KEYS[2] the transport's answers outbox, KEYS[3] its
--      scheduled outbox
-- ARGV[1] prefix, [2] envelope (JSON, exactly as taken), [3] delivery record (JSON), [4] log length,
--      [5..] envelopes merged into the same post
-- returns 1 when retired now, 0 when it was already
local function retire(raw)
  local n = redis.call('LREM', KEYS[1], 1, raw)
  if n == 0 then n = redis.call('LREM', KEYS[2], 1, raw) end
  if n == 0 then n = redis.call('LREM', KEYS[3], 1, raw) end
  return n
end
for i = 5, #ARGV do retire(ARGV[i]) end
if retire(ARGV[2]) == 0 then
  return 0
end
redis.call('LPUSH', P .. 'sentlog', ARGV[3])
redis.call('LTRIM', P .. 'sentlog', 0, tonumber(ARGV[4]) - 1)
return 1
