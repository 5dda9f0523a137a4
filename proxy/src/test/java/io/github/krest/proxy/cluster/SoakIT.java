package io.github.krest.proxy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.krest.proxy.cluster.DeliveryLog.Position;
import io.github.krest.proxy.cluster.SoakProducer.Api;
import io.github.krest.proxy.cluster.SoakReport.FaultRun;
import io.github.krest.proxy.testing.V2ConsumerClient.Instance;
import io.github.krest.proxy.testing.KrestHttp;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The soak: steady produce and consume through three krest replicas behind nginx, against three Kafka brokers
 * (replication factor 3, {@code min.insync.replicas=2}) and a Sentinel-watched Redis, while a fault is injected
 * every interval, each type in turn ({@link SoakFault}): a replica SIGKILLed and started again, the Redis master
 * restarted, a broker SIGKILLed and started again, a replica restarted gracefully, a Sentinel failover, a broker
 * stopped gracefully and started again.
 *
 * <p>The load: four producing clients (two v2, one v3 stream, one v3 batch), each sending one record per partition
 * per request, at most one request per {@link SoakSettings#requestInterval()}; three v2 consumer instances in two
 * groups ({@code soak-a}: one instance that commits its positions itself; {@code soak-b}: two auto-committing
 * instances sharing the partitions), each polling at most once per interval. Clients retry what a client must
 * retry, and only that ({@link SoakOutcomes.Kind#retriable()}).
 *
 * <p>It fails when anything acknowledged is lost, written twice or reordered, when a consumer receives a record
 * twice or out of order, when a group never receives a stored record, when any answer is one a client cannot retry,
 * when a fault stops every producer or every consumer, or one of them, longer than the stall limit, or when a
 * component does not come back. The figures ({@link SoakReport}) are written to {@code
 * proxy/target/cluster-it/SoakIT/soak.json} and {@code .md} before the verdict, and with {@code
 * -Dkrest.soak.results=DIR} as {@code DIR/<date>-soak.json} and {@code .md} too.
 *
 * <p>{@code -Dkrest.soak=quick} (the default: each fault once, 2 to 3 minutes of load) runs in the default test
 * run; {@code perf/soak} runs {@code full} (20 minutes, each fault twice). See {@link SoakSettings}.
 */
class SoakIT {
    private static final String TOPIC = "soak";
    private static final int PARTITIONS = 6;

    private static KafkaProcessCluster kafka;
    private static KrestCluster krest;

    @BeforeAll
    static void startClusters() {
        kafka = KafkaProcessCluster.start(ClusterProcesses.workDir("SoakIT-kafka"), 3, Map.of());
        krest = KrestCluster.start("SoakIT", KrestCluster.options().withReplicas(3).withRedisSentinel()
                .withRedisAppendOnly().withKafka(kafka.bootstrapServers()));
    }

    @AfterAll
    static void stopClusters() {
        try {
            if (krest != null) {
                krest.close();
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    @Test
    void faultsUnderLoadLoseNothing() throws Exception {
        SoakSettings settings = SoakSettings.fromSystemProperties();
        Instant date = Instant.now();
        String loadAverageAtStart = SoakReport.loadAverage();
        kafka.admin().createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3)
                .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
        KrestHttp lb = krest.lb();
        String clusterId = lb.get("/v3/clusters").json().path("data").get(0).path("cluster_id").asText();
        awaitTopic(lb, clusterId);

        // bounded: the planned time's requests three times over, retries included
        long maxRequests = settings.loadDuration().plus(settings.drainTimeout()).toMillis()
                / settings.requestInterval().toMillis() * 3;
        SoakOutcomes outcomes = new SoakOutcomes();
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicBoolean consuming = new AtomicBoolean(true);
        Map<String, Boolean> autoCommit = new LinkedHashMap<>();
        List<SoakConsumer> consumers = consumers(settings, outcomes, maxRequests, consuming, autoCommit);
        List<SoakProducer> producers = new ArrayList<>();
        Api[] apis = {Api.V2, Api.V2, Api.V3_STREAM, Api.V3_BATCH};
        for (int c = 0; c < apis.length; c++) {
            producers.add(new SoakProducer(c + 1, apis[c], new KrestHttp(krest.lbUrl()), clusterId, TOPIC,
                    PARTITIONS, settings.requestInterval().toMillis(), maxRequests, outcomes, producing::get));
        }
        List<Thread> consumerThreads = new ArrayList<>();
        List<Thread> producerThreads = new ArrayList<>();
        consumers.forEach(c -> consumerThreads.add(Thread.ofPlatform().name("soak-" + c.name()).start(c)));
        producers.forEach(p -> producerThreads.add(Thread.ofPlatform().name("soak-" + p.name()).start(p)));
        System.out.printf("soak (%s): load for %d s, %d faults every %d s%n", settings.mode(),
                settings.loadDuration().toSeconds(), settings.faults(), settings.faultInterval().toSeconds());

        sleepUntil(outcomes, settings.warmup().toMillis());
        List<ReplicaResources> atStart = resources();
        List<FaultRun> faults = new ArrayList<>();
        List<String> incidents = new ArrayList<>();
        long next = injectFaults(settings, outcomes, faults, incidents);
        sleepUntil(outcomes, Math.max(next, settings.loadDuration().toMillis()));

        producing.set(false);
        for (Thread t : producerThreads) {
            t.join(TimeUnit.MINUTES.toMillis(2));
        }
        long loadEnd = outcomes.nowMs();
        if (!drained(consumers, settings)) {
            incidents.add("the consumers did not reach the end offsets within " + settings.drainTimeout());
        }
        long consumeEnd = outcomes.nowMs();
        List<ReplicaResources> atEnd = resources();
        consuming.set(false);
        for (Thread t : consumerThreads) {
            t.join(TimeUnit.MINUTES.toMillis(1));
        }

        NavigableMap<Position, String> stored = kafka.readTopic(TOPIC);
        SoakReport report = new SoakReport(new SoakReport.Inputs(settings, date, TOPIC, PARTITIONS, outcomes,
                producers, consumers, autoCommit, stored, faults, loadEnd, consumeEnd, atStart, atEnd,
                loadAverageAtStart, SoakReport.loadAverage(), incidents));
        Path workDir = krest.workDir();
        report.write(workDir, "soak");
        if (settings.results().isPresent()) {
            System.out.println("soak: results written to "
                    + report.write(settings.results().get(), SoakReport.baseName(date, settings.mode())));
        }
        System.out.println(SoakMarkdown.render(report.json()));
        assertEquals(List.of(), report.violations(), "soak violations; figures in " + workDir.resolve("soak.md"));
    }

    /**
     * Creates and subscribes the consumer instances: {@code soak-a/a1} committing its positions itself,
     * {@code soak-b/b1} and {@code b2} auto-committing.
     */
    private static List<SoakConsumer> consumers(SoakSettings settings, SoakOutcomes outcomes, long maxRequests,
                                                AtomicBoolean consuming, Map<String, Boolean> autoCommit) {
        List<SoakConsumer> consumers = new ArrayList<>();
        ClusterConsumerClient setup = new ClusterConsumerClient(krest.lb());
        for (String[] member : new String[][] {{"soak-a", "a1"}, {"soak-b", "b1"}, {"soak-b", "b2"}}) {
            boolean auto = member[0].equals("soak-b");
            Instance instance = setup.create(member[0], member[1], auto);
            setup.subscribe(instance, TOPIC);
            SoakConsumer consumer = new SoakConsumer(instance, !auto, new ClusterConsumerClient(
                    new KrestHttp(krest.lbUrl())), TOPIC, outcomes, settings.requestInterval().toMillis(),
                    maxRequests, consuming::get);
            autoCommit.put(consumer.name(), auto);
            consumers.add(consumer);
        }
        return consumers;
    }

    /**
     * Injects the faults in turn, each at its interval and after the previous one's settle time; stops at a fault
     * that does not complete (the deployment is not whole), recording it as an incident.
     *
     * @return when the load may end: the last fault's settle time over, in ms since the start
     */
    private static long injectFaults(SoakSettings settings, SoakOutcomes outcomes, List<FaultRun> faults,
                                     List<String> incidents) {
        long next = outcomes.nowMs();
        for (int n = 0; n < settings.faults(); n++) {
            sleepUntil(outcomes, next);
            SoakFault fault = SoakFault.nth(n);
            long start = outcomes.nowMs();
            try {
                String target = fault.inject(krest, kafka, n, settings.dwell());
                faults.add(new FaultRun(n, fault, target, start, outcomes.nowMs()));
                System.out.printf("soak: %5.1f s fault %d, %s, %s: whole again after %.1f s%n", start / 1000.0,
                        n + 1, fault.label(), target, (outcomes.nowMs() - start) / 1000.0);
            } catch (RuntimeException e) {
                faults.add(new FaultRun(n, fault, "failed: " + e.getMessage(), start, outcomes.nowMs()));
                incidents.add("fault " + (n + 1) + " (" + fault.label() + ") did not complete: " + e);
                return outcomes.nowMs();
            }
            next = Math.max(settings.warmup().plus(settings.faultInterval().multipliedBy(n + 1)).toMillis(),
                    outcomes.nowMs() + settings.settle().toMillis());
        }
        return next;
    }

    /** Waits until krest's metadata knows the topic (a produce before that would answer 404). */
    private static void awaitTopic(KrestHttp lb, String clusterId) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (lb.get("/v3/clusters/" + clusterId + "/topics/" + TOPIC).status() != 200) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("krest does not see topic " + TOPIC);
            }
            ClusterProcesses.sleep(200);
        }
    }

    /** @return each replica's figures, in replica order */
    private static List<ReplicaResources> resources() {
        List<ReplicaResources> figures = new ArrayList<>();
        for (int i = 0; i < krest.replicaCount(); i++) {
            figures.add(ReplicaResources.of(krest.replicaPid(i)));
        }
        return figures;
    }

    /** Waits until every group has received every partition up to its end offset; @return whether it did */
    private static boolean drained(List<SoakConsumer> consumers, SoakSettings settings) throws Exception {
        Map<TopicPartition, Long> ends = KafkaOffsetReader.endOffsets(kafka.admin(), TOPIC);
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Map<Integer, Long>> byGroup = new LinkedHashMap<>();
            consumers.forEach(c -> c.delivered().forEach((p, o) -> byGroup
                    .computeIfAbsent(c.instance().group(), g -> new LinkedHashMap<>()).merge(p, o, Math::max)));
            boolean done = consumers.stream().map(c -> c.instance().group()).distinct().allMatch(g ->
                    ends.entrySet().stream().allMatch(e -> e.getValue() == 0 || byGroup.getOrDefault(g, Map.of())
                            .getOrDefault(e.getKey().partition(), -1L) >= e.getValue() - 1));
            if (done) {
                return true;
            }
            ClusterProcesses.sleep(250);
        }
        return false;
    }

    private static void sleepUntil(SoakOutcomes outcomes, long atMs) {
        long wait = atMs - outcomes.nowMs();
        if (wait > 0) {
            ClusterProcesses.sleep(wait);
        }
    }
}
