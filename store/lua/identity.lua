-- identity.lua reads the store's identity (which community's data it holds, since when)
-- and its id counters; it creates the identity when there is none and ARGV[4] is "1",
-- raising the counters to the floors so that numbers never start again under old ones.
-- KEYS[1] op key (unused)
-- ARGV[1] prefix, [2] community, [3] now, [4] create "1" or "0", [5] task floor,
-- [6] report floor
-- returns {community or "", since or "", task counter, report counter, created 1/0}
local k = P .. 'identity'
local created = 0
if not redis.call('HGET', k, 'community') and ARGV[4] == '1' then
  redis.call('HSET', k, 'community', ARGV[2], 'since', ARGV[3])
  for _, f in ipairs({{'seq:task', ARGV[5]}, {'seq:report', ARGV[6]}}) do
    local cur = tonumber(redis.call('GET', P .. f[1]) or '0')
    if tonumber(f[2]) > cur then redis.call('SET', P .. f[1], f[2]) end
  end
  created = 1
end
local h = redis.call('HMGET', k, 'community', 'since')
return {h[1] or '', h[2] or '', tonumber(redis.call('GET', P .. 'seq:task') or '0'),
  tonumber(redis.call('GET', P .. 'seq:report') or '0'), created}
