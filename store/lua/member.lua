-- member.lua finds who a name may mean, through stable identities only: never through a
-- display name, which anyone can set to anyone's name.
-- KEYS[1] op key (unused)
-- ARGV[1] prefix, [2] name, [3..] transport names ("wechat", "wecom", "console")
-- returns {{member_view…} whose handle (WeChat NickName, WeCom userid) is the name,
--          {member_view…} who registered the name}; a member merged into another counts
--          as that other, and each member appears once per list.
local name = ARGV[2]

-- live follows a merged member to the member it was merged into.
local function live(m)
  for _ = 1, 10 do
    local to = redis.call('HGET', P .. 'member:' .. m, 'merged')
    if not to then return m end
    m = to
  end
  return m
end

local function collect(ids)
  local seen, out = {}, {}
  for _, m in ipairs(ids) do
    m = live(m)
    if not seen[m] then
      seen[m] = true
      table.insert(out, member_view(m))
    end
  end
  return out
end

local byHandle = redis.call('SMEMBERS', P .. 'handle:' .. name)
-- Members last seen before handles were indexed are found through their identities.
for i = 3, #ARGV do
  local m = redis.call('HGET', P .. 'ident', ARGV[i] .. ':' .. name)
  if m then table.insert(byHandle, m) end
end
table.sort(byHandle)
local byName = redis.call('SMEMBERS', P .. 'names:' .. name)
table.sort(byName)
return {collect(byHandle), collect(byName)}
