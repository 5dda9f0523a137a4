package io.github.krest.proxy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.cluster.DeliveryLog.Position;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.V2ConsumerClient.Instance;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Kafka broker lost under load: three brokers, each its own JVM ({@link KafkaProcessCluster}: replication factor
 * 3, {@code min.insync.replicas=2}), and two krest replicas behind nginx (krest's producer: {@code acks=all},
 * idempotent). Three clients produce numbered records through nginx, each request several records into each of the
 * three partitions, and two v2 consumers (of two groups) poll through nginx, while one broker leading a partition is
 * killed with SIGKILL and started again, then another stopped gracefully (SIGTERM, controlled shutdown) and started
 * again.
 *
 * <p>Asserts, from the topic as Kafka stores it and from what clients saw:
 * <ul>
 *   <li>no acknowledged record is lost, and each sits where its acknowledgement said;</li>
 *   <li>no record is written twice and each client's records keep their order in every partition (krest's producer
 *       retried, not the client: every value names the client's attempt);</li>
 *   <li>a produce request fails only in a way a client retries (HTTP 5xx from nginx, or a record's
 *       {@code error_code} 50003), and the client's retry then succeeds; the counts are printed;</li>
 *   <li>each consumer receives every record once, in order per partition;</li>
 *   <li>the v3 admin views show the lost broker: gone from {@code GET .../brokers}, its replicas
 *       {@code is_in_sync=false} (every partition under-replicated) with a leader elsewhere, and back in sync after
 *       its return.</li>
 * </ul>
 */
class BrokerFailoverIT {
    private static final int PARTITIONS = 3;
    private static final int PRODUCERS = 3;
    private static final int BATCH = 9;
    private static final Duration VIEW_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration UNDER_LOAD = Duration.ofSeconds(4);

    private static KafkaProcessCluster kafka;
    private static KrestCluster krest;

