-- media.lua keeps what decides where a person's photos go: their last report-related act
-- in a chat (recent), the media they sent there before a report (pending), and reads a
-- report's media list.
-- KEYS[1] op key (for "take"; the no-op key otherwise)
-- ARGV[1] prefix, [2] mode, then per mode:
--   "note": [3] member, [4] chat, [5] report id, [6] phase, [7] at (unix)   returns 1
--   "recent": [3] member, [4] chat          returns {report id, phase, at} or {}
--   "keep": [3] member, [4] chat, [5] pending entry (JSON), [6] limit      returns 1
--   "start": [3] member, [4] chat, [5] since (unix), [6] report id, [7] phase, [8] at (unix):
--            notes the report as recent and returns {entry JSON, …} kept since since
--   "list": [3] report id                   returns {media item JSON, …}
local mode = ARGV[2]
if mode == 'list' then
  return redis.call('LRANGE', P .. 'report:' .. ARGV[3] .. ':media', 0, -1)
end
local rk = P .. 'mrecent:' .. ARGV[3] .. ':' .. ARGV[4]
local pk = P .. 'mpend:' .. ARGV[3] .. ':' .. ARGV[4]
if mode == 'note' then
  redis.call('HSET', rk, 'report', ARGV[5], 'phase', ARGV[6], 'at', ARGV[7])
  redis.call('EXPIRE', rk, 604800) -- tidiness only: "at" decides
  return 1
elseif mode == 'recent' then
  local h = redis.call('HMGET', rk, 'report', 'phase', 'at')
  if not h[1] then return {} end
  return {h[1], h[2], h[3]}
elseif mode == 'keep' then
  redis.call('RPUSH', pk, ARGV[5])
  redis.call('LTRIM', pk, -tonumber(ARGV[6]), -1)
  redis.call('EXPIRE', pk, 86400) -- tidiness only: each entry's "at" decides
  return 1
elseif mode == 'start' then
  local done = op_done()
  if done then return done end
  redis.call('HSET', rk, 'report', ARGV[6], 'phase', ARGV[7], 'at', ARGV[8])
  redis.call('EXPIRE', rk, 604800)
  local out = {}
  for _, e in ipairs(redis.call('LRANGE', pk, 0, -1)) do
    if tonumber(cjson.decode(e).at) >= tonumber(ARGV[5]) then table.insert(out, e) end
  end
  redis.call('DEL', pk)
  return op_keep(out)
end
return redis.error_reply('media.lua: unknown mode ' .. mode)
