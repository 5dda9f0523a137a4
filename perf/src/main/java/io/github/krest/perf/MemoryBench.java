package io.github.krest.perf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Memory per consumer instance: one replica's heap in use after a full GC ({@code jcmd GC.run}, then
 * {@code GC.heap_info}) and Redis's {@code used_memory} ({@code INFO memory}), before and after creating
 * instances that each were assigned a partition and polled once, all through that replica.
 */
final class MemoryBench {
    private static final int WORKERS = 8;

    private final long replicaPid;
    private final RedisInfo redis;

    MemoryBench(long replicaPid, String redisHost, int redisPort) {
        this.replicaPid = replicaPid;
        this.redis = new RedisInfo(redisHost, redisPort);
    }

    MemoryResult run(KrestHttp http, String topic, int partitions, int instances) throws Exception {
        // let requests still in flight from earlier scenarios finish before the baseline
        Thread.sleep(5000);
        heapAfterGcMb();
        double heapBefore = heapAfterGcMb();
        double redisBefore = redisUsedMb();
        String group = "perf-memory-" + System.currentTimeMillis();
        AtomicInteger next = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            threads.add(Thread.ofPlatform().start(() -> {
                int i;
                while ((i = next.getAndIncrement()) < instances) {
                    String name = "m" + i;
                    try {
                        http.createConsumer(group, name);
                        http.assign(group, name, topic, i % partitions);
                        http.poll(group, name, 65536, 100);
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return new MemoryResult(instances, errors.get(), heapBefore, heapAfterGcMb(), redisBefore, redisUsedMb());
    }

    private double heapAfterGcMb() throws IOException, InterruptedException {
        return ProcessProbe.heapAfterGcMb(replicaPid);
    }

    private double redisUsedMb() {
        return redis.usedMemoryBytes() / (1024.0 * 1024.0);
    }
}
