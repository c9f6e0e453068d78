-- resolve.lua finds or creates the member behind a transport identity, indexes its stable
-- handle, and records the name to show them by (and the team they spoke in).
-- KEYS[1] op key (unused)
-- ARGV[1] prefix, [2] identity ("wechat:<NickName>", "wecom:<userid>"), [3] display name
-- (the group display name, which anyone can set to anything), [4] team or "", [5] now
-- returns member_view
--
-- The display name is shown (and @-mentioned) only when it names nobody else: when it is
-- another member's handle or registered name, the member is shown by their own handle,
-- so a reply to an impostor calling himself 魏青 never reads as addressed to 魏青.
local ident, display = ARGV[2], ARGV[3]
local handle = string.match(ident, '^[^:]*:(.*)$') or ident
if handle == '' then handle = display end

-- names_other reports whether name is the handle or registered name of a member but mid.
local function names_other(name, mid)
  for _, set in ipairs({'handle:', 'names:'}) do
    for _, m in ipairs(redis.call('SMEMBERS', P .. set .. name)) do
      if m ~= mid and not redis.call('HGET', P .. 'member:' .. m, 'merged') then return true end
    end
  end
  return false
end

local mid = redis.call('HGET', P .. 'ident', ident)
if not mid then
  mid = 'm' .. redis.call('INCR', P .. 'seq:member')
  redis.call('HSET', P .. 'ident', ident, mid)
  redis.call('HSET', P .. 'member:' .. mid, 'since', ARGV[5])
  redis.call('SADD', P .. 'member:' .. mid .. ':idents', ident)
end
local k = P .. 'member:' .. mid
if redis.call('SADD', P .. 'handle:' .. handle, mid) == 1 then
  redis.call('HSET', k, 'handle', handle)
  -- Whoever was shown under this handle as their display name is shown by their own.
  local other = redis.call('HGET', P .. 'nick', handle)
  if other and other ~= mid then
    local ok = P .. 'member:' .. other
    if redis.call('HGET', ok, 'nick') == handle then
      redis.call('HSET', ok, 'nick', redis.call('HGET', ok, 'handle') or ('#' .. other))
    end
  end
end
local shown = display
if shown == '' or (shown ~= handle and names_other(shown, mid)) then shown = handle end
local old = redis.call('HGET', k, 'nick')
if old ~= shown then
  redis.call('HSET', k, 'nick', shown)
  redis.call('HSET', P .. 'nick', shown, mid)
end
if ARGV[4] ~= '' then
  redis.call('HSET', k, 'team', ARGV[4])           -- the team of the group last spoken in
  redis.call('SADD', k .. ':teams', ARGV[4])       -- every team the member belongs to
end
return member_view(mid)
