-- ARGV: 3 now (created ms), 4 expires at ms, 5 key ttl ms, 6.. instance field/value pairs.
-- Returns 1 if created, 0 if a live instance of that name exists.
local now = tonumber(ARGV[3])
if alive(to_map(redis.call('HGETALL', KEYS[1])), now) then return 0 end
-- A leftover of an expired, not yet swept instance of the same name is replaced.
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
leave(NAME)
local fields = {}
for i = 6, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], 'last.commit.ms', ARGV[3], unpack(fields))
touch_instance(ARGV[4], ARGV[5])
return 1
