package io.github.krest.proxy.core.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.core.session.KafkaSessions;
import io.github.krest.proxy.core.TrafficMeter;
import io.github.krest.proxy.kafka.KafkaClients;
import io.github.krest.proxy.kafka.PartitionWindows;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.state.ConsumerStateStore;
import io.github.krest.state.PartitionRef;
import io.github.krest.state.memory.InMemoryConsumerStateStore;
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
 * The handover of an auto-commit member's positions, with the race made deterministic: two replicas (two
 * {@link ConsumerService}s over one state store, on the real test Kafka) serve one group. A poll on replica B
 * rebalances the group after a silent member's session timed out, and is held right after the new assignment is
 * stored, before B commits the revoked positions to Kafka. Meanwhile the new owner's next poll, on replica A,
 * must continue at the silent member's position, not re-read the partition from the start: the positions are
 * handed over in the state store, in the same step that revokes them, so no commit has to land first.
 */
class ConsumerHandoverTest {
    private static final long SESSION_TIMEOUT_MS = 10_000;

    /** Added to the real clock: moving it forward times a member out without waiting. */
    private static final AtomicLong skew = new AtomicLong();
    private static final InMemoryConsumerStateStore shared = new InMemoryConsumerStateStore();
    private static final AtomicBoolean holdNextAssignment = new AtomicBoolean();
    private static final CountDownLatch assignmentStored = new CountDownLatch(1);
    private static final CountDownLatch proceed = new CountDownLatch(1);

