-- ARGV: 3 now, 4 expires at ms, 5 key ttl ms, 6 principal, 7 replica id, 8 the request's wait in ms ('' for the
--       instance's request timeout), 9 lease margin ms, 10 stale-before ms (now - session timeout), 11 token seed
--       (now * 1000: tokens of a group that was swept and recreated start above every token it issued before, at
--       fewer than 1000 polls per ms).
-- Returns {'NOT_FOUND'} | {'BUSY', holder replica, lease expires at}
--       | {'REBALANCE' or 'OK', generation, owned partitions csv, instance fields flat, positions flat, token}.
local now = tonumber(ARGV[3])
local inst = to_map(redis.call('HGETALL', KEYS[1]))
if not alive(inst, now) or inst['principal'] ~= ARGV[6] then return {'NOT_FOUND'} end
local subscribed = inst['mode'] == 'SUBSCRIBE'
if subscribed then
  -- the heartbeat; the membership (and its cached fingerprint) changes only when the member is new or its
  -- subscription differs
  local joined = redis.call('ZADD', KEYS[4], ARGV[3], NAME)
  local desc = descriptor(inst['pattern'], inst['topics'])
  if joined == 1 or redis.call('HGET', KEYS[5], NAME) ~= desc then
    redis.call('HSET', KEYS[5], NAME, desc)
    forget_fingerprint()
  end
end
drop_timed_out(ARGV[10])
touch_instance(ARGV[4], ARGV[5])
local generation = redis.call('HGET', KEYS[6], 'generation') or '0'
local owned = owned_csv(inst)
local owned_list = split(owned)
local positions = with_handover(owned_list, owned_positions(set_of(owned_list)))
local flat = redis.call('HGETALL', KEYS[1])
if subscribed and fingerprint() ~= (redis.call('HGET', KEYS[6], 'fingerprint') or '') then
  return {'REBALANCE', generation, owned, flat, positions, 0}
end
local lease = redis.call('GET', KEYS[3])
if lease then
  local expires, holder = string.match(lease, '^%d+|(%d+)|(.*)$')
  if expires and tonumber(expires) > now then return {'BUSY', holder, expires} end
end
redis.call('SET', KEYS[8], ARGV[11], 'PX', ARGV[5], 'NX')
local token = redis.call('INCR', KEYS[8])
-- the lease lasts as long as the request may: a holder that never ends it (its replica died) blocks no longer
local wait = ARGV[8] ~= '' and tonumber(ARGV[8]) or tonumber(inst['request.timeout.ms'])
local lease_ms = wait + tonumber(ARGV[9])
-- %d, not tostring: Lua 5.1 prints numbers above 1e14 with an exponent.
redis.call('SET', KEYS[3], string.format('%d', token) .. '|' .. string.format('%d', now + lease_ms) .. '|'
  .. ARGV[7], 'PX', string.format('%d', lease_ms))
return {'OK', generation, owned, flat, positions, token}
