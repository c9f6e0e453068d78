-- escalate.lua records that a stage of a report was escalated, once, puts the report on
-- the roundtable agenda, and takes it out of the due index until a new deadline is set,
-- so the overdue query lists only reports not yet escalated however many pile up.
-- KEYS[1] op key (unused: the flag itself makes it idempotent)
-- ARGV[1] prefix, [2] id, [3] stage ("dispatch", "resolve"), [4] now
-- returns 1 when newly escalated, 0 when it already was
-- Each new escalation is an SLA breach: counted in 'breaches' for the metrics.
local k = P .. 'report:' .. ARGV[2]
if redis.call('EXISTS', k) == 0 then return 0 end
if redis.call('HSETNX', k, 'esc:' .. ARGV[3], ARGV[4]) == 0 then return 0 end
redis.call('HSET', k, 'agenda', 1)
redis.call('INCR', P .. 'breaches')
redis.call('ZADD', P .. 'agenda', 'NX', ARGV[4], ARGV[2])
redis.call('ZREM', P .. 'rdue', ARGV[2])
return 1
