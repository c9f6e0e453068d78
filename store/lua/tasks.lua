-- tasks.lua reads tasks: one by id, or a sorted-set index from a score on.
-- KEYS[1] op key (unused: reads)
-- ARGV[1] prefix, [2] mode ("one", "index"), [3] id or index name ("open:<team>",
--      "mtasks:<member>"), [4] from score, [5] limit
-- returns {task_view, …} (cancelled tasks skipped for index reads)
if ARGV[2] == 'one' then return {task_view(ARGV[3])} end
local ids = redis.call('ZRANGEBYSCORE', P .. ARGV[3], ARGV[4], '+inf', 'LIMIT', 0, tonumber(ARGV[5]))
local out = {}
for _, id in ipairs(ids) do
  local v = task_view(id)
  if v and v[9] == 'open' then table.insert(out, v) end
end
return out
