-- media_attach.lua attaches one photo, recording or location to a report, with its
-- metadata, in one step: the file's metadata is listed under the report and counted, the
-- bytes are charged against the report's and the sender's daily limits, a location sets
-- the report's place when it had none, and the history gets its line. A failed fetch
-- (no file) writes only the history line. The report's version is not bumped: media do
-- not race the lifecycle's compare-and-set. The file's hold (see media_owners.lua) is
-- given up whatever happens, even on a replay: attached, the report holds the file
-- instead; refused, the caller deletes the file unless something else holds it.
-- KEYS[1] op key
-- ARGV[1] prefix, [2] report id, [3] kind, [4] phase, [5] sender member id,
--      [6] media item (JSON, '' for none), [7] size, [8] place, [9] lat, [10] lng,
--      [11] event (JSON), [12] day (yyyymmdd), [13] per-report limit, [14] per-day limit
--      (0: none), [15] now (unix), [16] the file's sha256 ('' for none), [17] its hold
--      token ('' for none)
-- returns {code}: 0 no such report, 1 attached, 2 over the report's limit, 3 over the day's
if ARGV[16] ~= '' and ARGV[17] ~= '' then
  redis.call('ZREM', P .. 'mfile:' .. ARGV[16], 'h:' .. ARGV[17])
end
local done = op_done()
if done then return done end
local k = P .. 'report:' .. ARGV[2]
if redis.call('EXISTS', k) == 0 then return {0} end
if ARGV[6] ~= '' then
  local size = tonumber(ARGV[7])
  local perReport, perDay = tonumber(ARGV[13]), tonumber(ARGV[14])
  local day = P .. 'mday:' .. ARGV[5] .. ':' .. ARGV[12]
  if perReport > 0 and tonumber(redis.call('HGET', k, 'mbytes') or '0') + size > perReport then
    return op_keep({2})
  end
  if perDay > 0 and tonumber(redis.call('GET', day) or '0') + size > perDay then
    return op_keep({3})
  end
  redis.call('HINCRBY', k, 'mbytes', size)
  redis.call('INCRBY', day, size)
  redis.call('EXPIRE', day, 172800) -- tidiness only: the day key is read on its day
  redis.call('RPUSH', k .. ':media', ARGV[6])
  redis.call('ZADD', P .. 'mfile:' .. ARGV[16], 0, 'r:' .. ARGV[2])
  if ARGV[3] == 'photo' then
    redis.call('HINCRBY', k, 'nphoto', 1)
    if ARGV[4] == 'after' then redis.call('HINCRBY', k, 'nafter', 1) end
  elseif ARGV[3] == 'voice' then
    redis.call('HINCRBY', k, 'nvoice', 1)
  end
  redis.call('ZADD', P .. 'rmedia', ARGV[15], ARGV[2])
end
if ARGV[3] == 'location' then
  if ARGV[8] ~= '' and (redis.call('HGET', k, 'place') or '') == '' then
    redis.call('HSET', k, 'place', ARGV[8])
  end
  if ARGV[9] ~= '0' or ARGV[10] ~= '0' then
    redis.call('HSET', k, 'lat', ARGV[9], 'lng', ARGV[10])
  end
end
redis.call('RPUSH', k .. ':log', ARGV[11])
return op_keep({1})