    private static final List<AutoCloseable> closing = new ArrayList<>();
    private static ConsumerService a;
    private static ConsumerService b;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start() {
        a = replica("replica-a", shared);
        b = replica("replica-b", holdingAfterStoreAssignment(shared));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() throws Exception {
        proceed.countDown();
        producer.close();
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
        shared.close();
    }

    @Test
    void newOwnerContinuesAtTheRevokedPositionsBeforeTheirCommitReachesKafka() throws Exception {
        String topic = TestKafka.createTopic("handover-race", 2);
        String group = "handover-race";
        for (int p = 0; p < 2; p++) {
            for (int i = 0; i < 10; i++) {
                send(topic, p, i);
            }
        }
        for (String member : List.of("x", "y")) {
            a.create(group, new ConsumerService.CreateRequest(Optional.of(member), Optional.empty(),
                    Optional.empty(), Optional.of("earliest"), Optional.of("true"), Optional.empty(),
                    Optional.empty()), KafkaIdentity.ANONYMOUS);
            a.subscribe(group, member, KafkaIdentity.ANONYMOUS, List.of(topic), Optional.empty());
        }
        PartitionRef xPartition = a.assignment(group, "x", KafkaIdentity.ANONYMOUS).getFirst();
        PartitionRef yPartition = a.assignment(group, "y", KafkaIdentity.ANONYMOUS).getFirst();
        assertEquals(List.of(yPartition), a.assignment(group, "y", KafkaIdentity.ANONYMOUS), "one partition each");
        assertEquals(range(0, 10), pollUntil(a, group, "x", 10).get(xPartition.partition()));
        assertEquals(range(0, 10), pollUntil(a, group, "y", 10).get(yPartition.partition()));
        send(topic, xPartition.partition(), 10);

        // x falls silent; y's next poll, on B, drops it and stores the new assignment, then waits before committing
        skew.addAndGet(SESSION_TIMEOUT_MS + 1);
        holdNextAssignment.set(true);
        CompletableFuture<Map<Integer, List<Long>>> held = CompletableFuture.supplyAsync(() -> poll(b, group, "y"));
        assertTrue(assignmentStored.await(30, TimeUnit.SECONDS), "B stored the new assignment");
        TopicPartition revoked = new TopicPartition(topic, xPartition.partition());
        assertEquals(null, committed(group).get(revoked), "nothing committed to Kafka yet");

        Map<Integer, List<Long>> taken = pollUntil(a, group, "y", 1);
        assertEquals(Map.of(xPartition.partition(), List.of(10L)), taken,
                "y continues at x's position on the partition it took over");
        assertEquals(List.of(xPartition, yPartition).stream().sorted().toList(),
                a.assignment(group, "y", KafkaIdentity.ANONYMOUS));

        proceed.countDown();
        assertEquals(Map.of(), held.get(30, TimeUnit.SECONDS), "nothing more for y on B");
        // B's commit of the revoked position still reaches Kafka, for Kafka's tools and lag
        long deadline = System.currentTimeMillis() + 15_000;
        while (committed(group).get(revoked) == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(10, committed(group).get(revoked).offset());
    }

    /** A replica's consumer service over {@code store}, with its own Kafka clients and read windows. */
    private static ConsumerService replica(String id, ConsumerStateStore store) {
        KrestConfig config = new KrestConfig(Map.of(KrestConfig.BOOTSTRAP_SERVERS, TestKafka.bootstrapServers(),
                "consumer.session.timeout.ms", Long.toString(SESSION_TIMEOUT_MS),
                "auto.commit.interval.ms", "600000", "consumer.fetch.max.wait.ms", "50"));
        KafkaClients clients = new KafkaClients(config);
        KafkaSessions sessions = new KafkaSessions(clients, store, config, TrafficMeter.NONE);
        PartitionWindows windows = new PartitionWindows(config, id);
        closing.addAll(List.of(clients, windows));
        return new ConsumerService(store, windows, sessions, ConsumerSettings.of(config), id,
                () -> System.currentTimeMillis() + skew.get());
    }

    /**
     * {@code store}, except that once {@link #holdNextAssignment} is set, the next successful
     * {@code storeAssignment} signals {@link #assignmentStored} and returns only after {@link #proceed}.
     */
    private static ConsumerStateStore holdingAfterStoreAssignment(ConsumerStateStore store) {
        InvocationHandler handler = (proxy, method, args) -> {
            Object result;
            try {
                result = method.invoke(store, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (method.getName().equals("storeAssignment") && holdNextAssignment.compareAndSet(true, false)) {
                assignmentStored.countDown();
                proceed.await();
            }
            return result;
        };
        return (ConsumerStateStore) Proxy.newProxyInstance(ConsumerStateStore.class.getClassLoader(),
                new Class<?>[] {ConsumerStateStore.class}, handler);
    }

    private static Map<Integer, List<Long>> pollUntil(ConsumerService replica, String group, String member,
                                                      int expected) {
        Map<Integer, List<Long>> seen = new HashMap<>();
        long deadline = System.currentTimeMillis() + 20_000;
        while (seen.values().stream().mapToInt(List::size).sum() < expected
                && System.currentTimeMillis() < deadline) {
            poll(replica, group, member).forEach((p, offsets) ->
                    seen.computeIfAbsent(p, k -> new ArrayList<>()).addAll(offsets));
        }
        return seen;
    }

    /** @return partition to the offsets one poll returned; each record's value must name its offset */
    private static Map<Integer, List<Long>> poll(ConsumerService replica, String group, String member) {
        Map<Integer, List<Long>> seen = new HashMap<>();
        replica.poll(group, member, KafkaIdentity.ANONYMOUS, Optional.empty(), Optional.of(300L), Optional.empty(),
                format -> record -> record).records().forEach(r -> {
                    assertEquals("p" + r.partition() + "-" + r.offset(),
                            new String(r.value().orElseThrow(), StandardCharsets.UTF_8));
                    seen.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r.offset());
                });
        return seen;
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
        return TestKafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
    }

    private static void send(String topic, int partition, int offset) throws Exception {
        producer.send(new ProducerRecord<>(topic, partition, null,
                ("p" + partition + "-" + offset).getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
    }

    private static List<Long> range(long from, long to) {
        List<Long> result = new ArrayList<>();
        for (long i = from; i < to; i++) {
            result.add(i);
        }
        return result;
    }
}
