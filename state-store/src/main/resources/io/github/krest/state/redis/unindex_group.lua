-- Global key, not group-scoped (no prelude). KEYS[1] = groups index; ARGV: 1 group, 2 score seen before the sweep.
-- Removes the group unless a create re-indexed it meanwhile (score changed).
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then redis.call('ZREM', KEYS[1], ARGV[1]) end
return 1
