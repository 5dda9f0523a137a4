-- ARGV: 3 commit ms (also now). Returns 1, or 0 if not found.
if not alive(to_map(redis.call('HGETALL', KEYS[1])), tonumber(ARGV[3])) then return 0 end
redis.call('HSET', KEYS[1], 'last.commit.ms', ARGV[3])
return 1
