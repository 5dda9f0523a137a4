-- ARGV: 3 now. Returns {'NOT_FOUND'} or {'OK', positions flat}.
local inst = to_map(redis.call('HGETALL', KEYS[1]))
if not alive(inst, tonumber(ARGV[3])) then return {'NOT_FOUND'} end
return {'OK', owned_positions(set_of(split(owned_csv(inst))))}
