-- Shared prelude of every group-scoped krest script (prepended by LuaScript).
-- KEYS (all share the hash tag {G}):
--   1 krest:{G}:i:{I}      instance hash        2 krest:{G}:pos:{I}   positions hash
--   3 krest:{G}:lease:{I}  lease string         4 krest:{G}:members   zset member -> last heartbeat ms
--   5 krest:{G}:subs       hash member -> subscription descriptor
--   6 krest:{G}:assignment hash generation, fingerprint, m:{member} -> partitions csv
--   7 krest:{G}:instances  zset instance -> expires ms          8 krest:{G}:seq  fencing token counter
--   9 krest:{G}:handover   hash partition -> offset an auto-commit instance gave up, for the next owner
-- ARGV[1] = key prefix 'krest:{G}:' (to name other instances' keys, same slot), ARGV[2] = instance name.
-- Times arrive as decimal strings from the caller's clock; scripts never read TIME.
local PREFIX = ARGV[1]
local NAME = ARGV[2]

local function to_map(flat)
  local t = {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  return t
end

local function alive(inst, now)
  local e = inst['expires.ms']
  return e ~= nil and tonumber(e) > now
end

local function split(csv)
  local out = {}
  if csv == nil or csv == false or csv == '' then return out end
  for item in string.gmatch(csv, '[^,]+') do out[#out + 1] = item end
  return out
end

local function set_of(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end

-- Group keys live as long as the longest-lived instance: only ever extend their TTL.
local function extend_group(ttl)
  local t = tonumber(ttl)
  for i = 4, 9 do
    local p = redis.call('PTTL', KEYS[i])
    if p ~= -2 and p < t then redis.call('PEXPIRE', KEYS[i], ttl) end
  end
end

-- Extends an instance's life: logical deadline (hash field + index score) and physical TTL; then the group keys'.
-- Call it after the script's other group-key writes, so keys they created get a TTL too.
local function touch_instance(expires_at, ttl)
  redis.call('HSET', KEYS[1], 'expires.ms', expires_at)
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
  redis.call('ZADD', KEYS[7], expires_at, NAME)
  extend_group(ttl)
end

local function descriptor(pattern, topics)
  if pattern ~= nil and pattern ~= '' then return 'pattern:' .. pattern end
  return 'topics:' .. (topics or '')
end

-- The membership's fingerprint is cached in the assignment hash under this field (which no 'm:' member field can
-- be), so that a poll costs the same number of commands in a group of 1,000 members as in a group of one; every
-- change of the members or their subscriptions deletes it (forget_fingerprint), and so does a new assignment.
local MEMBERS_FP = 'members.fp'

local function forget_fingerprint()
  redis.call('HDEL', KEYS[6], MEMBERS_FP)
end

-- SHA-1 of the members sorted by name, each 'name\ndescriptor', joined by '\n'; '' for no members.
local function fingerprint()
  local cached = redis.call('HGET', KEYS[6], MEMBERS_FP)
  if cached then return cached end
  local names = redis.call('ZRANGE', KEYS[4], 0, -1)
  if #names == 0 then return '' end
  table.sort(names)
  local parts = {}
  -- HMGET in chunks: unpack() of more than a few thousand values overflows Lua's stack
  for first = 1, #names, 1000 do
    local chunk = {}
    for i = first, math.min(first + 999, #names) do chunk[#chunk + 1] = names[i] end
    local descriptors = redis.call('HMGET', KEYS[5], unpack(chunk))
    for i, n in ipairs(chunk) do parts[#parts + 1] = n .. '\n' .. (descriptors[i] or '') end
  end
  local fp = redis.sha1hex(table.concat(parts, '\n'))
  redis.call('HSET', KEYS[6], MEMBERS_FP, fp)
  if redis.call('PTTL', KEYS[6]) == -1 then
    local ttl = redis.call('PTTL', KEYS[4])
    if ttl > 0 then redis.call('PEXPIRE', KEYS[6], ttl) end
  end
  return fp
end

-- Drops members whose heartbeat is older than stale_before (exclusive); their assignment entry stays so the
-- next stored assignment revokes (and drops) their positions.
local function drop_timed_out(stale_before)
  local stale = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', '(' .. stale_before)
  for _, m in ipairs(stale) do
    redis.call('ZREM', KEYS[4], m)
    redis.call('HDEL', KEYS[5], m)
  end
  if #stale > 0 then forget_fingerprint() end
end

-- Removes a member from the membership and the stored assignment.
local function leave(name)
  redis.call('ZREM', KEYS[4], name)
  redis.call('HDEL', KEYS[5], name)
  redis.call('HDEL', KEYS[6], 'm:' .. name)
  forget_fingerprint()
end

local function owned_csv(inst)
  if inst['mode'] == 'SUBSCRIBE' then return redis.call('HGET', KEYS[6], 'm:' .. NAME) or '' end
  if inst['mode'] == 'ASSIGN' then return inst['partitions'] or '' end
  return ''
end

-- Positions of the owned partitions, flat {partition, offset, ...}.
local function owned_positions(owned)
  local all = redis.call('HGETALL', KEYS[2])
  local out = {}
  for i = 1, #all, 2 do
    if owned[all[i]] then out[#out + 1] = all[i]; out[#out + 1] = all[i + 1] end
  end
  return out
end

-- Keeps the positions (flat {partition, offset, ...}) an auto-commit instance gives up for the partitions' next
-- owner, who then starts there even while their commit is still on its way to Kafka. inst is the instance's hash as
-- a map; ikey its key, whose TTL (or the group's, if longer) the handover key gets.
local function hand_over(inst, flat, ikey)
  if inst['auto.commit.enable'] ~= 'true' or #flat == 0 then return end
  local ttl = redis.call('PTTL', ikey)
  for i = 4, 9 do ttl = math.max(ttl, redis.call('PTTL', KEYS[i])) end
  redis.call('HSET', KEYS[9], unpack(flat))
  if ttl > 0 then redis.call('PEXPIRE', KEYS[9], ttl) end
end

-- Adds the handed-over positions of owned partitions (list) missing from positions (flat); returns the flat list.
local function with_handover(owned, positions)
  if #owned == 0 or redis.call('EXISTS', KEYS[9]) == 0 then return positions end
  local have = {}
  for i = 1, #positions, 2 do have[positions[i]] = true end
  local offsets = redis.call('HMGET', KEYS[9], unpack(owned))
  for i, p in ipairs(owned) do
    if offsets[i] and not have[p] then positions[#positions + 1] = p; positions[#positions + 1] = offsets[i] end
  end
  return positions
end
