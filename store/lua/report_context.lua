-- report_context.lua reads what 报事 needs to decide before filing, in one round trip:
-- whether this message's report was already filed (a replay), the open reports (for the
-- 同问 suggestion) and the reports closed since a time (for 重复诉求).
-- KEYS[1] op key of the 报事 message
-- ARGV[1] prefix, [2] closed since (unix), [3] limit of each list
-- returns {replayed (0/1), {report_view…}, {report_view…}}
local replayed = 0
if OPKEY ~= NOOP and redis.call('EXISTS', OPKEY) == 1 then replayed = 1 end
local n = tonumber(ARGV[3])
local function views(ids)
  local out = {}
  for _, id in ipairs(ids) do
    local v = report_view(id)
    if v then table.insert(out, v) end
  end
  return out
end
return {replayed, views(redis.call('ZRANGE', P .. 'ropen', 0, n - 1)),
  views(redis.call('ZRANGEBYSCORE', P .. 'rclosed', ARGV[2], '+inf', 'LIMIT', 0, n))}
