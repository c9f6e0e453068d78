-- figures.lua reads a month's figures.
-- KEYS[1] op key (unused: reads)
-- ARGV[1] prefix, [2] mode ("month", "reports", "units"), [3] month, [4] top
-- month:   {checkins, tasks, minutes, {top member views + minutes…}}
-- reports: {flat HGETALL of the month's counters, {resolve minutes}, {latest rating per report}}
-- units:   {{member_view…, checkin(0/1), tasks, minutes}, …} for every member with a unit
local month = ARGV[3]
if ARGV[2] == 'reports' then
  return {redis.call('HGETALL', P .. 'rstat:' .. month), redis.call('LRANGE', P .. 'rdur:' .. month, 0, -1),
    redis.call('HVALS', P .. 'rrating:' .. month)}
end
if ARGV[2] == 'units' then
  local out = {}
  for _, mid in ipairs(redis.call('SMEMBERS', P .. 'units')) do
    local v = member_view(mid)
    table.insert(v, redis.call('HEXISTS', P .. 'checkin:' .. month, mid))
    table.insert(v, tonumber(redis.call('HGET', P .. 'mcount:' .. month, mid) or '0'))
    table.insert(v, tonumber(redis.call('ZSCORE', P .. 'mrank:' .. month, mid) or '0'))
    table.insert(out, v)
  end
  return out
end
local s = redis.call('HMGET', P .. 'mstat:' .. month, 'tasks', 'minutes')
local top = {}
local r = redis.call('ZREVRANGE', P .. 'mrank:' .. month, 0, tonumber(ARGV[4]) - 1, 'WITHSCORES')
for i = 1, #r, 2 do
  local v = member_view(r[i])
  table.insert(v, tonumber(r[i + 1]))
  table.insert(top, v)
end
return {redis.call('HLEN', P .. 'checkin:' .. month), tonumber(s[1] or '0'), tonumber(s[2] or '0'), top}
