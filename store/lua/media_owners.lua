-- media_owners.lua keeps who holds each kept file (files are named by content, so the
-- same bytes may belong to several reports): the sorted set mfile:<sha256>, whose members
-- are 'r:<report id>' with score 0 (a report's, until its media are removed) and
-- 'h:<token>' with score = the unix time it ends (a hold: taken before the bytes are
-- written, given up or turned into a report's by media_attach.lua, and the one owner of
-- a voice message waiting for text). A file no member holds may be deleted. The first
-- "held" after an upgrade indexes the reports' media lists once (mfile:indexed).
-- KEYS[1] op key (the no-op key)
-- ARGV[1] prefix, [2] mode, then per mode:
--   "hold": [3] sha256, [4] token, [5] until (unix)                       returns 1
--   "held": [3] now (unix), [4…] sha256s   returns {1 or 0, …}: 1 when a report or a
--           hold that has not ended holds the file
--   "due": [3] closed before (unix)   returns {report id, …}: reports with media kept,
--          closed before [3]
--   "expire": [3] report id, [4] closed before (unix), [5] now (unix), [6] event (JSON):
--           when the report was closed before [4], removes its media list and its
--           ownership of each file, marks it mgone = now and writes the history line;
--           returns {1, sha256 no longer held, …}, or {0} when the report is kept
local mode = ARGV[2]

local function prune(sha, now)
  local k = P .. 'mfile:' .. sha
  redis.call('ZREMRANGEBYSCORE', k, 1, now)
  return redis.call('ZCARD', k)
end

if mode == 'hold' then
  redis.call('ZADD', P .. 'mfile:' .. ARGV[3], ARGV[5], 'h:' .. ARGV[4])
  return 1
elseif mode == 'held' then
  if redis.call('SET', P .. 'mfile:indexed', '1', 'NX') then
    for _, id in ipairs(redis.call('ZRANGE', P .. 'rmedia', 0, -1)) do
      for _, e in ipairs(redis.call('LRANGE', P .. 'report:' .. id .. ':media', 0, -1)) do
        local it = cjson.decode(e)
        if it.sha256 then redis.call('ZADD', P .. 'mfile:' .. it.sha256, 0, 'r:' .. id) end
      end
    end
  end
  local now = tonumber(ARGV[3])
  local out = {}
  for i = 4, #ARGV do
    if prune(ARGV[i], now) > 0 then out[#out + 1] = 1 else out[#out + 1] = 0 end
  end
  return out
elseif mode == 'due' then
  local out = {}
  for _, id in ipairs(redis.call('ZRANGE', P .. 'rmedia', 0, -1)) do
    local at = redis.call('ZSCORE', P .. 'rclosed', id)
    if at and tonumber(at) < tonumber(ARGV[3]) then out[#out + 1] = id end
  end
  return out
elseif mode == 'expire' then
  local id = ARGV[3]
  local k = P .. 'report:' .. id
  local h = redis.call('HMGET', k, 'status', 'closed')
  if not h[1] then
    redis.call('ZREM', P .. 'rmedia', id)
    return {0}
  end
  if h[1] ~= '已关闭' or not h[2] or tonumber(h[2]) >= tonumber(ARGV[4]) then return {0} end
  local now = tonumber(ARGV[5])
  local out, seen = {1}, {}
  for _, e in ipairs(redis.call('LRANGE', k .. ':media', 0, -1)) do
    local sha = cjson.decode(e).sha256
    if sha and not seen[sha] then
      seen[sha] = true
      redis.call('ZREM', P .. 'mfile:' .. sha, 'r:' .. id)
      if prune(sha, now) == 0 then
        redis.call('DEL', P .. 'mfile:' .. sha)
        out[#out + 1] = sha
      end
    end
  end
  redis.call('DEL', k .. ':media')
  redis.call('HSET', k, 'mgone', ARGV[5])
  redis.call('ZREM', P .. 'rmedia', id)
  redis.call('RPUSH', k .. ':log', ARGV[6])
  return out
end
return redis.error_reply('media_owners.lua: unknown mode ' .. mode)
