-- mark.lua moves a job's watermark forward, never back (two schedulers may race).
-- KEYS[1] the job's mark key
-- ARGV[1] prefix, [2] slot time (unix)
-- returns the watermark after the call
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local new = tonumber(ARGV[2])
if new > cur then
  redis.call('SET', KEYS[1], new)
  return new
end
return cur
