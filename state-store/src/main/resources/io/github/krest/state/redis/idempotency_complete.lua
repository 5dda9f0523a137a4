-- Stores the answer of a running idempotency key (IdempotencyKeyStore.complete). KEYS[1] = the key (see
-- idempotency_claim.lua). ARGV: 1 token, 2 status, 3 content type, 4 body, 5 ttl ms. Returns 1 if stored, else 0.
local k = KEYS[1]
if redis.call('TYPE', k).ok ~= 'hash' or redis.call('HGET', k, 'token') ~= ARGV[1] then
  return 0
end
local fp = redis.call('HGET', k, 'fp')
-- a completed key keeps only what a replay needs, as one string (see idempotency_claim.lua)
redis.call('SET', k, fp .. '\n' .. ARGV[2] .. '\n' .. ARGV[3] .. '\n' .. ARGV[4], 'PX', ARGV[5])
return 1
