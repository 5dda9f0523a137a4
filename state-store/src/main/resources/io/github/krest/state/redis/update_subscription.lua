-- ARGV: 3 now, 4 expires at ms, 5 key ttl ms, 6 mode, 7 topics csv, 8 pattern, 9 partitions csv.
-- Returns {'NOT_FOUND'}, {'CONFLICT', current mode} or {'OK', revoked positions flat}.
local now = tonumber(ARGV[3])
local inst = to_map(redis.call('HGETALL', KEYS[1]))
if not alive(inst, now) then return {'NOT_FOUND'} end
local current, requested = inst['mode'], ARGV[6]
if (current == 'SUBSCRIBE' and requested == 'ASSIGN') or (current == 'ASSIGN' and requested == 'SUBSCRIBE') then
  return {'CONFLICT', current}
end
redis.call('HSET', KEYS[1], 'mode', requested, 'topics', ARGV[7], 'pattern', ARGV[8], 'partitions', ARGV[9])
local revoked = {}
if requested == 'SUBSCRIBE' then
  redis.call('ZADD', KEYS[4], ARGV[3], NAME)
  redis.call('HSET', KEYS[5], NAME, descriptor(ARGV[8], ARGV[7]))
  forget_fingerprint()
else
  leave(NAME)
  local keep = set_of(split(ARGV[9]))
  local pos = redis.call('HGETALL', KEYS[2])
  for i = 1, #pos, 2 do
    if not keep[pos[i]] then
      revoked[#revoked + 1] = pos[i]; revoked[#revoked + 1] = pos[i + 1]
      redis.call('HDEL', KEYS[2], pos[i])
    end
  end
  hand_over(inst, revoked, KEYS[1])
end
touch_instance(ARGV[4], ARGV[5])
return {'OK', revoked}
