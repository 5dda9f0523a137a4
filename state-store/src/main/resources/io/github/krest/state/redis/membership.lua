-- Returns {fingerprint, {member, descriptor, ...}}.
local subs = redis.call('HGETALL', KEYS[5])
return {fingerprint(), subs}
