package io.github.krest.perf;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.hc.core5.util.Timeout;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Issue 30's scale scenario: many active v2 consumer instances polling back to back through nginx over the
 * replicas, in two shapes, at each instance count of {@link ScaleSettings#counts()}:
 * <ul>
 *   <li>{@code fanout}: a group per instance, every instance subscribed to the same topic
 *       ({@link ScaleSettings#fanoutPartitions()} partitions) from its tail ({@code auto.offset.reset} latest);</li>
 *   <li>{@code groups}: groups of {@link ScaleSettings#groupSize()} instances subscribed to a topic of
 *       {@link ScaleSettings#groupPartitions()} partitions, which each group splits.</li>
 * </ul>
 * A step creates and subscribes its instances through nginx ({@link ScaleSettings#workers()} at a time), writes
 * {@link ScaleSettings#produceRate()} records per second to the topic with a native producer, starts one virtual
 * thread per instance polling in a loop, warms up until every instance has had an answer (between
 * {@link ScaleSettings#warmupMin()} and {@link ScaleSettings#warmupMax()}), measures for
 * {@link ScaleSettings#measure()}, reads each replica's live heap ({@code jcmd GC.class_histogram}) while the pollers
 * still run, then
 * stops and deletes the instances. Every phase is capped, so a step that cannot keep up ends with what it measured.
 */
final class ScaleBench {
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);
    /** Longest a poll may take at the driver before it counts as a timeout. */
    private static final Timeout POLL_CAP = Timeout.ofSeconds(15);
    private static final Duration STOP_CAP = Duration.ofSeconds(20);
    private static final Duration DELETE_CAP = Duration.ofSeconds(60);
    private static final int TOO_MANY_REQUESTS = 429;
    /** loadbalancer-config/nginx.conf's fail_timeout. */
    private static final Duration NGINX_FAIL_TIMEOUT = Duration.ofSeconds(5);
    /** krest's Retry-After on a poll refused for want of a slot (consumer.max.concurrent.polls), ms. */
    private static final long RETRY_AFTER_MS = 1000;
    private static final long ERROR_PAUSE_MS = 200;

    /** A way of reading: a topic of {@code partitions} and {@code groupSize} instances per group. */
    record Shape(String name, int partitions, int groupSize) {
    }

    private final ScaleSettings settings;
    private final String bootstrap;
    private final int brokerPort;
    private final String lb;
    private final int firstReplicaPort;
    private final ReplicaRestarts replicaProcesses;
    private final Path runDir;
    private final NginxLog accessLog;
    /** The replicas' pids during the current step. */
    private List<Long> replicaPids;
    private final RedisInfo redis;
    private final String run;

    /**
     * @param bootstrap        the broker, host:port
     * @param lb               nginx's base URL
     * @param firstReplicaPort replica 1's port; replica i listens on this + i - 1 (bin/krest-cluster)
     * @param replicaPids      the replicas' JVMs, in replica order
     * @param runDir           bin/krest-cluster's run directory: nginx's access log, the replicas' logs and pid
     *                         files (a replica that died is started again before the next step)
     * @param run              a suffix that makes this run's topic and group names new
     */
    ScaleBench(ScaleSettings settings, String bootstrap, String lb, int firstReplicaPort, List<Long> replicaPids,
               Path runDir, RedisInfo redis, String run) throws IOException {
        this.settings = settings;
        this.bootstrap = bootstrap;
        this.brokerPort = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        this.lb = lb;
        this.firstReplicaPort = firstReplicaPort;
        this.replicaPids = List.copyOf(replicaPids);
        this.replicaProcesses = new ReplicaRestarts(runDir, firstReplicaPort, replicaPids);
        this.runDir = runDir;
        this.accessLog = new NginxLog(runDir.resolve("nginx").resolve("logs").resolve("access.log"));
        this.redis = redis;
        this.run = run;
    }

    /**
     * @return every step, fan-out first, each shape on a topic of its own (deleted after it). Once replicas die in a
     *         step (today's per-instance readers run out of heap), the shape's larger counts are not run, and the
     *         replicas are started again before the next step
     */
    ScaleResult run() throws Exception {
        List<ScaleResult.Step> steps = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Shape shape : List.of(new Shape("fanout", settings.fanoutPartitions(), 1),
                new Shape("groups", settings.groupPartitions(), settings.groupSize()))) {
            Kafka.onNewTopic(bootstrap, shape.partitions(), "perf-scale-" + shape.name() + "-" + run, topic -> {
                for (int n : settings.counts()) {
                    List<Integer> restarted = replicaProcesses.restartDead();
                    if (!restarted.isEmpty()) {
                        PerfMain.log("scale: replicas %s started again", restarted);
                        // nginx skips a replica for fail_timeout (5 s) after a failed attempt
                        Thread.sleep(NGINX_FAIL_TIMEOUT.toMillis() + 1000);
                    }
                    replicaPids = replicaProcesses.pids();
                    ScaleResult.Step step = step(shape, topic, n);
                    steps.add(step);
                    if (!step.replicasDied().isEmpty()) {
                        List<Integer> larger = settings.counts().stream().filter(c -> c > n).toList();
                        if (!larger.isEmpty()) {
                            notes.add(shape.name() + " " + larger + " not run: replicas " + step.replicasDied()
                                    + " died at " + n + " instances");
                            PerfMain.log("scale: %s", notes.getLast());
                        }
                        break;
                    }
                }
                return null;
            });
        }
        replicaProcesses.restartDead();
        return new ScaleResult(settings, steps, notes);
    }

    /** @return why a replica ended, from its log: an OutOfMemoryError, or "exited" */
    private String causeOfDeath(int replica) {
        try {
            Path log = runDir.resolve("logs").resolve("krest-" + replica + ".log");
            return Files.readString(log).contains("OutOfMemoryError") ? "OutOfMemoryError (its log)" : "exited";
        } catch (IOException e) {
            return "exited";
        }
    }

    /** Counters of the pollers, read at the start and end of the window. */
    private static final class Counters {
        final LongAdder polls = new LongAdder();
        final LongAdder records = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder timeouts = new LongAdder();
        final LongAdder throttled = new LongAdder();
        final Recorder latencyMicros = new Recorder(3);
    }

    private ScaleResult.Step step(Shape shape, String topic, int n) throws InterruptedException {
        long stepStart = System.nanoTime();
        String prefix = "scale-" + shape.name() + "-" + n + "-" + run;
        int groups = (n + shape.groupSize() - 1) / shape.groupSize();
        List<String> notes = new ArrayList<>();
        // 0: not created, 1: created and subscribed, 2: has had an answer
        AtomicIntegerArray state = new AtomicIntegerArray(n);
        Counters c = new Counters();
        AtomicBoolean stopped = new AtomicBoolean();
        Delivery delivery = new Delivery(groups, shape.partitions());
        double createS = 0;
        double warmupS = 0;
        int polledBeforeWindow = 0;
        double windowS = 0;
        long polls = 0;
        long records = 0;
        long errors = 0;
        long timeouts = 0;
        long throttled = 0;
        Histogram latency = new Histogram(3);
        int[] threads = new int[replicaPids.size()];
        int[] replicaConnections = new int[replicaPids.size()];
        int brokerConnections = 0;
        double[] heapMb = new double[replicaPids.size()];
        double redisMb = 0;
        double redisOps = 0;
        Map<String, NginxLog.Upstream> byUpstream = Map.of();
        AtomicLong createErrors = new AtomicLong();
        PerfMain.log("scale %s %d: creating %d instances in %d groups", shape.name(), n, n, groups);
        try (KrestHttp http = new KrestHttp(lb, n + settings.workers() + 16, POLL_CAP);
             Producing producing = new Producing(topic, shape.partitions())) {
            long t0 = System.nanoTime();
            forEach(n, settings.createCap(), createErrors, i -> {
                http.createConsumer(group(prefix, shape, i), name(i), "latest");
                http.subscribe(group(prefix, shape, i), name(i), topic);
                state.set(i, 1);
            });
            createS = seconds(System.nanoTime() - t0);
            int created = count(state, 1);
            PerfMain.log("scale %s %d: %d created in %.1f s (%d errors); polling", shape.name(), n, created, createS,
                    createErrors.get());
            producing.start();
            List<Thread> pollers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (state.get(i) == 1) {
                    int instance = i;
                    pollers.add(Thread.ofVirtual().name("scale-poll-" + i).start(() -> poll(http,
                            group(prefix, shape, instance), name(instance), instance, state, c, stopped,
                            delivery, instance / shape.groupSize())));
                }
            }
            long warmStart = System.nanoTime();
            while (true) {
                long elapsed = System.nanoTime() - warmStart;
                if (elapsed >= settings.warmupMax().toNanos()
                        || (elapsed >= settings.warmupMin().toNanos() && count(state, 2) >= created)) {
                    break;
                }
                Thread.sleep(500);
            }
            warmupS = seconds(System.nanoTime() - warmStart);
            polledBeforeWindow = count(state, 2);
            if (polledBeforeWindow < created) {
                notes.add((created - polledBeforeWindow) + " of " + created + " instances had no answer yet when "
                        + "the window began");
            }
            PerfMain.log("scale %s %d: %d of %d instances polled after %.0f s; measuring %d s", shape.name(), n,
                    polledBeforeWindow, created, warmupS, settings.measure().toSeconds());

            long logFrom = accessLog.size();
            long commandsFrom = redis.commandsProcessed();
            long polls0 = c.polls.sum();
            long records0 = c.records.sum();
            long errors0 = c.errors.sum();
            long timeouts0 = c.timeouts.sum();
            long throttled0 = c.throttled.sum();
            c.latencyMicros.getIntervalHistogram();
            long windowStart = System.nanoTime();
            long windowEnd = windowStart + settings.measure().toNanos();
            while (true) {
                List<ProcessProbe.TcpEnd> tcp = ProcessProbe.established();
                brokerConnections = Math.max(brokerConnections, ProcessProbe.connectionsOn(brokerPort, tcp));
                for (int r = 0; r < replicaPids.size(); r++) {
                    threads[r] = Math.max(threads[r], ProcessProbe.threads(replicaPids.get(r)));
                    replicaConnections[r] = Math.max(replicaConnections[r],
                            ProcessProbe.connectionsTo(replicaPids.get(r), brokerPort, tcp));
                }
                long left = windowEnd - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, SAMPLE_EVERY.toMillis()));
            }
            windowS = seconds(System.nanoTime() - windowStart);
            latency = c.latencyMicros.getIntervalHistogram();
            polls = c.polls.sum() - polls0;
            records = c.records.sum() - records0;
            errors = c.errors.sum() - errors0;
            timeouts = c.timeouts.sum() - timeouts0;
            throttled = c.throttled.sum() - throttled0;
            long commandsTo = redis.commandsProcessed();
            long logTo = accessLog.size();
            redisOps = (commandsTo - commandsFrom) / windowS;
            redisMb = redis.usedMemoryBytes() / (1024.0 * 1024.0);
            // with the instances still polling, so that what they hold is counted
            for (int r = 0; r < replicaPids.size(); r++) {
                try {
                    heapMb[r] = ProcessProbe.liveHeapMb(replicaPids.get(r));
                } catch (IOException | RuntimeException e) {
                    notes.add("replica " + (r + 1) + " heap: " + e.getMessage());
                }
            }
            stopped.set(true);
            producing.stopSending();
            long stopBy = System.nanoTime() + STOP_CAP.toNanos();
            int unfinished = 0;
            for (Thread t : pollers) {
                long left = stopBy - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    unfinished++;
                }
            }
            if (unfinished > 0) {
                notes.add(unfinished + " pollers still waiting " + STOP_CAP.toSeconds()
                        + " s after the window; their connections were closed");
            }
            byUpstream = accessLog.polls(logFrom, logTo, "/consumers/" + prefix);
        } catch (IOException | RuntimeException e) {
            notes.add("step failed: " + e);
            PerfMain.log("scale %s %d FAILED: %s", shape.name(), n, e);
        }
        List<Integer> died = replicaProcesses.dead();
        for (int r : died) {
            notes.add("replica " + r + " died: " + causeOfDeath(r));
        }
        AtomicLong deleteErrors = new AtomicLong();
        int created = count(state, 1);
        try (KrestHttp http = new KrestHttp(lb, settings.workers() + 16, Timeout.ofSeconds(10))) {
            forEach(n, DELETE_CAP, deleteErrors, i -> {
                if (state.get(i) != 0) {
                    http.deleteConsumer(group(prefix, shape, i), name(i));
                }
            });
        }
        if (deleteErrors.get() > 0) {
            notes.add(deleteErrors.get() + " instances not deleted (they expire)");
        }
        List<ScaleResult.Replica> replicas = replicas(byUpstream, windowS, records / Math.max(windowS, 1e-9), heapMb,
                threads, replicaConnections);
        long unattributed = byUpstream.entrySet().stream().filter(e -> replicaIndex(e.getKey()) < 0)
                .mapToLong(e -> e.getValue().ok() + e.getValue().failed()).sum();
        if (unattributed > 0) {
            notes.add(unattributed + " polls in nginx's log not served by a replica (upstream " + byUpstream.keySet()
                    + ")");
        }
        Delivery.Result delivered = delivery.result();
        if (delivered.missingAnswered() > 0 || delivered.duplicates() > 0) {
            notes.add("delivery: " + delivered.duplicates() + " records given twice, " + delivered.missingAnswered()
                    + " skipped in groups whose polls were all answered");
        }
        ScaleResult.Step step = new ScaleResult.Step(shape.name(), n, groups, shape.partitions(), created,
                createErrors.get(), createS, warmupS, polledBeforeWindow, windowS, polls / Math.max(windowS, 1e-9),
                records / Math.max(windowS, 1e-9), latency.getValueAtPercentile(50) / 1000.0,
                latency.getValueAtPercentile(99) / 1000.0, errors, timeouts, throttled, replicas, brokerConnections, redisMb,
                redisOps, deleteErrors.get(), died, delivered, seconds(System.nanoTime() - stepStart),
                String.join("; ", notes));
        PerfMain.log("scale %s %d: %.0f polls/s, %.0f records/s, p50 %.1f p99 %.1f ms, %d errors, %d timeouts, "
                        + "%d throttled (429), heap %s MiB, broker connections %d, Redis %.1f MiB %.0f ops/s, "
                        + "%d records given (%d twice, %d skipped, %d of those unexplained), step %.0f s%s",
                shape.name(), n, step.pollsPerS(), step.recordsPerS(), step.pollP50Ms(), step.pollP99Ms(), errors,
                timeouts, throttled,
                replicas.stream().map(r -> String.format(java.util.Locale.ROOT, "%.0f", r.heapMb())).toList(),
                brokerConnections, redisMb, redisOps, delivered.records(), delivered.duplicates(),
                delivered.missing(), delivered.missingAnswered(), step.stepS(),
                notes.isEmpty() ? "" : " (" + step.note() + ")");
        return step;
    }

    private List<ScaleResult.Replica> replicas(Map<String, NginxLog.Upstream> byUpstream, double windowS,
                                               double recordsPerS, double[] heapMb, int[] threads,
                                               int[] connections) {
        long allBytes = byUpstream.values().stream().mapToLong(NginxLog.Upstream::okBytes).sum();
        List<ScaleResult.Replica> replicas = new ArrayList<>();
        for (int r = 0; r < replicaPids.size(); r++) {
            NginxLog.Upstream u = byUpstream.getOrDefault("127.0.0.1:" + (firstReplicaPort + r),
                    new NginxLog.Upstream());
            double share = allBytes == 0 ? 0 : u.okBytes() / (double) allBytes;
            replicas.add(new ScaleResult.Replica(r + 1, heapMb[r], threads[r], connections[r],
                    windowS == 0 ? 0 : u.ok() / windowS, u.percentileMs(50), u.percentileMs(99),
                    recordsPerS * share, u.failed()));
        }
        return replicas;
    }

    /** @return the 0-based replica an nginx upstream address names, -1 for none */
    private int replicaIndex(String upstream) {
        for (int r = 0; r < replicaPids.size(); r++) {
            if (upstream.equals("127.0.0.1:" + (firstReplicaPort + r))) {
                return r;
            }
        }
        return -1;
    }

    /**
     * One instance's loop: poll, count, poll again, until stopped. Each record goes to {@code delivery} under the
     * instance's group (numbered {@code groupIndex}), and so does each poll whose answer was not read.
     */
    private void poll(KrestHttp http, String group, String name, int instance, AtomicIntegerArray state, Counters c,
                      AtomicBoolean stopped, Delivery delivery, int groupIndex) {
        KrestHttp.RecordSeen seen = (partition, offset) -> delivery.given(groupIndex, partition, offset);
        while (!stopped.get()) {
            long start = System.nanoTime();
            try {
                KrestHttp.Poll poll = http.poll(group, name, settings.maxBytes(), settings.pollTimeoutMs(), seen);
                c.latencyMicros.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
                c.polls.increment();
                c.records.add(poll.records());
                state.set(instance, 2);
            } catch (InterruptedIOException e) {
                // the client's response or connection-pool timeout (closing the client at the end lands here too);
                // krest may still have answered it and moved the instance's positions
                delivery.unanswered(groupIndex);
                if (!stopped.get()) {
                    c.timeouts.increment();
                }
            } catch (KrestHttp.StatusException e) {
                if (e.status() == TOO_MANY_REQUESTS) {
                    // more polls than the replica's consumer.max.concurrent.polls: wait as its Retry-After asks
                    if (!stopped.get()) {
                        c.throttled.increment();
                        sleep(RETRY_AFTER_MS);
                    }
                } else {
                    delivery.unanswered(groupIndex);
                    if (!stopped.get()) {
                        c.errors.increment();
                        sleep(ERROR_PAUSE_MS);
                    }
                }
            } catch (IOException | RuntimeException e) {
                delivery.unanswered(groupIndex);
                if (!stopped.get()) {
                    c.errors.increment();
                    // an error answer comes at once: do not spin on it
                    sleep(ERROR_PAUSE_MS);
                }
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A request made for an instance. */
    @FunctionalInterface
    private interface PerInstance {
        void run(int instance) throws IOException;
    }

    /** Runs {@code body} for instances 0..n-1, {@link ScaleSettings#workers()} at a time, for at most {@code cap}. */
    private void forEach(int n, Duration cap, AtomicLong errors, PerInstance body) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        long deadline = System.nanoTime() + cap.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < settings.workers(); w++) {
            workers.add(Thread.ofVirtual().start(() -> {
                int i;
                while (System.nanoTime() < deadline && (i = next.getAndIncrement()) < n) {
                    try {
                        body.run(i);
                    } catch (IOException | RuntimeException e) {
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : workers) {
            t.join();
        }
        int left = n - Math.min(n, next.get());
        if (left > 0) {
            PerfMain.log("scale: %d of %d instances left after %d s", left, n, cap.toSeconds());
            errors.addAndGet(left);
        }
    }

    private static String group(String prefix, Shape shape, int instance) {
        return prefix + "-" + instance / shape.groupSize();
    }

    private static String name(int instance) {
        return "i" + instance;
    }

    private static int count(AtomicIntegerArray state, int value) {
        int count = 0;
        for (int i = 0; i < state.length(); i++) {
            if (state.get(i) >= value) {
                count++;
            }
        }
        return count;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** The native producer writing the step's steady rate, round robin over the partitions, on a thread of its own. */
    private final class Producing implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer = Kafka.producer(bootstrap);
        private final AtomicBoolean stop = new AtomicBoolean();
        private final String topic;
        private final int partitions;
        private Thread thread;

        Producing(String topic, int partitions) {
            this.topic = topic;
            this.partitions = partitions;
        }

        void start() {
            byte[] value = new byte[settings.valueBytes()];
            java.util.Arrays.fill(value, (byte) 'x');
            thread = Thread.ofPlatform().name("scale-producer").start(() -> {
                RateSchedule schedule = new RateSchedule(settings.produceRate(), System::nanoTime);
                for (long i = 0; !stop.get(); i++) {
                    schedule.awaitNext();
                    // a failed send shows as fewer records polled; the rate goes on
                    var unused = producer.send(new ProducerRecord<>(topic, (int) (i % partitions), null, value));
                }
            });
        }

        /** Stops the sends; the producer thread ends after its current send at the latest. */
        void stopSending() {
            stop.set(true);
            if (thread != null) {
                try {
                    thread.join(Duration.ofSeconds(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void close() {
            stopSending();
            producer.close(Duration.ofSeconds(10));
        }
    }
}
