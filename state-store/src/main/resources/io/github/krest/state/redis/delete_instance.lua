-- ARGV: 3 now. Returns {} if not found, else {instance fields flat, positions flat}.
local flat = redis.call('HGETALL', KEYS[1])
if not alive(to_map(flat), tonumber(ARGV[3])) then return {} end
local pos = redis.call('HGETALL', KEYS[2])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('ZREM', KEYS[7], NAME)
leave(NAME)
return {flat, pos}
