-- take.lua moves the next post of a transport into an instance's in-flight list: an
-- answer to a person if one waits, else a scheduled post or broadcast. Two lists, not
-- one, so that a broadcast queued first never holds back an answer queued after it.
-- KEYS[1] the answers outbox, KEYS[2] the scheduled outbox, KEYS[3] the in-flight list
-- ARGV[1] prefix
-- returns the envelope (JSON) moved, or nil when both lists are empty
local v = redis.call('LMOVE', KEYS[1], KEYS[3], 'LEFT', 'RIGHT')
if not v then v = redis.call('LMOVE', KEYS[2], KEYS[3], 'LEFT', 'RIGHT') end
return v
