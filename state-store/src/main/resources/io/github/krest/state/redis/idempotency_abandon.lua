-- Forgets a running idempotency key whose first attempt sent nothing (IdempotencyKeyStore.abandon).
-- KEYS[1] = the key (see idempotency_claim.lua). ARGV: 1 token. Returns 1 if forgotten, else 0.
local k = KEYS[1]
if redis.call('TYPE', k).ok ~= 'hash' then
  return 0
end
local cur = redis.call('HMGET', k, 'token', 'first', 'from')
if cur[1] ~= ARGV[1] or cur[2] ~= ARGV[1] or cur[3] then
  return 0
end
redis.call('DEL', k)
return 1
