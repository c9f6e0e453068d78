-- relink.lua merges a new identity into the one earlier member with the same registered
-- name: a person who changed their WeChat nickname (a new identity to chorus) gets their
-- claims, hours and reports back. Only a coordinator asks for it, and only a member with
-- no history of its own can be merged away.
-- KEYS[1] op key
-- ARGV[1] prefix, [2] member id to merge away, [3] the name
-- returns {outcome, member_view}: 1 merged into the returned member, 2 no other member
-- has the name, 3 several do, 4 the member has a history of its own
local done = op_done()
if done then return done end
local from, name = ARGV[2], ARGV[3]
local fk = P .. 'member:' .. from
local others = {}
for _, m in ipairs(redis.call('SMEMBERS', P .. 'names:' .. name)) do
  if m ~= from then table.insert(others, m) end
end
if #others == 0 then return {2} end
if #others > 1 then return {3} end
if redis.call('HGET', fk, 'coord') or redis.call('HGET', fk, 'reports')
  or redis.call('EXISTS', P .. 'mtasks:' .. from) == 1 then
  return {4}
end
local to = others[1]
local tk = P .. 'member:' .. to
for _, ident in ipairs(redis.call('SMEMBERS', fk .. ':idents')) do
  redis.call('HSET', P .. 'ident', ident, to)
  redis.call('SADD', tk .. ':idents', ident)
end
local nick = redis.call('HGET', fk, 'nick')
if nick then
  redis.call('HSET', tk, 'nick', nick)
  redis.call('HSET', P .. 'nick', nick, to)
end
redis.call('SREM', P .. 'names:' .. name, from)
redis.call('HSET', fk, 'merged', to)
return op_keep({1, member_view(to)})