    @BeforeAll
    static void startClusters() {
        kafka = KafkaProcessCluster.start(ClusterProcesses.workDir("BrokerFailoverIT-kafka"), 3, Map.of());
        krest = KrestCluster.start("BrokerFailoverIT", KrestCluster.options().withReplicas(2)
                .withKafka(kafka.bootstrapServers())
                .withEnv("KAFKA_REST_CONSUMER_FETCH_MAX_WAIT_MS", "50"));
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
    void brokerKilledAndStoppedLosesNoAcknowledgedRecordAndWritesNoneTwice() throws Exception {
        String topic = "failover";
        kafka.admin().createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 3)
                .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
        KrestHttp lb = krest.lb();
        String clusterId = lb.get("/v3/clusters").json().path("data").get(0).path("cluster_id").asText();
        awaitViews(lb, clusterId, topic, kafka.nodeIds(), "all replicas in sync at the start");

        ClusterConsumerClient consumerClient = new ClusterConsumerClient(lb, 4096);
        List<Instance> consumers = new ArrayList<>();
        for (int g = 0; g < 2; g++) {
            Instance instance = consumerClient.create("failover-group-" + g, "c" + g);
            consumerClient.subscribe(instance, topic);
            consumers.add(instance);
        }

        AtomicBoolean running = new AtomicBoolean(true);
        Map<String, Position> acknowledged = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> retriedAnswers = new ConcurrentSkipListMap<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicInteger requests = new AtomicInteger();
        List<Thread> producers = new ArrayList<>();
        for (int c = 0; c < PRODUCERS; c++) {
            int client = c;
            producers.add(Thread.ofPlatform().name("failover-producer-" + c).start(() -> {
                KrestHttp http = new KrestHttp(krest.lbUrl());
                for (int seq = 0; running.get(); seq += BATCH) {
                    if (!produce(http, topic, client, seq, acknowledged, retriedAnswers, requests)) {
                        failures.add("client " + client + ": records from " + seq + " not acknowledged after "
                                + "retries");
                    }
                }
            }));
        }
        List<DeliveryLog> logs = new ArrayList<>();
        Map<String, AtomicInteger> pollAnswers = new ConcurrentSkipListMap<>();
        List<Thread> pollers = new ArrayList<>();
        AtomicBoolean polling = new AtomicBoolean(true);
        for (Instance instance : consumers) {
            DeliveryLog log = new DeliveryLog(topic);
            logs.add(log);
            pollers.add(Thread.ofPlatform().name("failover-" + instance.name()).start(() -> {
                while (polling.get()) {
                    try {
                        KrestHttp.Response r = consumerClient.poll(instance);
                        if (r.status() == 200) {
                            synchronized (log) {
                                log.add(r.json(), instance.name());
                            }
                        } else {
                            count(pollAnswers, r.status() + "/" + (r.json() == null ? "-"
                                    : r.json().path("error_code").asText()));
                            Thread.sleep(100);
                        }
                    } catch (AssertionError e) {
                        failures.add(instance.name() + ": " + e.getMessage());
                        return;
                    } catch (RuntimeException | InterruptedException e) {
                        count(pollAnswers, e.getClass().getSimpleName());
                    }
                }
            }));
        }

        Thread.sleep(UNDER_LOAD.toMillis());
        int killed = leaderOf(topic, 0, Set.of());
        kafka.kill(killed);
        Set<Integer> others = new TreeSet<>(kafka.nodeIds());
        others.remove(killed);
        awaitViews(lb, clusterId, topic, others, "broker " + killed + " killed");
        Thread.sleep(UNDER_LOAD.toMillis());
        kafka.restart(killed);
        awaitViews(lb, clusterId, topic, kafka.nodeIds(), "broker " + killed + " back");

        Thread.sleep(UNDER_LOAD.toMillis());
        int stopped = leaderOf(topic, 1, Set.of(killed));
        int exit = kafka.stop(stopped);
        others = new TreeSet<>(kafka.nodeIds());
        others.remove(stopped);
        awaitViews(lb, clusterId, topic, others, "broker " + stopped + " stopped (exit " + exit + ")");
        Thread.sleep(UNDER_LOAD.toMillis());
        kafka.restart(stopped);
        awaitViews(lb, clusterId, topic, kafka.nodeIds(), "broker " + stopped + " back");
        Thread.sleep(UNDER_LOAD.toMillis());

        running.set(false);
        for (Thread producer : producers) {
            producer.join(TimeUnit.MINUTES.toMillis(3));
        }
        NavigableMap<Position, String> stored = kafka.readTopic(topic);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (logs.stream().anyMatch(l -> size(l) < stored.size()) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        polling.set(false);
        for (Thread poller : pollers) {
            poller.join(TimeUnit.SECONDS.toMillis(30));
        }

        System.out.printf("BrokerFailoverIT: killed broker %d, stopped broker %d; %d produce requests, %d records "
                        + "acknowledged, %d stored; answers a client retried: %s; poll answers other than 200: %s%n",
                killed, stopped, requests.get(), acknowledged.size(), stored.size(), retriedAnswers, pollAnswers);
        assertEquals(List.of(), failures);
        assertTrue(acknowledged.size() > 200, "only " + acknowledged.size() + " records acknowledged");
        retriedAnswers.keySet().forEach(answer -> assertTrue(answer.startsWith("5") || answer.endsWith("/50003"),
                () -> "a produce answer a client cannot just retry: " + answer));

        // the topic as Kafka stores it: nothing acknowledged is missing, nothing is there twice, order kept
        Map<String, Position> where = new HashMap<>();
        stored.forEach((position, value) -> {
            Position before = where.put(value, position);
            if (before != null) {
                fail(value + " written twice: at " + before + " and " + position);
            }
        });
        acknowledged.forEach((value, position) -> assertEquals(position, where.get(value),
                () -> value + " acknowledged at " + position));
        Map<String, Integer> lastSeq = new HashMap<>();
        stored.forEach((position, value) -> {
            Value v = Value.parse(value);
            if (v.attempt() > 0) {
                // a client's own retry comes after what succeeded meanwhile: its order is the client's doing
                return;
            }
            String stream = v.client() + "@" + position.partition();
            Integer last = lastSeq.put(stream, v.seq());
            if (last != null && v.seq() < last) {
                fail("client " + v.client() + "'s records out of order in partition " + position.partition()
                        + ": " + value + " after seq " + last);
            }
        });

        for (int i = 0; i < logs.size(); i++) {
            assertEquals(stored, logs.get(i).byPosition(), "consumer " + consumers.get(i).name()
                    + ": every stored record once, in order");
        }
        consumers.forEach(consumerClient::delete);
    }

    /** A record's value: {@code c<client>-s<seq>-a<attempt>}, the attempt counting the client's own retries. */
    private record Value(int client, int seq, int attempt) {
        static Value parse(String value) {
            String[] parts = value.split("-", -1);
            return new Value(Integer.parseInt(parts[0].substring(1)), Integer.parseInt(parts[1].substring(1)),
                    Integer.parseInt(parts[2].substring(1)));
        }

        @Override
        public String toString() {
            return "c" + client + "-s" + seq + "-a" + attempt;
        }
    }

    /**
     * Produces records {@code seq .. seq+BATCH-1} of a client in one v2 request, record {@code i} into partition
     * {@code i % 3}, as a client must: what fails is sent again (a new attempt), up to 5 times.
     *
     * @return whether every record was acknowledged in the end
     */
    private static boolean produce(KrestHttp http, String topic, int client, int seq,
                                   Map<String, Position> acknowledged, Map<String, AtomicInteger> retriedAnswers,
                                   AtomicInteger requests) {
        List<Integer> pending = new ArrayList<>();
        for (int i = seq; i < seq + BATCH; i++) {
            pending.add(i);
        }
        for (int attempt = 0; attempt < 5 && !pending.isEmpty(); attempt++) {
            Base64.Encoder b64 = Base64.getEncoder();
            StringBuilder body = new StringBuilder("{\"records\":[");
            List<String> values = new ArrayList<>();
            for (int i : pending) {
                String value = new Value(client, i, attempt).toString();
                values.add(value);
                body.append(values.size() > 1 ? "," : "").append("{\"key\":\"")
                        .append(b64.encodeToString(("c" + client).getBytes(StandardCharsets.UTF_8)))
                        .append("\",\"value\":\"").append(b64.encodeToString(value.getBytes(StandardCharsets.UTF_8)))
                        .append("\",\"partition\":").append(i % PARTITIONS).append('}');
            }
            body.append("]}");
            requests.incrementAndGet();
            KrestHttp.Response r;
            try {
                r = http.post("/topics/" + topic, V2ProduceClient.BINARY_V2, body.toString());
            } catch (RuntimeException e) {
                count(retriedAnswers, "5xx-io:" + e.getClass().getSimpleName());
                continue;
            }
            if (r.status() != 200 || r.json() == null || !r.json().has("offsets")) {
                count(retriedAnswers, r.status() + "/" + (r.json() == null ? "-" : r.json().path("error_code")));
                continue;
            }
            JsonNode offsets = r.json().get("offsets");
            List<Integer> failed = new ArrayList<>();
            for (int j = 0; j < pending.size(); j++) {
                JsonNode offset = offsets.get(j);
                if (offset.get("error_code").isNull()) {
                    acknowledged.put(values.get(j), new Position(offset.get("partition").asInt(),
                            offset.get("offset").asLong()));
                } else {
                    count(retriedAnswers, "record/" + offset.get("error_code").asInt());
                    failed.add(pending.get(j));
                }
            }
            pending = failed;
        }
        return pending.isEmpty();
    }

    private static void count(Map<String, AtomicInteger> counts, String key) {
        counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    private static int size(DeliveryLog log) {
        synchronized (log) {
            return log.size();
        }
    }

    /** @return the broker leading {@code partition} of {@code topic}, per Kafka, which is not one of {@code not} */
    private static int leaderOf(String topic, int partition, Set<Integer> not) throws Exception {
        TopicDescription description = kafka.admin().describeTopics(List.of(topic)).allTopicNames()
                .get(30, TimeUnit.SECONDS).get(topic);
        int leader = description.partitions().get(partition).leader().id();
        if (!not.contains(leader)) {
            return leader;
        }
        return description.partitions().stream().map(p -> p.leader().id()).filter(id -> !not.contains(id))
                .findFirst().orElseThrow(() -> new AssertionError("every leader is in " + not));
    }

    /**
     * Waits until krest's v3 views show exactly {@code live} as the brokers, every partition led by one of them, and
     * exactly their replicas in sync (the others' {@code is_in_sync=false}: under-replicated).
     */
    private static void awaitViews(KrestHttp lb, String clusterId, String topic, Set<Integer> live, String when) {
        String base = "/v3/clusters/" + clusterId;
        long deadline = System.nanoTime() + VIEW_TIMEOUT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            KrestHttp.Response brokers = lb.get(base + "/brokers");
            Set<Integer> listed = ids(brokers, "broker_id", n -> true);
            boolean ok = brokers.status() == 200 && listed.equals(live);
            last = "brokers " + brokers.status() + " " + listed;
            for (int p = 0; ok && p < PARTITIONS; p++) {
                KrestHttp.Response replicas = lb.get(base + "/topics/" + topic + "/partitions/" + p + "/replicas");
                Set<Integer> inSync = ids(replicas, "broker_id", n -> n.path("is_in_sync").asBoolean());
                Set<Integer> leaders = ids(replicas, "broker_id", n -> n.path("is_leader").asBoolean());
                Set<Integer> all = ids(replicas, "broker_id", n -> true);
                ok = replicas.status() == 200 && all.equals(kafka.nodeIds()) && inSync.equals(live)
                        && leaders.size() == 1 && live.containsAll(leaders);
                last += "; partition " + p + ": " + replicas.status() + " in sync " + inSync + ", leader " + leaders;
            }
            if (ok) {
                return;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(e);
            }
        }
        fail(when + ": the v3 views did not show brokers " + live + " in sync within " + VIEW_TIMEOUT + "; last: "
                + last);
    }

    private static Set<Integer> ids(KrestHttp.Response r, String field, Predicate<JsonNode> filter) {
        Set<Integer> ids = new TreeSet<>();
        if (r.json() != null) {
            for (JsonNode n : r.json().path("data")) {
                if (filter.test(n)) {
                    ids.add(n.path(field).asInt());
                }
            }
        }
        return ids;
    }
}
