-- ARGV: 3 fencing token, 4.. partition/offset pairs. Returns 1 if the token held (positions written), else 0.
local lease = redis.call('GET', KEYS[3])
if not lease or string.match(lease, '^(%d+)|') ~= ARGV[3] then return 0 end
redis.call('DEL', KEYS[3])
local inst = to_map(redis.call('HGETALL', KEYS[1]))
if inst['mode'] == nil then return 0 end
local owned = set_of(split(owned_csv(inst)))
local writes = {}
for i = 4, #ARGV, 2 do
  if owned[ARGV[i]] then writes[#writes + 1] = ARGV[i]; writes[#writes + 1] = ARGV[i + 1] end
end
if #writes > 0 then
  redis.call('HSET', KEYS[2], unpack(writes))
  local written = {}
  for i = 1, #writes, 2 do written[#written + 1] = writes[i] end
  redis.call('HDEL', KEYS[9], unpack(written))
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
end
return 1
