-- pace.lua is the sending budget of one account: it reserves the moment `now` for one
-- post to one chat, or says how long to wait. The send times of the last hour (a day per
-- chat) live here, not in a process, so a restart or a second
-- process on the same account continues the same budget instead of starting a new one;
-- the check and the record are one step, so two processes cannot both take the last slot.
-- KEYS[1] the account's send times (sorted set, score = ms), KEYS[2] the chat's
-- ARGV[1] prefix, [2] now (ms), [3] a unique member for this send,
--   [4] account gap (ms), [5] chat gap (ms), [6] margin (ms) added to every window,
--   [7] account per minute, [8] account per hour,
--   [9] chat per minute, [10] chat per hour, [11] chat per day (0: no cap)
-- returns 0 when the send is reserved (and recorded at now), else the wait in ms (> 0)
local now = tonumber(ARGV[2])
local margin = tonumber(ARGV[6])
local MIN, HOUR, DAY = 60000, 3600000, 86400000
-- A chat's sends are kept a day whatever this post's limits say, so that a daily cap
-- counts the sends made under any limits.
local chatSpan = DAY
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - HOUR - margin))
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. (now - chatSpan - margin))

local wait = 0
-- gap: the newest send plus g
local function gap(key, g)
  if g <= 0 then return end
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if last[2] then wait = math.max(wait, tonumber(last[2]) + g - now) end
end
-- cap: at most n sends in any span (+ margin); when full, wait until enough have left it
local function cap(key, n, span)
  if n <= 0 then return end
  local w = span + margin
  local inside = redis.call('ZCOUNT', key, '(' .. (now - w), '+inf')
  if inside < n then return end
  local older = redis.call('ZCARD', key) - inside
  local leaving = redis.call('ZRANGE', key, older + inside - n, older + inside - n, 'WITHSCORES')
  wait = math.max(wait, tonumber(leaving[2]) + w - now)
end
gap(KEYS[1], tonumber(ARGV[4]))
gap(KEYS[2], tonumber(ARGV[5]))
cap(KEYS[1], tonumber(ARGV[7]), MIN)
cap(KEYS[1], tonumber(ARGV[8]), HOUR)
cap(KEYS[2], tonumber(ARGV[9]), MIN)
cap(KEYS[2], tonumber(ARGV[10]), HOUR)
cap(KEYS[2], tonumber(ARGV[11]), DAY)
if wait > 0 then return math.ceil(wait) end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('ZADD', KEYS[2], now, ARGV[3])
-- Tidiness only: correctness never depends on expiry (the trims above do the work).
redis.call('PEXPIRE', KEYS[1], 2 * HOUR + margin)
redis.call('PEXPIRE', KEYS[2], 2 * chatSpan + margin)
return 0
