-- Arms or renews a running idempotency key (IdempotencyKeyStore.arm, renew). KEYS[1] = the key (see
-- idempotency_claim.lua). ARGV: 1 token, 2 from ("|" then topic:partition=offset,...; empty to renew only), 3 now ms,
-- 4 deadline ms, 5 ttl ms. Returns 1 if the token owns the key, else 0 (nothing changed).
local k = KEYS[1]
if redis.call('TYPE', k).ok ~= 'hash' or redis.call('HGET', k, 'token') ~= ARGV[1] then
  return 0
end
-- the first arming's offsets stay: a takeover re-arms to move its deadline, and must keep looking from there
if ARGV[2] ~= '' then
  redis.call('HSETNX', k, 'from', ARGV[2])
end
redis.call('HSET', k, 'deadline', ARGV[4])
redis.call('PEXPIRE', k, tonumber(ARGV[4]) - tonumber(ARGV[3]) + tonumber(ARGV[5]))
return 1
