-- ARGV: 3.. partition/offset pairs Kafka confirmed as committed. Ends the handover entries holding exactly those
-- offsets (a later owner's entry stays). Returns 1.
for i = 3, #ARGV, 2 do
  if redis.call('HGET', KEYS[9], ARGV[i]) == ARGV[i + 1] then redis.call('HDEL', KEYS[9], ARGV[i]) end
end
return 1
