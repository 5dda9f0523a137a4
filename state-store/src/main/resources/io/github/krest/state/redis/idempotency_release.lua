-- Releases a running idempotency key for an immediate takeover (IdempotencyKeyStore.release).
-- KEYS[1] = the key (see idempotency_claim.lua). ARGV: 1 token, 2 now ms, 3 ttl ms. Returns 1 if released, else 0.
local k = KEYS[1]
if redis.call('TYPE', k).ok ~= 'hash' or redis.call('HGET', k, 'token') ~= ARGV[1] then
  return 0
end
redis.call('HSET', k, 'deadline', ARGV[2])
redis.call('PEXPIRE', k, ARGV[3])
return 1
