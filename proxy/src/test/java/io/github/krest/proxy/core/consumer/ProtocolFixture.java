package io.github.krest.proxy.core.consumer;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.github.krest.proxy.core.TrafficMeter;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.proxy.record.ConsumedRecord;
import io.github.krest.state.memory.InMemoryConsumerStateStore;

/**
 * Replicas of the consumer protocol for unit tests: {@link ConsumerService}s over one in-memory state store and one
 * {@link FakeKafka}, on a clock that tests move forward ({@link #advance}) to let
 * leases lapse, members time out and instances expire without waiting.
 */
final class ProtocolFixture implements AutoCloseable {
    static final long LEASE_MS = 1_000 + ConsumerSettings.LEASE_MARGIN_MS;
    static final ConsumerSettings SETTINGS = new ConsumerSettings(
            60_000,      // consumer.instance.timeout.ms
            1_000,       // consumer.request.timeout.ms
            1_000,       // consumer.request.timeout.max.ms; a poll of timeout 1000 holds its lease LEASE_MS
            64L << 20,   // consumer.request.max.bytes
            -1,          // fetch.min.bytes
            30_000,      // consumer.session.timeout.ms
            5_000,       // auto.commit.interval.ms
            20_000,      // metadata.cache.max.age.ms
            "");

    final InMemoryConsumerStateStore store = new InMemoryConsumerStateStore();
    final FakeKafka kafka = new FakeKafka(this::now);
    private final AtomicLong skew = new AtomicLong();

    /** One replica: the service and its view of Kafka. */
    record Replica(ConsumerService service, FakeKafka.Replica kafka) {
    }

    Replica replica(String id) {
        FakeKafka.Replica backend = kafka.replica();
        return new Replica(new ConsumerService(store, backend, SETTINGS, id, this::now, TrafficMeter.NONE),
                backend);
    }

    long now() {
        return System.currentTimeMillis() + skew.get();
    }

    /** Moves the clock forward. */
    void advance(long ms) {
        skew.addAndGet(ms);
    }

    /** Creates an instance: binary format, the given {@code auto.offset.reset} and {@code auto.commit.enable}. */
    static void create(ConsumerService service, String group, String name, String reset, boolean autoCommit) {
        service.create(group, new ConsumerService.CreateRequest(Optional.of(name), Optional.empty(),
                Optional.empty(), Optional.of(reset), Optional.of(Boolean.toString(autoCommit)), Optional.empty(),
                Optional.empty()), KafkaIdentity.ANONYMOUS);
    }

    /** One poll waiting at most {@code timeoutMs}, records as read. */
    static List<ConsumedRecord> poll(ConsumerService service, String group, String name, long timeoutMs) {
        return service.poll(group, name, KafkaIdentity.ANONYMOUS, Optional.empty(), Optional.of(timeoutMs),
                Optional.empty(), format -> record -> record).records();
    }

    /** @return the records' {@code partition:offset}s, in order */
    static List<String> at(List<ConsumedRecord> records) {
        return records.stream().map(r -> r.partition() + ":" + r.offset()).toList();
    }

    /**
     * @return the records' {@code partition:offset}s, partition by partition: a poll keeps each partition's order but
     *         not an order across partitions (it starts at a different partition each time, as Kafka's fetches do)
     */
    static List<String> byPartition(List<ConsumedRecord> records) {
        return records.stream().sorted(java.util.Comparator.comparingInt(ConsumedRecord::partition))
                .map(r -> r.partition() + ":" + r.offset()).toList();
    }

    /** @return {@code partition:offset} for offsets {@code from} (inclusive) to {@code to} (exclusive) */
    static List<String> range(int partition, long from, long to) {
        List<String> result = new java.util.ArrayList<>();
        for (long o = from; o < to; o++) {
            result.add(partition + ":" + o);
        }
        return result;
    }

    /** Runs a request on a virtual thread of its own, as a concurrent client would. */
    static <T> CompletableFuture<T> async(Supplier<T> request) {
        return CompletableFuture.supplyAsync(request, task -> Thread.ofVirtual().start(task));
    }

    @Override
    public void close() {
        kafka.releaseBlockedFetches();
        store.close();
    }
}
