-- sent.lua retires a delivered envelope from the in-flight list and records the delivery
-- (route and time) in a short log that health checks and tests read.
-- KEYS[1] the in-flight list
-- ARGV[1] prefix, [2] envelope (JSON, exactly as taken), [3] delivery record (JSON), [4] log length
-- returns 1
redis.call('LREM', KEYS[1], 1, ARGV[2])
redis.call('LPUSH', P .. 'sentlog', ARGV[3])
redis.call('LTRIM', P .. 'sentlog', 0, tonumber(ARGV[4]) - 1)
return 1
