package io.github.krest.perf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import redis.clients.jedis.Jedis;

/**
 * Memory per consumer instance: one replica's heap in use after a full GC ({@code jcmd GC.run}, then
 * {@code GC.heap_info}) and Redis's {@code used_memory} ({@code INFO memory}), before and after creating
 * instances that each were assigned a partition and polled once, all through that replica.
 */
final class MemoryBench {
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final int WORKERS = 8;

    private final long replicaPid;
    private final String redisHost;
    private final int redisPort;

    MemoryBench(long replicaPid, String redisHost, int redisPort) {
        this.replicaPid = replicaPid;
        this.redisHost = redisHost;
        this.redisPort = redisPort;
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
        jcmd("GC.run");
        Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
        if (!m.find()) {
            throw new IllegalStateException("jcmd GC.heap_info: no 'used' figure");
        }
        return Long.parseLong(m.group(1)) / 1024.0;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(replicaPid), command)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + out);
        }
        return out;
    }

    private double redisUsedMb() {
        try (Jedis jedis = new Jedis(redisHost, redisPort)) {
            for (String line : jedis.info("memory").split("\r?\n", -1)) {
                if (line.startsWith("used_memory:")) {
                    return Long.parseLong(line.substring("used_memory:".length()).trim()) / (1024.0 * 1024.0);
                }
            }
        }
        throw new IllegalStateException("Redis INFO memory has no used_memory");
    }
}
