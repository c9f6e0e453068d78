-- report_note.lua records a step that leaves a report's status alone: a corrected category
-- (改类), a chase (催办), a follower (同问). Each is one history entry and bumps the version.
-- KEYS[1] op key
-- ARGV[1] prefix, [2] id, [3] event (JSON), [4] new category ("" = keep), [5] month the
--      report was received in, [6] this month, [7] stat counter to bump this month ("" =
--      none), [8] follower member id ("" = none), [9] follower (JSON)
-- returns {outcome, added, report_view}: outcome 0 no such report, 1 applied; added 1 when
--      the follower (or the category) is new, 0 when it was already so
local done = op_done()
if done then return done end
local id = ARGV[2]
local k = P .. 'report:' .. id
local ver = redis.call('HGET', k, 'ver')
if not ver then return {0} end
local added = 1
if ARGV[4] ~= '' then
  local old = redis.call('HGET', k, 'cat')
  if old == ARGV[4] then
    added = 0
  else
    -- The category counts move with the correction, in the month the report came in.
    redis.call('HINCRBY', P .. 'rstat:' .. ARGV[5], 'cat:' .. old, -1)
    redis.call('HINCRBY', P .. 'rstat:' .. ARGV[5], 'cat:' .. ARGV[4], 1)
    redis.call('HSET', k, 'cat', ARGV[4])
  end
end
if ARGV[8] ~= '' then
  added = redis.call('HSET', k .. ':fol', ARGV[8], ARGV[9])
  if added == 1 then redis.call('HINCRBY', P .. 'rstat:' .. ARGV[5], 'followers', 1) end
end
if added == 0 then return op_keep({1, 0, report_view(id)}) end
if ARGV[7] ~= '' then redis.call('HINCRBY', P .. 'rstat:' .. ARGV[6], ARGV[7], 1) end
redis.call('HSET', k, 'ver', tonumber(ver) + 1)
redis.call('RPUSH', k .. ':log', ARGV[3])
return op_keep({1, 1, report_view(id)})
