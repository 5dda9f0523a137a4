package io.github.krest.proxy.http.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import io.github.krest.proxy.testing.TestRedis;
import io.github.krest.proxy.testing.V2ConsumerClient;
import io.github.krest.proxy.testing.V2ConsumerClient.Instance;
import io.github.krest.proxy.testing.V2ConsumerClient.Offset;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stateless v2 consumers behind a load balancer: two krest servers in this JVM (A and B, plus C with a short
 * {@code consumer.instance.timeout.ms}) share one Redis state store, and every consumer request may go to any of
 * them. Proves that positions stored after each poll let the other replica continue exactly there (every record
 * once, in order); instance names are unique across replicas (409/40902); concurrent polls of one instance through
 * two replicas never return the same record twice; any request keeps an instance alive, and one that expired is
 * 404/40403 on every replica (its positions committed when it auto-commits); and instances of one group split its partitions, while a member
 * that stops polling for {@code consumer.session.timeout.ms} loses its partitions to the live member, which keeps
 * its own (sticky) and continues each moved partition from the group's committed offset.
 */
class ConsumersRoundRobinTest {
    private static final String BINARY = V2ConsumerClient.BINARY;
    private static final String JSON = V2ConsumerClient.JSON;
    private static final long SESSION_TIMEOUT_MS = 1_500;

