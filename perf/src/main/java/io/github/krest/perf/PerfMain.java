package io.github.krest.perf;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load driver of {@code perf/run}, against a running topology (Kafka, Redis, krest replicas, nginx; started by
 * {@code bin/krest-cluster}):
 *
 * <pre>
 * java -cp 'perf/target/krest-perf.jar:perf/target/libs/*' io.github.krest.perf.PerfMain
 *     --bootstrap 127.0.0.1:P1 --replica http://127.0.0.1:P4 --lb http://127.0.0.1:P0 --replica-pid PID
 *     --redis 127.0.0.1:P3 --out perf/results [--quick] [--host NAME]
 *     [--only produce,stream,consume,latency,memory,idempotency,scale]
 *     [--label NAME] [--replica-pids P1,P2,P3 --run-dir RUN --scale-counts 100,1000,5000,10000]
 *     [--placement "replicas on CPU 1; ..."]
 * </pre>
 *
 * Runs every scenario (by default all but {@code scale}, which is long), each against its baseline in the same run,
 * and writes the results with {@link ResultWriter}. A failing scenario is noted in the results and the others still run; the exit status is 1
 * then.
 */
public final class PerfMain {
    private PerfMain() {
    }

    /** @param args see the class comment */
    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Map<String, String> opts = new HashMap<>();
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--quick")) {
                quick = true;
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                opts.put(args[i].substring(2), args[++i]);
            } else {
                System.err.println("perf: unknown argument " + args[i]);
                System.exit(2);
            }
        }
        Settings settings = quick ? Settings.quick() : Settings.full();
        String bootstrap = require(opts, "bootstrap");
        String replica = require(opts, "replica");
        Set<String> only = Set.of(opts.getOrDefault("only", "produce,stream,consume,latency,memory,idempotency")
                .split(","));
        Instant date = Instant.now();
        List<ThroughputResult> throughput = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Optional<LatencyResult> krestLatency = Optional.empty();
        Optional<LatencyResult> nativeLatency = Optional.empty();
        Optional<MemoryResult> memory = Optional.empty();
        Optional<ScaleResult> scale = Optional.empty();
        KrestHttp http = new KrestHttp(replica);
        List<Long> pids = java.util.Arrays.stream(opts.getOrDefault("replica-pids", "").split(","))
                .filter(x -> !x.isBlank()).map(Long::parseLong).toList();
        List<Long> firstReplica = pids.isEmpty() ? List.of() : List.of(pids.getFirst());
        ProcessCpu oneCpu = new ProcessCpu(firstReplica);
        ProcessCpu allCpu = new ProcessCpu(pids);
        // warm-ups last until the JIT compilers of the JVMs doing the work settle (ClosedLoop.Warmup): the driver
        // alone for a native baseline, the driver and the replicas measured for krest
        ClosedLoop.Warmup nativeWarmup = ClosedLoop.Warmup.upToThreeTimes(settings.warmup(),
                ProcessCpu.driverAnd(List.of()));
        ClosedLoop.Warmup oneWarmup = ClosedLoop.Warmup.upToThreeTimes(settings.warmup(),
                ProcessCpu.driverAnd(firstReplica));
        ProduceBench produce = new ProduceBench(settings, bootstrap);
        String run = Long.toString(System.currentTimeMillis() % 1_000_000);
        // every side of a produce scenario writes to a topic of its own, deleted after it (see Kafka.onNewTopic)
        String produceTopic = "perf-produce-" + run;

        if (only.contains("produce")) {
            try {
                AtomicLong errors = new AtomicLong();
                log("produce: native producer, %d clients x %d records", settings.produceClients(),
                        settings.recordsPerRequest());
                ClosedLoop.Measured nat = Kafka.onNewTopic(bootstrap, settings.partitions(),
                        produceTopic + "-native", t -> produce.nativeBatches(t, errors, nativeWarmup));
                log("produce: krest v2 binary");
                ClosedLoop.Measured krest = Kafka.onNewTopic(bootstrap, settings.partitions(),
                        produceTopic + "-v2", t -> produce.krestV2(http, t, oneCpu, errors, oneWarmup));
                throughput.add(new ThroughputResult("produce_ratio", "v2 binary produce, "
                        + settings.recordsPerRequest() + " x " + settings.valueBytes() + " B per request, "
                        + settings.produceClients() + " clients", "krest v2, 1 replica", krest.perSecond(),
                        "native producer, same batches", nat.perSecond(), errors.get(), krest.cpuMsPer1000(),
                        krest.warmupSeconds(), nat.warmupSeconds()));
                logRatio("produce", krest, nat);
            } catch (Exception e) {
                notes.add(fail("produce", e));
            }
        }
        if (only.contains("stream")) {
            try {
                AtomicLong errors = new AtomicLong();
                URI uri = URI.create(replica);
                log("stream: native producer, %d clients", settings.produceClients());
                ClosedLoop.Measured nat = Kafka.onNewTopic(bootstrap, settings.partitions(),
                        produceTopic + "-native-stream", t -> produce.nativeStream(t, errors, nativeWarmup));
                log("stream: krest v3 streaming");
                String clusterId = http.clusterId();
                ClosedLoop.Measured krest = Kafka.onNewTopic(bootstrap, settings.partitions(),
                        produceTopic + "-v3", t -> produce.krestV3Stream(uri.getHost(), uri.getPort(), clusterId,
                                t, oneCpu, errors, oneWarmup));
                throughput.add(new ThroughputResult("produce_v3_stream_ratio", "v3 streaming produce, "
                        + settings.valueBytes() + " B records, one connection per client, "
                        + settings.produceClients() + " clients", "krest v3 stream, 1 replica", krest.perSecond(),
                        "native producer, 1024 in flight per client", nat.perSecond(), errors.get(),
                        krest.cpuMsPer1000(), krest.warmupSeconds(), nat.warmupSeconds()));
                logRatio("stream", krest, nat);
            } catch (Exception e) {
                notes.add(fail("stream", e));
            }
        }
        if (only.contains("consume")) {
            try {
                AtomicLong errors = new AtomicLong();
                ConsumeBench consume = new ConsumeBench(settings, bootstrap, "perf-consume-" + run);
                log("consume: pre-filling %d records", settings.consumeRecords());
                consume.prefill(produce);
                log("consume: native consumers");
                ClosedLoop.Measured nat = consume.nativeConsume(nativeWarmup);
                log("consume: krest, 1 replica");
                ClosedLoop.Measured one = consume.krestConsume(http, "one", oneCpu, errors, oneWarmup);
                String title = "v2 binary consume, one instance per partition (" + settings.partitions()
                        + "), max_bytes 8 MiB";
                throughput.add(new ThroughputResult("consume_ratio", title, "krest v2, 1 replica", one.perSecond(),
                        "native consumer per partition", nat.perSecond(), errors.get(), one.cpuMsPer1000(),
                        one.warmupSeconds(), nat.warmupSeconds()));
                logRatio("consume", one, nat);
                if (opts.containsKey("lb")) {
                    // the other replicas are still cold (their JIT compilers busy for a minute or more under
                    // load) and each gets a share of the load: warm up at least as long for each of them as for
                    // one, and then until all their compilers settle
                    int replicas = Math.max(1, Integer.parseInt(opts.getOrDefault("replicas", "3")));
                    ClosedLoop.Warmup rrWarmup = new ClosedLoop.Warmup(settings.warmup().multipliedBy(replicas),
                            settings.warmup().multipliedBy(replicas + 1L),
                            ProcessCpu.driverAnd(pids)::compilerSeconds);
                    log("consume: krest, nginx over the replicas (warm-up %d to %d s)", rrWarmup.min().toSeconds(),
                            rrWarmup.max().toSeconds());
                    AtomicLong rrErrors = new AtomicLong();
                    ClosedLoop.Measured rr = consume.krestConsume(new KrestHttp(opts.get("lb")), "rr", allCpu,
                            rrErrors, rrWarmup);
                    throughput.add(new ThroughputResult("roundrobin_consume_ratio", title + ", round robin",
                            "krest v2, nginx over " + replicas + " replicas",
                            rr.perSecond(), "krest v2, 1 replica", one.perSecond(), rrErrors.get(),
                            rr.cpuMsPer1000(), rr.warmupSeconds(), one.warmupSeconds()));
                    log("consume: round robin %.0f/s (%.1f CPU ms/1000 over all replicas, warm-up %.0f s), one "
                            + "replica %.0f/s, ratio %.3f", rr.perSecond(), rr.cpuMsPer1000(), rr.warmupSeconds(),
                            one.perSecond(), rr.perSecond() / one.perSecond());
                }
            } catch (Exception e) {
                notes.add(fail("consume", e));
            }
        }
        if (only.contains("latency")) {
            try {
                LatencyBench latency = new LatencyBench(settings, bootstrap, produce.value(0));
                String topic = "perf-latency-" + run;
                Kafka.createTopics(bootstrap, settings.partitions(), topic);
                log("latency: native producer at %d/s", settings.latencyRate());
                nativeLatency = Optional.of(latency.nativeProducer(topic));
                log("latency: krest at %d/s", settings.latencyRate());
                krestLatency = Optional.of(latency.krest(http, topic));
                log("latency: krest p50 %.2f p99 %.2f ms; native p50 %.2f p99 %.2f ms", krestLatency.get().p50(),
                        krestLatency.get().p99(), nativeLatency.get().p50(), nativeLatency.get().p99());
            } catch (Exception e) {
                notes.add(fail("latency", e));
            }
        }
        if (only.contains("idempotency") && opts.containsKey("redis")) {
            try {
                String[] redis = opts.get("redis").split(":", -1);
                IdempotencyBench bench = new IdempotencyBench(settings, produce, redis[0],
                        Integer.parseInt(redis[1]), run);
                for (int records : new int[] {settings.recordsPerRequest(), 1}) {
                    AtomicLong errors = new AtomicLong();
                    String key = records == 1 ? "idempotent_single_record_produce_ratio" : "idempotent_produce_ratio";
                    // plain, keyed, keyed, plain: on a shared machine whose load drifts, each side gets as much of
                    // the early and of the late load
                    List<ClosedLoop.Measured> plainRuns = new ArrayList<>();
                    List<ClosedLoop.Measured> keyedRuns = new ArrayList<>();
                    long memoryGrowth = 0;
                    long keys = 0;
                    for (boolean keyedSide : new boolean[] {false, true, true, false}) {
                        log("idempotency: %d-record requests %s", records,
                                keyedSide ? "with a new Idempotency-Key each" : "without the header");
                        long memoryBefore = bench.redisUsedBytes();
                        long keysBefore = bench.redisKeys();
                        IdempotencyBench.Side side = Kafka.onNewTopic(bootstrap, settings.partitions(),
                                produceTopic + (keyedSide ? "-keyed-" : "-plain-") + records + "-"
                                        + (plainRuns.size() + keyedRuns.size()),
                                t -> bench.run(http, t, records, keyedSide, oneCpu, errors, oneWarmup));
                        (keyedSide ? keyedRuns : plainRuns).add(side.measured());
                        if (keyedSide) {
                            memoryGrowth += bench.redisUsedBytes() - memoryBefore;
                            keys += bench.redisKeys() - keysBefore;
                        }
                    }
                    double bytesPerKey = keys > 0 ? memoryGrowth / (double) keys : 0;
                    IdempotencyBench.Side plain = new IdempotencyBench.Side(IdempotencyBench.mean(plainRuns), 0);
                    IdempotencyBench.Side keyed = new IdempotencyBench.Side(IdempotencyBench.mean(keyedRuns), keys);
                    ClosedLoop.Measured p = plain.measured();
                    ClosedLoop.Measured k = keyed.measured();
                    throughput.add(new ThroughputResult(key, "v2 binary produce, " + records + " x "
                            + settings.valueBytes() + " B per request, " + settings.produceClients()
                            + " clients, a new Idempotency-Key per request", "krest v2 with Idempotency-Key, 1 replica",
                            k.perSecond(), "krest v2 without it, same replica", p.perSecond(), errors.get(),
                            k.cpuMsPer1000(), k.warmupSeconds(), p.warmupSeconds()));
                    // requests per second = records per second / records; each client waits for its answer
                    double plainMs = settings.produceClients() * 1000.0 * records / p.perSecond();
                    double keyedMs = settings.produceClients() * 1000.0 * records / k.perSecond();
                    String note = String.format(java.util.Locale.ROOT, "idempotency, %d-record requests (two "
                                    + "windows a side, plain-keyed-keyed-plain, means): "
                                    + "%.0f records/s with a key, %.0f without (ratio %.3f); request time %.2f ms "
                                    + "with, %.2f ms without (+%.2f ms a request); replica CPU %.1f ms per 1000 "
                                    + "records with, %.1f without; Redis %.0f bytes per key (%d keys)", records,
                            k.perSecond(), p.perSecond(), k.perSecond() / p.perSecond(), keyedMs, plainMs,
                            keyedMs - plainMs, k.cpuMsPer1000(), p.cpuMsPer1000(), bytesPerKey, keys);
                    log("%s", note);
                    notes.add(note);
                }
            } catch (Exception e) {
                notes.add(fail("idempotency", e));
            }
        }
        if (only.contains("memory") && opts.containsKey("replica-pid") && opts.containsKey("redis")) {
            try {
                String[] redis = opts.get("redis").split(":", -1);
                String topic = "perf-memory-" + run;
                Kafka.createTopics(bootstrap, settings.partitions(), topic);
                try (var producer = Kafka.producer(bootstrap)) {
                    for (int i = 0; i < 30; i++) {
                        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, produce.value(i)))
                                .get();
                    }
                }
                log("memory: %d consumer instances", settings.memoryInstances());
                memory = Optional.of(new MemoryBench(Long.parseLong(opts.get("replica-pid")), redis[0],
                        Integer.parseInt(redis[1])).run(http, topic, settings.partitions(),
                        settings.memoryInstances()));
                log("memory: heap %.1f MiB, Redis %.1f MiB per 1000 instances", memory.get().heapPer1000Mb(),
                        memory.get().redisPer1000Mb());
            } catch (Exception e) {
                notes.add(fail("memory", e));
            }
        }
        if (only.contains("scale")) {
            try {
                List<Integer> counts = java.util.Arrays.stream(opts.getOrDefault("scale-counts", "").split(","))
                        .filter(x -> !x.isBlank()).map(x -> Integer.parseInt(x.trim())).toList();
                ScaleSettings scaleSettings = ScaleSettings.of(quick, counts);
                log("scale: %s instances, fanout and groups, through %s", scaleSettings.counts(), require(opts, "lb"));
                scale = Optional.of(new ScaleBench(scaleSettings, bootstrap, opts.get("lb"),
                        URI.create(replica).getPort(), pids, Path.of(require(opts, "run-dir")),
                        RedisInfo.of(require(opts, "redis")), run).run());
            } catch (Exception e) {
                notes.add(fail("scale", e));
            }
        }
        if (opts.containsKey("note")) {
            notes.add(opts.get("note"));
        }

        RunReport report = new RunReport(date, opts.getOrDefault("host", hostName()), machine(), settings,
                opts.getOrDefault("placement", RunReport.SHARED), throughput, krestLatency, nativeLatency, memory, scale,
                notes);
        for (Path p : new ResultWriter(opts.getOrDefault("label", "")).write(report,
                Path.of(opts.getOrDefault("out", "perf/results")))) {
            log("wrote %s", p);
        }
        System.exit(notes.stream().anyMatch(n -> n.contains(" failed: ")) ? 1 : 0);
    }

    private static String fail(String scenario, Exception e) {
        log("%s FAILED: %s", scenario, e);
        e.printStackTrace();
        return scenario + " failed: " + e;
    }

    /** The machine's CPUs, model and software; the driver itself may be pinned to fewer CPUs (--isolate). */
    private static RunReport.Machine machine() {
        String cpu = "unknown CPU";
        int cores = Runtime.getRuntime().availableProcessors();
        try {
            List<String> cpuinfo = Files.readAllLines(Path.of("/proc/cpuinfo"));
            cpu = cpuinfo.stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
            // availableProcessors() counts only the CPUs this process may run on
            cores = Math.max(cores, (int) cpuinfo.stream().filter(l -> l.startsWith("processor")).count());
        } catch (Exception ignored) {
            // not Linux: keep "unknown CPU" and the CPUs this JVM sees
        }
        return new RunReport.Machine(cores, cpu,
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version"));
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    private static String require(Map<String, String> opts, String key) {
        String v = opts.get(key);
        if (v == null) {
            System.err.println("perf: --" + key + " is required");
            System.exit(2);
        }
        return v;
    }

    /** Logs a scenario's result: krest's rate, CPU and warm-up beside the baseline's. */
    private static void logRatio(String scenario, ClosedLoop.Measured krest, ClosedLoop.Measured baseline) {
        log("%s: krest %.0f/s (%.1f CPU ms/1000, warm-up %.0f s), native %.0f/s (warm-up %.0f s), ratio %.3f",
                scenario, krest.perSecond(), krest.cpuMsPer1000(), krest.warmupSeconds(), baseline.perSecond(),
                baseline.warmupSeconds(), krest.perSecond() / baseline.perSecond());
    }

    // @FormatMethod would make perf depend on Error Prone's annotations for this one method
    @SuppressWarnings("AnnotateFormatMethod")
    static void log(String format, Object... args) {
        System.out.printf("perf %tT: %s%n", System.currentTimeMillis(), String.format(format, args));
        System.out.flush();
    }
}
