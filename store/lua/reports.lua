-- reports.lua reads reports: one by id, or an index (open, overdue, agenda).
-- KEYS[1] op key (unused: reads)
-- ARGV[1] prefix, [2] mode ("one", "open", "due", "agenda"), [3] id or max score, [4] limit
-- returns {report_view, …}
local mode = ARGV[2]
if mode == 'one' then return {report_view(ARGV[3])} end
local ids
local n = tonumber(ARGV[4])
if mode == 'due' then
  ids = redis.call('ZRANGEBYSCORE', P .. 'rdue', '-inf', ARGV[3], 'LIMIT', 0, n)
else
  ids = redis.call('ZRANGE', P .. (mode == 'open' and 'ropen' or 'agenda'), 0, n - 1)
end
local out = {}
for _, id in ipairs(ids) do
  local v = report_view(id)
  if v then table.insert(out, v) end
end
return out