    private static String redisUrl;
    private static TestKrest a;
    private static TestKrest b;
    private static TestKrest c;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start() {
        redisUrl = TestRedis.newDatabase();
        // fetch.max.wait.ms: after a seek (the other replica moved the position) a reader's next fetch waits for
        // its pipelined long-poll fetch; Kafka's 500 ms default would make every replica switch cost 0.5 s
        Map<String, String> shared = Map.of("consumer.state.store", "redis", "redis.url", redisUrl,
                "consumer.session.timeout.ms", Long.toString(SESSION_TIMEOUT_MS),
                "auto.commit.interval.ms", "600000", "consumer.fetch.max.wait.ms", "50");
        a = TestKrest.start(shared);
        b = TestKrest.start(shared);
        Map<String, String> shortLived = new HashMap<>(shared);
        shortLived.put("consumer.instance.timeout.ms", "2000");
        c = TestKrest.start(shortLived);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 0), new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        producer.close();
        for (TestKrest k : new TestKrest[] {a, b, c}) {
            if (k != null) {
                k.close();
            }
        }
    }

    @Test
    void alternatingReplicasDeliverEveryRecordOnceInOrder() throws Exception {
        String topic = TestKafka.createTopic("crr-alternate", 3);
        int perPartition = 20;
        for (int p = 0; p < 3; p++) {
            for (int i = 0; i < perPartition; i++) {
                send(topic, p, "p" + p + "-" + i);
            }
        }
        Instance instance = consumers(a).created("crr-alternate", "{\"name\":\"rr\",\"auto.offset.reset\":"
                + "\"earliest\",\"auto.commit.enable\":\"false\"}");
        assertEquals(204, consumers(b).subscribe(instance, topic).status());

        Map<Integer, List<Long>> seen = new HashMap<>();
        int total = 0;
        int polls = 0;
        long deadline = System.currentTimeMillis() + 30_000;
        while (total < 3 * perPartition && System.currentTimeMillis() < deadline) {
            TestKrest replica = polls++ % 2 == 0 ? a : b;
            // ~4 records per poll, so the replicas take turns many times
            KrestHttp.Response r = consumers(replica).poll(instance, BINARY, "timeout=500&max_bytes=24");
            assertEquals(200, r.status(), r.body());
            for (JsonNode n : r.json()) {
                int partition = n.get("partition").asInt();
                long offset = n.get("offset").asLong();
                assertEquals("p" + partition + "-" + offset, text(n.get("value")));
                seen.computeIfAbsent(partition, k -> new ArrayList<>()).add(offset);
                total++;
            }
        }
        assertTrue(polls > 10, "the replicas took turns: " + polls + " polls");
        for (int p = 0; p < 3; p++) {
            assertEquals(range(0, perPartition), seen.get(p), "partition " + p + ": each offset once, in order");
        }
        KrestHttp.Response none = consumers(a).poll(instance, BINARY, "timeout=200");
        assertEquals("[]", none.body());

        // both replicas see the same instance, and commit its stored positions
        assertEquals(200, consumers(b).commit(instance).status());
        Map<TopicPartition, OffsetAndMetadata> committed = TestKafka.admin()
                .listConsumerGroupOffsets("crr-alternate").partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        for (int p = 0; p < 3; p++) {
            assertEquals(perPartition, committed.get(new TopicPartition(topic, p)).offset());
        }
    }

    @Test
    void instanceNamesAreUniqueAcrossReplicas() {
        Instance only = consumers(a).created("crr-unique", "{\"name\":\"only\"}");
        KrestHttp.Response duplicate = consumers(b).create("crr-unique", "{\"name\":\"only\"}");
        assertEquals(409, duplicate.status(), duplicate.body());
        assertEquals(40902, duplicate.errorCode());
        // B serves the instance A created, and deleting it on B frees the name on A
        assertEquals(200, consumers(b).subscription(only).status());
        assertEquals(204, consumers(b).delete(only).status());
        assertEquals(404, consumers(a).subscription(only).status());
        assertEquals(200, consumers(a).create("crr-unique", "{\"name\":\"only\"}").status());
    }

    @Test
    void concurrentPollsThroughTwoReplicasNeverOverlap() throws Exception {
        String topic = TestKafka.createTopic("crr-concurrent", 1);
        int count = 150;
        for (int i = 0; i < count; i++) {
            send(topic, 0, "{\"i\":" + i + "}");
        }
        Instance instance = consumers(a).created("crr-concurrent", "{\"name\":\"cc\",\"format\":\"json\","
                + "\"auto.offset.reset\":\"earliest\",\"auto.commit.enable\":\"false\"}");
        assertEquals(204, consumers(a).assign(instance, topic, 0).status());

        AtomicInteger total = new AtomicInteger();
        long deadline = System.currentTimeMillis() + 30_000;
        CompletableFuture<List<Long>> viaA = CompletableFuture.supplyAsync(() -> pollUntil(a, instance, total,
                count, deadline));
        CompletableFuture<List<Long>> viaB = CompletableFuture.supplyAsync(() -> pollUntil(b, instance, total,
                count, deadline));
        List<Long> fromA = viaA.get(40, TimeUnit.SECONDS);
        List<Long> fromB = viaB.get(40, TimeUnit.SECONDS);

        Set<Long> overlap = new HashSet<>(fromA);
        overlap.retainAll(fromB);
        assertEquals(Set.of(), overlap, "no record went to both replicas");
        List<Long> all = new ArrayList<>(fromA);
        all.addAll(fromB);
        Collections.sort(all);
        assertEquals(range(0, count), all, "every record exactly once");
        assertTrue(fromA.equals(new ArrayList<>(new TreeSet<>(fromA))), "A's records in order: " + fromA);
        assertTrue(fromB.equals(new ArrayList<>(new TreeSet<>(fromB))), "B's records in order: " + fromB);
    }

    private static List<Long> pollUntil(TestKrest replica, Instance instance, AtomicInteger total, int count,
                                        long deadline) {
        List<Long> offsets = new ArrayList<>();
        while (total.get() < count && System.currentTimeMillis() < deadline) {
            // no Accept: the instance's own format, also when this poll waited for the other replica's
            KrestHttp.Response r = consumers(replica).poll(instance, null, "timeout=300&max_bytes=60");
            assertEquals(200, r.status(), r.body());
            assertEquals(JSON, r.contentType(), "the json instance answers as json, also when it was busy");
            for (JsonNode n : r.json()) {
                assertEquals(n.get("offset").asLong(), n.get("value").get("i").asLong());
                offsets.add(n.get("offset").asLong());
                total.incrementAndGet();
            }
        }
        return offsets;
    }

    @Test
    void expiredInstanceIsGoneOnEveryReplicaAndItsPositionsAreCommitted() throws Exception {
        String topic = TestKafka.createTopic("crr-expiry", 1);
        for (int i = 0; i < 3; i++) {
            send(topic, 0, "e" + i);
        }
        // created and used through C, whose instances live 2 s without a request
        Instance instance = consumers(c).created("crr-expiry", "{\"name\":\"ex\",\"auto.offset.reset\":"
                + "\"earliest\",\"auto.commit.enable\":\"true\"}");
        assertEquals(204, consumers(c).assign(instance, topic, 0).status());
        int got = 0;
        long deadline = System.currentTimeMillis() + 10_000;
        while (got < 3 && System.currentTimeMillis() < deadline) {
            KrestHttp.Response r = consumers(c).poll(instance, BINARY, "timeout=500");
            assertEquals(200, r.status(), r.body());
            got += r.json().size();
        }
        assertEquals(3, got);

        Thread.sleep(2_300);
        for (TestKrest replica : new TestKrest[] {a, b, c}) {
            KrestHttp.Response r = consumers(replica).poll(instance, BINARY, "timeout=100");
            assertEquals(404, r.status(), r.body());
            assertEquals(40403, r.errorCode());
            assertEquals(40403, consumers(replica).subscription(instance).errorCode());
        }
        // the sweeper commits an expired auto-commit instance's positions
        TopicPartition p0 = new TopicPartition(topic, 0);
        long committed = -1;
        deadline = System.currentTimeMillis() + 15_000;
        while (committed != 3 && System.currentTimeMillis() < deadline) {
            OffsetAndMetadata om = TestKafka.admin().listConsumerGroupOffsets("crr-expiry")
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).get(p0);
            committed = om == null ? -1 : om.offset();
            Thread.sleep(200);
        }
        assertEquals(3, committed);
        // and the name can be used again
        assertEquals(200, consumers(a).create("crr-expiry", "{\"name\":\"ex\"}").status());
    }

    @Test
    void everyRequestKeepsAnInstanceAlive() throws Exception {
        String topic = TestKafka.createTopic("crr-keepalive", 1);
        // C's instances live 2 s without a request; these requests, 500 ms apart, span 3 s
        Instance instance = consumers(c).created("crr-keepalive", "{\"name\":\"k\"}");
        assertEquals(204, consumers(c).assign(instance, topic, 0).status());
        for (int i = 0; i < 6; i++) {
            Thread.sleep(500);
            KrestHttp.Response r = i % 2 == 0
                    ? consumers(c).commit(instance)
                    : consumers(c).committed(instance, topic, 0);
            assertEquals(200, r.status(), "request " + i + ": " + r.body());
        }
        assertEquals(200, consumers(c).subscription(instance).status());
    }

    @Test
    void silentMemberLosesItsPartitionsWhichContinueFromTheCommittedOffset() throws Exception {
        Handover h = splitAndConsume("crr-handover", false);
        // X names the last records it processed: offset 4 of each of its partitions (committed as 5)
        Offset[] offsets = h.xPartitions.stream().map(p -> new Offset(h.topic, p, 4)).toArray(Offset[]::new);
        KrestHttp.Response commit = consumers(a).commit(h.x, offsets);
        assertEquals(200, commit.status(), commit.body());

        // X stops polling; Y alone keeps polling and, after the session timeout, takes X's partitions over
        Map<Integer, List<Long>> taken = takeOver(h, 10);
        for (int p : h.xPartitions) {
            assertEquals(range(5, 10), taken.get(p), "partition " + p + " continues after X's commit");
        }
        for (int p : h.yPartitions) {
            assertEquals(null, taken.get(p), "Y's own partitions are not read again");
        }
    }

    @Test
    void autoCommitMemberHandsOverItsPositions() throws Exception {
        Handover h = splitAndConsume("crr-handover-auto", true);
        // X consumed everything of its partitions; its positions are committed when they are revoked, so Y
        // continues after them: nothing old again, only what is produced now
        for (int p : h.xPartitions) {
            send(h.topic, p, "p" + p + "-10");
        }
        Map<Integer, List<Long>> taken = takeOver(h, 2);
        for (int p : h.xPartitions) {
            assertEquals(List.of(10L), taken.get(p), "partition " + p + " continues at X's position");
        }
    }

    /** Two members X (polled through A) and Y (through B) of one group, each having consumed its share. */
    private record Handover(String topic, String group, Instance x, Instance y, List<Integer> xPartitions,
                            List<Integer> yPartitions, long xLastPolledMs) {
    }

    private static Handover splitAndConsume(String name, boolean autoCommit) throws Exception {
        String topic = TestKafka.createTopic(name, 4);
        for (int p = 0; p < 4; p++) {
            for (int i = 0; i < 10; i++) {
                send(topic, p, "p" + p + "-" + i);
            }
        }
        String settings = "\"auto.offset.reset\":\"earliest\",\"auto.commit.enable\":\"" + autoCommit + "\"}";
        Instance x = consumers(a).created(name, "{\"name\":\"x\"," + settings);
        Instance y = consumers(b).created(name, "{\"name\":\"y\"," + settings);
        assertEquals(204, consumers(a).subscribe(x, topic).status());
        assertEquals(204, consumers(b).subscribe(y, topic).status());

        List<Integer> xPartitions = partitions(consumers(a).assignments(x).json());
        List<Integer> yPartitions = partitions(consumers(b).assignments(y).json());
        assertEquals(2, xPartitions.size(), "X's share: " + xPartitions);
        assertEquals(2, yPartitions.size(), "Y's share: " + yPartitions);
        Set<Integer> union = new TreeSet<>(xPartitions);
        union.addAll(yPartitions);
        assertEquals(Set.of(0, 1, 2, 3), union, "the members split the group's partitions");

        // both poll in turn (well within the session timeout) until each has its 20 records
        Map<Integer, List<Long>> seenX = new HashMap<>();
        Map<Integer, List<Long>> seenY = new HashMap<>();
        long deadline = System.currentTimeMillis() + 20_000;
        long xLastPolled = 0;
        while ((count(seenX) < 20 || count(seenY) < 20) && System.currentTimeMillis() < deadline) {
            collect(consumers(a).poll(x, BINARY, "timeout=200"), seenX);
            xLastPolled = System.currentTimeMillis();
            collect(consumers(b).poll(y, BINARY, "timeout=200"), seenY);
        }
        for (int p : xPartitions) {
            assertEquals(range(0, 10), seenX.get(p));
        }
        for (int p : yPartitions) {
            assertEquals(range(0, 10), seenY.get(p));
        }
        assertEquals(Set.copyOf(xPartitions), seenX.keySet(), "X reads only its partitions");
        assertEquals(Set.copyOf(yPartitions), seenY.keySet(), "Y reads only its partitions");
        return new Handover(topic, name, x, y, xPartitions, yPartitions, xLastPolled);
    }

    /** Polls only Y until it owns all four partitions and has {@code expected} records of X's partitions. */
    private static Map<Integer, List<Long>> takeOver(Handover h, int expected) {
        Map<Integer, List<Long>> taken = new HashMap<>();
        // X's session runs from its last poll, not from now
        long silentSince = h.xLastPolledMs();
        long deadline = System.currentTimeMillis() + 20_000;
        List<Integer> owned = h.yPartitions;
        while ((owned.size() < 4 || count(taken) < expected)
                && System.currentTimeMillis() < deadline) {
            collect(consumers(b).poll(h.y, BINARY, "timeout=300"), taken);
            owned = partitions(consumers(a).assignments(h.y).json());
        }
        assertTrue(System.currentTimeMillis() - silentSince >= SESSION_TIMEOUT_MS - 100,
                "the partitions moved only after the session timeout");
        assertEquals(List.of(0, 1, 2, 3), owned, "the live member owns every partition");
        assertTrue(owned.containsAll(h.yPartitions), "sticky: Y kept its own partitions");
        assertEquals("[]", consumers(b).poll(h.y, BINARY, "timeout=300").body(), "nothing more");
        return taken;
    }

    // ---- helpers ----

    /** @return a client of the v2 consumer API of {@code replica} */
    private static V2ConsumerClient consumers(TestKrest replica) {
        return new V2ConsumerClient(replica.http());
    }

    private static void collect(KrestHttp.Response r, Map<Integer, List<Long>> seen) {
        assertEquals(200, r.status(), r.body());
        for (JsonNode n : r.json()) {
            int partition = n.get("partition").asInt();
            long offset = n.get("offset").asLong();
            assertEquals("p" + partition + "-" + offset, text(n.get("value")));
            seen.computeIfAbsent(partition, k -> new ArrayList<>()).add(offset);
        }
    }

    private static int count(Map<Integer, List<Long>> seen) {
        return seen.values().stream().mapToInt(List::size).sum();
    }

    private static List<Integer> partitions(JsonNode assignments) {
        List<Integer> result = new ArrayList<>();
        assignments.get("partitions").forEach(p -> result.add(p.get("partition").asInt()));
        Collections.sort(result);
        return result;
    }

    private static List<Long> range(long from, long to) {
        List<Long> result = new ArrayList<>();
        for (long i = from; i < to; i++) {
            result.add(i);
        }
        return result;
    }

    private static void send(String topic, int partition, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, partition, null, value.getBytes(StandardCharsets.UTF_8)))
                .get(10, TimeUnit.SECONDS);
    }

    private static String text(JsonNode base64) {
        return new String(java.util.Base64.getDecoder().decode(base64.asText()), StandardCharsets.UTF_8);
    }
}
