-- requeue.lua gives a post taken from an outbox back to the head of the list it came
-- from, in one step: a scheduled post waiting for its turn yields to an answer queued
-- meanwhile, and is the next scheduled post again.
-- KEYS[1] the in-flight list, KEYS[2] the outbox list to return it to
-- ARGV[1] prefix, [2] the envelope (JSON, exactly as taken)
-- returns 1 when it was in flight and is back, 0 when it was not in flight
if redis.call('LREM', KEYS[1], 1, ARGV[2]) == 1 then
  redis.call('LPUSH', KEYS[2], ARGV[2])
  return 1
end
return 0
