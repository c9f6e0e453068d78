-- finish.lua queues the posts an input produced and retires the input, in one step. The
-- op key makes it once-only: an input handled again after a crash queues nothing twice.
-- KEYS[1] the output's op key (out:<op>)
-- ARGV[1] prefix, [2] inbox entry to retire or "", [3] TTL of the op key (s), then pairs
--      of transport name and envelope (JSON)
-- returns the number of posts queued
local n = 0
if redis.call('SET', KEYS[1], 1, 'NX', 'EX', ARGV[3]) then
  for i = 4, #ARGV, 2 do
    redis.call('RPUSH', P .. 'outbox:' .. ARGV[i], ARGV[i + 1])
    n = n + 1
  end
end
if ARGV[2] ~= '' then redis.call('LREM', P .. 'inbox', 1, ARGV[2]) end
return n
