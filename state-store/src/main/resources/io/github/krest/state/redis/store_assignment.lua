-- ARGV: 3 expected fingerprint, 4 new generation, 5.. member/partitions-csv pairs.
-- Returns {0} if rejected, else {1, {member, partition, offset, ...} revoked}.
local fp = fingerprint()
if fp == '' or fp ~= ARGV[3] then return {0} end
if tonumber(ARGV[4]) <= tonumber(redis.call('HGET', KEYS[6], 'generation') or '0') then return {0} end
local proposed = {}
for i = 5, #ARGV, 2 do proposed[ARGV[i]] = set_of(split(ARGV[i + 1])) end
local old = redis.call('HGETALL', KEYS[6])
local revoked = {}
for i = 1, #old, 2 do
  if string.sub(old[i], 1, 2) == 'm:' then
    local member = string.sub(old[i], 3)
    local keep = proposed[member] or {}
    local lost = {}
    for _, p in ipairs(split(old[i + 1])) do
      if not keep[p] then lost[#lost + 1] = p end
    end
    if #lost > 0 then
      local pos_key = PREFIX .. 'pos:' .. member
      local offsets = redis.call('HMGET', pos_key, unpack(lost))
      local given_up = {}
      for j, p in ipairs(lost) do
        if offsets[j] then
          revoked[#revoked + 1] = member; revoked[#revoked + 1] = p; revoked[#revoked + 1] = offsets[j]
          given_up[#given_up + 1] = p; given_up[#given_up + 1] = offsets[j]
        end
      end
      redis.call('HDEL', pos_key, unpack(lost))
      local ikey = PREFIX .. 'i:' .. member
      hand_over(to_map(redis.call('HGETALL', ikey)), given_up, ikey)
    end
  end
end
-- The new hash keeps the group's TTL (the members' key has it: it was extended by the members' last requests).
local ttl = math.max(redis.call('PTTL', KEYS[4]), redis.call('PTTL', KEYS[6]))
redis.call('DEL', KEYS[6])
local fields = {'generation', ARGV[4], 'fingerprint', ARGV[3]}
for i = 5, #ARGV, 2 do fields[#fields + 1] = 'm:' .. ARGV[i]; fields[#fields + 1] = ARGV[i + 1] end
redis.call('HSET', KEYS[6], unpack(fields))
if ttl > 0 then redis.call('PEXPIRE', KEYS[6], ttl) end
return {1, revoked}
