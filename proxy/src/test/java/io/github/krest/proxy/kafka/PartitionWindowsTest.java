package io.github.krest.proxy.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.record.ConsumedRecord;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.state.PartitionRef;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared read windows against a real broker (docs/architecture.md, "Shared read windows"): readers of the same
 * partition at the same offsets share one window and one Kafka consumer, whatever their number; readers far apart get
 * windows of their own; every reader gets every record from its offset on, in order, once; a window keeps at most
 * its bytes; an offset before the log start is reported out of range; and under principal propagation each caller
 * (and credential) has windows of its own.
 */
class PartitionWindowsTest {
    private static final KafkaIdentity ANYONE = KafkaIdentity.ANONYMOUS;

    private static KafkaIdentity user(String name, String password) {
        return new KafkaIdentity(name, new KafkaIdentity.Credential.Password(name, password));
    }

    private static KrestConfig config(String... extra) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of(KrestConfig.BOOTSTRAP_SERVERS,
                TestKafka.bootstrapServers(), "consumer.fetch.max.wait.ms", "50"));
        for (int i = 0; i < extra.length; i += 2) {
            settings.put(extra[i], extra[i + 1]);
        }
        return new KrestConfig(settings);
    }

    @Test
    void readersTakeTheConsumerSettingsWithKrestsDefaultsWhereNoneIsSet() {
        Map<String, Object> defaults = KafkaClients.readerProperties(new KrestConfig(Map.of(
                KrestConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9", "consumer.group.id", "ignored",
                "consumer.max.poll.records", "200")), "latest");
        assertEquals(100, defaults.get("fetch.max.wait.ms"));
        assertEquals(-1, defaults.get("receive.buffer.bytes"), "the operating system's self-tuning buffer");
        assertEquals("200", defaults.get("max.poll.records"));
        assertEquals("latest", defaults.get("auto.offset.reset"));
        assertEquals(false, defaults.get("enable.auto.commit"));
        assertFalse(defaults.containsKey("group.id"), "readers are assign-mode consumers without a group");

        Map<String, Object> set = KafkaClients.readerProperties(new KrestConfig(Map.of(
                KrestConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9", "consumer.fetch.max.wait.ms", "20",
                "client.receive.buffer.bytes", "131072")), "earliest");
        assertEquals("20", set.get("fetch.max.wait.ms"));
        assertEquals("131072", set.get("receive.buffer.bytes"));
    }

    @Test
    void manyReadersAtTheTailShareOneWindowAndEachGetsEveryRecordOnceInOrder() throws Exception {
        String topic = TestKafka.createTopic("windows-fanout", 1);
        PartitionRef p = new PartitionRef(topic, 0);
        int readers = 200;
        int records = 300;
        try (PartitionWindows windows = new PartitionWindows(config(), "test")) {
            List<CompletableFuture<List<Long>>> read = new ArrayList<>();
            for (int i = 0; i < readers; i++) {
                read.add(CompletableFuture.supplyAsync(() -> readUntil(windows, ANYONE, p, 0, records),
                        task -> Thread.ofVirtual().start(task)));
            }
            produce(topic, records, 100);
            for (CompletableFuture<List<Long>> r : read) {
                assertEquals(offsets(0, records), r.get(60, TimeUnit.SECONDS));
            }
            assertEquals(1, windows.windowCount(), "one window for " + readers + " readers of one partition");
            assertEquals(1, windows.fetcherCount(), "one Kafka consumer");
        }
    }

    @Test
    void readersFarApartGetWindowsOfTheirOwnAndMissNothing() throws Exception {
        String topic = TestKafka.createTopic("windows-apart", 1);
        PartitionRef p = new PartitionRef(topic, 0);
        produce(topic, 500, 100);
        try (PartitionWindows windows = new PartitionWindows(config(), "test")) {
            CompletableFuture<List<Long>> tail = CompletableFuture.supplyAsync(
                    () -> readUntil(windows, ANYONE, p, 500, 600), task -> Thread.ofVirtual().start(task));
            CompletableFuture<List<Long>> fromStart = CompletableFuture.supplyAsync(
                    () -> readUntil(windows, ANYONE, p, 0, 600), task -> Thread.ofVirtual().start(task));
            CompletableFuture<List<Long>> middle = CompletableFuture.supplyAsync(
                    () -> readUntil(windows, ANYONE, p, 250, 600), task -> Thread.ofVirtual().start(task));
            produce(topic, 100, 100);
            assertEquals(offsets(500, 600), tail.get(60, TimeUnit.SECONDS));
            assertEquals(offsets(0, 600), fromStart.get(60, TimeUnit.SECONDS));
            assertEquals(offsets(250, 600), middle.get(60, TimeUnit.SECONDS));
            assertTrue(windows.windowCount() <= 3, "at most one window per reader: " + windows.windowCount());
        }
    }

    @Test
    void aWindowKeepsAtMostItsBytes() throws Exception {
        String topic = TestKafka.createTopic("windows-bounded", 1);
        PartitionRef p = new PartitionRef(topic, 0);
        produce(topic, 2_000, 1_000);
        long windowBytes = 64 * 1024;
        long fetchBytes = 16 * 1024;
        try (PartitionWindows windows = new PartitionWindows(config("consumer.read.window.bytes",
                Long.toString(windowBytes), "consumer.max.partition.fetch.bytes", Long.toString(fetchBytes)),
                "test")) {
            List<Long> read = readUntil(windows, ANYONE, p, 0, 2_000);
            assertEquals(2_000, read.size());
            assertEquals(offsets(0, 2_000), read);
            // records read are dropped beyond the window's bytes; one fetch may come on top (see the class comment)
            assertTrue(windows.cachedBytes() <= windowBytes + fetchBytes + 2 * 1_200,
                    windows.cachedBytes() + " bytes held");
        }
    }

    @Test
    void anOffsetBeforeTheLogStartIsOutOfRange() throws Exception {
        String topic = TestKafka.createTopic("windows-deleted", 1);
        PartitionRef p = new PartitionRef(topic, 0);
        produce(topic, 10, 10);
        TestKafka.admin().deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(5)))
                .all().get(30, TimeUnit.SECONDS);
        try (PartitionWindows windows = new PartitionWindows(config(), "test")) {
            long deadline = System.currentTimeMillis() + 30_000;
            PartitionWindows.Take take = windows.take(ANYONE, p, 2, 1 << 20);
            while (!take.outOfRange() && System.currentTimeMillis() < deadline) {
                assertTrue(take.records().isEmpty(), "no record before the log start: " + take.records());
                windows.await(ANYONE, Map.of(p, 2L), System.currentTimeMillis() + 1_000);
                take = windows.take(ANYONE, p, 2, 1 << 20);
            }
            assertTrue(take.outOfRange());
            assertEquals(offsets(5, 10), readUntil(windows, ANYONE, p, 5, 10), "the log from its start reads on");
        }
    }

    @Test
    void underPropagationEachCallerAndCredentialHasWindowsOfItsOwn() {
        // the consumers are created but reach no broker: nothing is fetched, only the windows' keys matter
        KrestConfig config = new KrestConfig(Map.of(KrestConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9",
                "client.security.protocol", "SASL_PLAINTEXT",
                KrestConfig.KAFKA_PRINCIPAL_PROPAGATION, "SASL_PLAIN", KrestConfig.AUTHENTICATION_METHOD, "BASIC"));
        PartitionRef p = new PartitionRef("t", 0);
        try (PartitionWindows windows = new PartitionWindows(config, "test")) {
            windows.take(user("alice", "a"), p, 0, 100);
            windows.take(user("alice", "a"), p, 0, 100);
            assertEquals(1, windows.windowCount());
            windows.take(user("bob", "b"), p, 0, 100);
            assertEquals(2, windows.windowCount(), "bob never reads through alice's window");
            windows.take(user("bob", "other password"), p, 0, 100);
            assertEquals(3, windows.windowCount(), "nor through one made with another credential");
            assertEquals(3, windows.fetcherCount(), "each as its own Kafka client");
            RestException e = assertThrows(RestException.class, () -> windows.take(ANYONE, p, 0, 100));
            assertEquals(40101, e.errorCode().code());
        }
    }

    /** Reads from {@code from} until offset {@code to} (exclusive) was read, as a poll loop would. */
    private static List<Long> readUntil(PartitionWindows windows, KafkaIdentity caller, PartitionRef p, long from,
                                        long to) {
        List<Long> read = new ArrayList<>();
        long next = from;
        long deadline = System.currentTimeMillis() + 50_000;
        try {
            while (next < to && System.currentTimeMillis() < deadline) {
                PartitionWindows.Take take = windows.take(caller, p, next, 64 * 1024);
                for (ConsumedRecord r : take.records()) {
                    read.add(r.offset());
                }
                next = Math.max(next, take.next());
                if (take.records().isEmpty()) {
                    windows.await(caller, Map.of(p, next), System.currentTimeMillis() + 1_000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return read;
    }

    private static List<Long> offsets(long from, long to) {
        return java.util.stream.LongStream.range(from, to).boxed().toList();
    }

    private static void produce(String topic, int count, int valueBytes) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[] value = "x".repeat(valueBytes).getBytes(StandardCharsets.UTF_8);
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, 0, null, value)));
            }
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
    }
}
