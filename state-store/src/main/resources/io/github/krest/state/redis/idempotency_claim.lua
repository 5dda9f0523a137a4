-- Claims an idempotency key (IdempotencyKeyStore.claim). Standalone: one key, no group prelude.
-- KEYS[1] = the key. ARGV: 1 fingerprint, 2 token, 3 request id, 4 now ms, 5 deadline ms, 6 ttl ms.
-- A running key is a hash: fp, token, rid, since (the first attempt's start ms), first (its token), started,
-- deadline, and from once armed ("|" then topic:partition=offset,...). A completed key is a string,
-- "fingerprint\nstatus\ncontent type\nbody" (a string of a few hundred bytes costs Redis about half of what a hash
-- with a long field does).
-- Returns {'STARTED', request id, 0} for a new key, {'STARTED', request id, 1, since, armed 0/1, from} for a
-- takeover, {'MISMATCH'}, {'COMPLETED', status, content type, body} or {'RUNNING', started, deadline}.
local k = KEYS[1]
local now = tonumber(ARGV[4])
local deadline = tonumber(ARGV[5])
local kind = redis.call('TYPE', k).ok
if kind == 'string' then
  local done = redis.call('GET', k)
  local a = string.find(done, '\n', 1, true)
  local b = string.find(done, '\n', a + 1, true)
  local c = string.find(done, '\n', b + 1, true)
  if string.sub(done, 1, a - 1) ~= ARGV[1] then
    return {'MISMATCH'}
  end
  return {'COMPLETED', string.sub(done, a + 1, b - 1), string.sub(done, b + 1, c - 1), string.sub(done, c + 1)}
end
if kind ~= 'hash' then
  redis.call('HSET', k, 'fp', ARGV[1], 'token', ARGV[2], 'rid', ARGV[3], 'since', ARGV[4], 'first', ARGV[2],
      'started', ARGV[4], 'deadline', ARGV[5])
  redis.call('PEXPIRE', k, deadline - now + tonumber(ARGV[6]))
  return {'STARTED', ARGV[3], 0}
end
local cur = redis.call('HMGET', k, 'fp', 'deadline', 'started', 'rid', 'since', 'from')
if cur[1] ~= ARGV[1] then
  return {'MISMATCH'}
end
if tonumber(cur[2]) > now then
  return {'RUNNING', cur[3], cur[2]}
end
redis.call('HSET', k, 'token', ARGV[2], 'started', ARGV[4], 'deadline', ARGV[5])
redis.call('PEXPIRE', k, deadline - now + tonumber(ARGV[6]))
if cur[6] then
  return {'STARTED', cur[4], 1, cur[5], 1, cur[6]}
end
return {'STARTED', cur[4], 1, cur[5], 0, ''}
