-- Global key, not group-scoped (no prelude). KEYS[1] = lock; ARGV: 1 replica id, 2 now, 3 expires at, 4 lock ms.
-- Returns 1 if acquired.
local held = redis.call('GET', KEYS[1])
if held then
  local expires = string.match(held, '^(%d+)|')
  if expires and tonumber(expires) > tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[3] .. '|' .. ARGV[1], 'PX', ARGV[4])
return 1
