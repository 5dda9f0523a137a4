package io.github.krest.proxy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.cluster.DeliveryLog.Position;
import io.github.krest.proxy.cluster.NginxProcess.AccessLogEntry;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.V2ConsumerClient.Instance;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A rolling restart under load, through the shipped nginx configuration: while one thread produces continuously
 * (v2, small batches) and one v2 consumer instance polls and commits continuously, each of the three replicas in
 * turn is stopped with SIGTERM (graceful: {@code shutdown.graceful.ms}), waited for, and started again on its port.
 *
 * <p>Asserts that no request failed (every response 2xx, as the client and nginx's access log saw it), that every
 * produced record was consumed exactly once and in order per partition, and that the group's committed offsets
 * reach the end. What makes this hold: a stopping replica first closes its listening socket, so nginx's next
 * connection attempt is refused and passed to the next replica ({@code proxy_next_upstream error}, safe for a POST
 * because nothing was sent); requests already on the replica finish within the grace period; and a poll's lease is
 * released at the latest on shutdown, so the next poll through another replica does not wait for it.
 */
class RollingRestartIT {
    private static final int PARTITIONS = 3;
    private static final int BATCH = 5;
    private static final Duration SETTLE = Duration.ofSeconds(3);

    private static KrestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = KrestCluster.start("RollingRestartIT", KrestCluster.options()
                .withEnv("KAFKA_REST_SHUTDOWN_GRACEFUL_MS", "5000")
                .withEnv("KAFKA_REST_CONSUMER_FETCH_MAX_WAIT_MS", "50"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void rollingRestartLosesNothingAndFailsNoRequest() throws Exception {
        String topic = TestKafka.createTopic("rolling-" + System.nanoTime(), PARTITIONS);
        String group = "rolling-group-" + System.nanoTime();
        KrestHttp lb = cluster.lb();
        ClusterConsumerClient consumers = new ClusterConsumerClient(lb, 512);
        Instance consumer = consumers.create(group, "c1");
        consumers.subscribe(consumer, topic);
        int startMark = cluster.accessLog().size();

        List<String> failures = new CopyOnWriteArrayList<>();
        Map<Position, String> produced = new ConcurrentSkipListMap<>();
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer = Thread.ofPlatform().name("rolling-producer").start(() -> {
            KrestHttp http = new KrestHttp(cluster.lbUrl());
            int next = 0;
            while (producing.get()) {
                try {
                    produced.putAll(produceBatch(http, topic, next));
                } catch (RuntimeException | AssertionError e) {
                    failures.add("produce " + next + ": " + e);
                }
                next += BATCH;
                sleep(20);
            }
        });

        AtomicBoolean restarting = new AtomicBoolean(true);
        List<Integer> exitStatuses = Collections.synchronizedList(new ArrayList<>());
        Thread restarter = Thread.ofPlatform().name("rolling-restarter").start(() -> {
            try {
                for (int i = 0; i < cluster.replicaCount(); i++) {
                    sleep(SETTLE.toMillis());
                    exitStatuses.add(cluster.stopReplica(i));
                    cluster.restartReplica(i);
                }
                sleep(SETTLE.toMillis());
            } catch (RuntimeException e) {
                failures.add("restart: " + e);
            } finally {
                restarting.set(false);
            }
        });

        DeliveryLog delivered = new DeliveryLog(topic);
        int polls = 0;
        while (restarting.get()) {
            pollAndCommit(consumers, consumer, delivered, failures);
            polls++;
        }
        producing.set(false);
        producer.join(TimeUnit.SECONDS.toMillis(30));
        restarter.join();

        // drain what is left
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (delivered.size() < produced.size() && System.nanoTime() < deadline) {
            pollAndCommit(consumers, consumer, delivered, failures);
        }
        pollAndCommit(consumers, consumer, delivered, failures);

        assertEquals(List.of(), failures, "failed requests");
        assertEquals(cluster.replicaCount(), exitStatuses.size(), "every replica was restarted");
        for (AccessLogEntry entry : since(startMark)) {
            assertTrue(entry.status() < 300, () -> "nginx answered " + entry);
        }
        assertTrue(produced.size() > 100, "only " + produced.size() + " records produced");
        assertTrue(polls > 20, "only " + polls + " polls during the restarts");
        assertEquals(new java.util.TreeMap<>(produced), delivered.byPosition(), "every record exactly once");

        Map<TopicPartition, Long> ends = KafkaOffsetReader.endOffsets(topic);
        assertEquals(ends, KafkaOffsetReader.awaitCommitted(group, ends), "committed offsets of group " + group);
        consumers.delete(consumer);
    }

    /** One poll and an empty-body commit; a response that is not 2xx (or an I/O error) is recorded as a failure. */
    private static void pollAndCommit(ClusterConsumerClient consumers, Instance consumer, DeliveryLog delivered,
                                      List<String> failures) {
        try {
            KrestHttp.Response r = consumers.poll(consumer);
            if (r.status() != 200) {
                failures.add("poll: " + r.status() + " " + r.body());
                sleep(100);
                return;
            }
            delivered.add(r.json(), consumer.name());
            consumers.commit(consumer);
        } catch (RuntimeException e) {
            failures.add("poll or commit: " + e);
        } catch (AssertionError e) {
            if (e.getMessage() != null && (e.getMessage().contains("twice") || e.getMessage().contains("order"))) {
                throw e;
            }
            failures.add("poll or commit: " + e.getMessage());
        }
    }

    /** v2 binary produce of records {@code first .. first+BATCH-1}, record {@code i} to partition {@code i % 3}. */
    private static Map<Position, String> produceBatch(KrestHttp http, String topic, int first) {
        Base64.Encoder b64 = Base64.getEncoder();
        StringBuilder body = new StringBuilder("{\"records\":[");
        for (int i = first; i < first + BATCH; i++) {
            body.append(i > first ? "," : "").append("{\"key\":\"")
                    .append(b64.encodeToString(("k-" + i).getBytes(StandardCharsets.UTF_8)))
                    .append("\",\"value\":\"")
                    .append(b64.encodeToString((topic + "-v-" + i).getBytes(StandardCharsets.UTF_8)))
                    .append("\",\"partition\":").append(i % PARTITIONS).append('}');
        }
        body.append("]}");
        KrestHttp.Response r = http.post("/topics/" + topic, V2ProduceClient.BINARY_V2, body.toString());
        if (r.status() != 200) {
            throw new AssertionError(r.status() + " " + r.body());
        }
        Map<Position, String> written = new java.util.HashMap<>();
        JsonNode offsets = r.json().get("offsets");
        for (int j = 0; j < BATCH; j++) {
            JsonNode offset = offsets.get(j);
            if (!offset.get("error_code").isNull()) {
                throw new AssertionError("record " + (first + j) + " failed: " + r.body());
            }
            written.put(new Position(offset.get("partition").asInt(), offset.get("offset").asLong()),
                    topic + "-v-" + (first + j));
        }
        return written;
    }

    private static List<AccessLogEntry> since(int mark) {
        List<AccessLogEntry> log = cluster.accessLog();
        return log.subList(mark, log.size());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
        }
    }
}
