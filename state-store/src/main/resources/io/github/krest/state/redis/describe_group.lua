-- ARGV: 3 now. Returns {{instance fields flat, owned partitions csv}, ...} of live instances.
local out = {}
for _, name in ipairs(redis.call('ZRANGEBYSCORE', KEYS[7], '(' .. ARGV[3], '+inf')) do
  local flat = redis.call('HGETALL', PREFIX .. 'i:' .. name)
  if #flat > 0 then
    local inst = to_map(flat)
    local owned = ''
    if inst['mode'] == 'SUBSCRIBE' then owned = redis.call('HGET', KEYS[6], 'm:' .. name) or ''
    elseif inst['mode'] == 'ASSIGN' then owned = inst['partitions'] or '' end
    out[#out + 1] = {flat, owned}
  end
end
return out
