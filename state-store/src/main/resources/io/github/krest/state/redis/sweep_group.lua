-- ARGV: 3 now, 4 stale-before ms. Removes expired instances and timed-out members.
-- Returns {instances left, {{instance fields flat, positions flat}, ...} removed}; deletes the group's keys when
-- no instance is left.
local removed = {}
for _, name in ipairs(redis.call('ZRANGEBYSCORE', KEYS[7], '-inf', ARGV[3])) do
  local ikey, pkey = PREFIX .. 'i:' .. name, PREFIX .. 'pos:' .. name
  local flat = redis.call('HGETALL', ikey)
  local pos = redis.call('HGETALL', pkey)
  hand_over(to_map(flat), pos, ikey)
  redis.call('DEL', ikey, pkey, PREFIX .. 'lease:' .. name)
  redis.call('ZREM', KEYS[7], name)
  leave(name)
  if #flat > 0 then removed[#removed + 1] = {flat, pos} end
end
drop_timed_out(ARGV[4])
local left = redis.call('ZCARD', KEYS[7])
if left == 0 then redis.call('DEL', KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]) end
return {left, removed}
