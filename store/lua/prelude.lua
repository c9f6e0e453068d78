-- prelude.lua is prepended to every script of chorus.
-- Convention for every script: KEYS[1] is the op key (the idempotency record of the
-- inbound message that caused the change, or the community prefix's "op:-" for reads),
-- ARGV[1] is the community key prefix "chorus:{<community>}:". Scripts build the other keys
-- from the prefix; every key carries the community's hash tag, so all sit in one cluster
-- slot. A script never calls TIME: now is an ARGV.
local P = ARGV[1]
local OPKEY = KEYS[1]
local NOOP = P .. 'op:-'
local OP_TTL = 604800 -- a week: long enough for any redelivery or restart

-- op_done returns the stored result of an op already applied, or nil.
local function op_done()
  if OPKEY == NOOP then return nil end
  local v = redis.call('GET', OPKEY)
  if v then return cjson.decode(v) end
  return nil
end

-- op_keep stores r as the op's result and returns it.
local function op_keep(r)
  if OPKEY ~= NOOP then redis.call('SET', OPKEY, cjson.encode(r), 'EX', OP_TTL) end
  return r
end

local UNTIMED = 4102444800 -- listing score of a task without a time (2100-01-01)

-- task_text reads a text field that may have been moved out of the hash (see publish.lua).
local function task_text(k, field, v)
  if v == '\0' then return redis.call('GET', k .. ':' .. field) end
  return v
end

-- task_view returns a task as a flat array, or false when it does not exist:
-- {id, team, group, title, place, start, dur, need, status, by, report, {queue ids}, {queue nicks}, {done ids}}
local function task_view(id)
  local k = P .. 'task:' .. id
  local h = redis.call('HMGET', k, 'team', 'group', 'title', 'place', 'start', 'dur', 'need', 'status', 'by', 'report')
  if not h[1] then return false end
  local q = redis.call('LRANGE', k .. ':q', 0, -1)
  local nicks = {}
  for i, m in ipairs(q) do
    nicks[i] = redis.call('HGET', P .. 'member:' .. m, 'nick') or ''
  end
  local done = redis.call('HKEYS', k .. ':done')
  return {tonumber(id), h[1], h[2], task_text(k, 'title', h[3]), task_text(k, 'place', h[4] or ''),
    tonumber(h[5]), tonumber(h[6]), tonumber(h[7]), h[8], h[9] or '', tonumber(h[10] or '0'), q, nicks, done}
end

-- report_view returns a report as {id, flat HGETALL, {history events as JSON},
-- {followers as JSON}}, or false.
local function report_view(id)
  local k = P .. 'report:' .. id
  local h = redis.call('HGETALL', k)
  if #h == 0 then return false end
  return {tonumber(id), h, redis.call('LRANGE', k .. ':log', 0, -1), redis.call('HVALS', k .. ':fol')}
end

-- member_view returns {id, nick, name, unit, team, coord, {teams}, handle}.
local function member_view(mid)
  local k = P .. 'member:' .. mid
  local h = redis.call('HMGET', k, 'nick', 'name', 'unit', 'team', 'coord', 'handle')
  return {mid, h[1] or '', h[2] or '', h[3] or '', h[4] or '', h[5] or '', redis.call('SMEMBERS', k .. ':teams'), h[6] or ''}
end

