-- accept.lua stores an inbound message once: the de-duplication mark and the inbox entry
-- are one step, so a message WeChat delivers twice is handled once, and a message is
-- acknowledged only after it is stored.
-- KEYS[1] the message's seen key (seen:<transport>:<id>)
-- ARGV[1] prefix, [2] message (JSON), [3] seen TTL (s)
-- returns 1 when stored, 0 for a duplicate
if redis.call('SET', KEYS[1], 1, 'NX', 'EX', ARGV[3]) then
  redis.call('RPUSH', P .. 'inbox', ARGV[2])
  return 1
end
return 0
