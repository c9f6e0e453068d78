-- rwait.lua lists resolved reports waiting for the reporter's rating, resolved at or before
-- a time, oldest first.
-- KEYS[1] op key (unused: reads)
-- ARGV[1] prefix, [2] resolved at or before (unix), [3] limit
-- returns {report_view, …}
local ids = redis.call('ZRANGEBYSCORE', P .. 'rwait', '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  local v = report_view(id)
  if v then table.insert(out, v) end
end
return out
