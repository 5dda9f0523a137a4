-- ARGV: 3 now. Returns {} if not found, else {instance fields flat, positions flat}.
local flat = redis.call('HGETALL', KEYS[1])
local inst = to_map(flat)
if not alive(inst, tonumber(ARGV[3])) then return {} end
local pos = redis.call('HGETALL', KEYS[2])
hand_over(inst, pos, KEYS[1])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('ZREM', KEYS[7], NAME)
leave(NAME)
return {flat, pos}
