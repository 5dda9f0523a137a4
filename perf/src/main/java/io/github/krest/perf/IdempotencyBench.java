package io.github.krest.perf;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

import redis.clients.jedis.Jedis;

/**
 * What an {@code Idempotency-Key} costs a produce: the same v2 binary produce requests through one replica, without
 * the header (krest's plain path, the baseline) and with a new key on every request, in requests of
 * {@code recordsPerRequest} records and of one record (where the per-request cost shows most). Each keyed request
 * costs two Redis scripts (claim, complete), a header on each record and its answer kept in Redis; the growth of
 * Redis's {@code used_memory} over the keys written gives the memory per key.
 */
final class IdempotencyBench {
    private final Settings settings;
    private final ProduceBench produce;
    private final String redisHost;
    private final int redisPort;
    private final String run;

    /**
     * @param settings the run's sizes
     * @param produce the produce scenario (its values)
     * @param redisHost the state store's Redis, for its memory
     * @param redisPort its port
     * @param run a suffix that makes this run's keys its own
     */
    IdempotencyBench(Settings settings, ProduceBench produce, String redisHost, int redisPort, String run) {
        this.settings = settings;
        this.produce = produce;
        this.redisHost = redisHost;
        this.redisPort = redisPort;
        this.run = run;
    }

    /** One side of the comparison: its throughput, and the keys it wrote. */
    record Side(ClosedLoop.Measured measured, long requests) {
    }

    /**
     * Closed loop of {@code produceClients} clients, each posting a request of {@code records} records and waiting for
     * the answer, with a new idempotency key per request when {@code keyed}.
     */
    Side run(KrestHttp http, String topic, int records, boolean keyed, ProcessCpu cpu, AtomicLong errors,
             ClosedLoop.Warmup warmup) throws InterruptedException {
        StringBuilder body = new StringBuilder("{\"records\":[");
        Base64.Encoder b64 = Base64.getEncoder();
        for (int i = 0; i < records; i++) {
            body.append(i == 0 ? "" : ",").append("{\"value\":\"").append(b64.encodeToString(produce.value(i)))
                    .append("\"}");
        }
        var request = http.produceRequest(topic, body.append("]}").toString().getBytes(StandardCharsets.US_ASCII));
        prime(http, topic);
        AtomicLong acked = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        ClosedLoop.Measured measured = ClosedLoop.run((keyed ? "krest-keyed-" : "krest-plain-") + records,
                settings.produceClients(), warmup, settings.measure(), acked, cpu, (index, stopped) -> {
                    long n = 0;
                    while (!stopped.get()) {
                        // the topic is new for every measured window, so a key is never used twice
                        String key = keyed ? "perf-" + run + "-" + topic + "-" + index + "-" + n++ : null;
                        int failed = http.produce(request, key);
                        requests.incrementAndGet();
                        errors.addAndGet(failed);
                        acked.addAndGet(records - failed);
                    }
                });
        return new Side(measured, requests.get());
    }

    /**
     * Writes one record to each partition of a new topic, one request at a time, before the load starts. Many small
     * batches sent at once to partitions whose leaders are not ready yet can leave the shared idempotent producer
     * retrying one batch with OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout (seen with 1-record requests on
     * a topic created a moment before: the batch with sequence 0 got NOT_LEADER_OR_FOLLOWER while the broker took the
     * next ones as the partition's first); the plain and the keyed side alike, so it is kept out of both.
     */
    private void prime(KrestHttp http, String topic) throws InterruptedException {
        byte[] one = ("{\"records\":[{\"value\":\"" + Base64.getEncoder().encodeToString(produce.value(0)) + "\"}]}")
                .getBytes(StandardCharsets.US_ASCII);
        for (int p = 0; p < settings.partitions(); p++) {
            try {
                http.produce(http.produceRequest(topic, p, one));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("priming " + topic + "-" + p + ": " + e, e);
            }
        }
    }

    /** @return the mean of measured windows: rates and warm-ups averaged, counts and CPU summed */
    static ClosedLoop.Measured mean(java.util.List<ClosedLoop.Measured> runs) {
        double perSecond = runs.stream().mapToDouble(ClosedLoop.Measured::perSecond).average().orElse(0);
        long counted = runs.stream().mapToLong(ClosedLoop.Measured::counted).sum();
        double cpu = runs.stream().mapToDouble(ClosedLoop.Measured::cpuSeconds).sum();
        double warmup = runs.stream().mapToDouble(ClosedLoop.Measured::warmupSeconds).average().orElse(0);
        return new ClosedLoop.Measured(perSecond, counted, cpu, warmup);
    }

    /** @return Redis's {@code used_memory}, bytes */
    long redisUsedBytes() {
        return new RedisInfo(redisHost, redisPort).usedMemoryBytes();
    }

    /** @return how many idempotency keys Redis holds */
    long redisKeys() {
        try (Jedis jedis = new Jedis(redisHost, redisPort)) {
            long count = 0;
            String cursor = "0";
            var params = new redis.clients.jedis.params.ScanParams().match("krest:idem:*").count(1000);
            do {
                var page = jedis.scan(cursor, params);
                count += page.getResult().size();
                cursor = page.getCursor();
            } while (!cursor.equals("0"));
            return count;
        }
    }
}
