-- recover.lua puts what an instance had in flight back at the head of the outbox lists,
-- in order, each to the list of its kind (scheduled posts to the scheduled list, answers
-- to the answers list), in one step.
-- KEYS[1] the in-flight list, KEYS[2] the answers outbox, KEYS[3] the scheduled outbox
-- ARGV[1] prefix
-- returns how many envelopes it moved
local n = 0
while true do
  local v = redis.call('RPOP', KEYS[1])
  if not v then return n end
  local ok, e = pcall(cjson.decode, v)
  if ok and type(e) == 'table' and type(e.post) == 'table' and e.post.scheduled == true then
    redis.call('LPUSH', KEYS[3], v)
  else
    redis.call('LPUSH', KEYS[2], v)
  end
  n = n + 1
end
