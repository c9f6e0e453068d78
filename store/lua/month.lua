-- month.lua reads the reports or tasks of a span of time, for the monthly export.
-- KEYS[1] op key (unused: reads)
-- ARGV[1] prefix, [2] mode ("reports": by creation, rtime; "tasks": by start or
--      publication, ttime), [3] from (unix, inclusive), [4] to (unix, exclusive)
-- returns {report_view, …} or {task_view, …} (cancelled tasks included), oldest first
local idx = ARGV[2] == 'reports' and 'rtime' or 'ttime'
local ids = redis.call('ZRANGEBYSCORE', P .. idx, ARGV[3], '(' .. ARGV[4])
local out = {}
for _, id in ipairs(ids) do
  local v
  if ARGV[2] == 'reports' then v = report_view(id) else v = task_view(id) end
  if v then table.insert(out, v) end
end
return out
