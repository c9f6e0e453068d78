-- rescue.lua moves chosen envelopes out of a transport's outbox, wherever they are in it,
-- into an instance's in-flight list (where Recover finds them after a crash). Another
-- process may take or rescue the same envelopes at the same time: LREM answering 1 is
-- what makes one envelope this call's, so each is moved by one caller only.
-- KEYS[1] the outbox, KEYS[2] the in-flight list
-- ARGV[1] prefix, [2..] envelopes (JSON, exactly as read from the outbox)
-- returns for each envelope 1 when this call moved it, 0 when it was no longer there
local moved = {}
for i = 2, #ARGV do
  if redis.call('LREM', KEYS[1], 1, ARGV[i]) == 1 then
    redis.call('RPUSH', KEYS[2], ARGV[i])
    moved[#moved + 1] = 1
  else
    moved[#moved + 1] = 0
  end
end
return moved
