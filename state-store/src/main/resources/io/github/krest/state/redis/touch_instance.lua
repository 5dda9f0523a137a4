-- ARGV: 3 now, 4 expires at ms, 5 key ttl ms. Returns 1, or 0 if not found.
if not alive(to_map(redis.call('HGETALL', KEYS[1])), tonumber(ARGV[3])) then return 0 end
touch_instance(ARGV[4], ARGV[5])
return 1
