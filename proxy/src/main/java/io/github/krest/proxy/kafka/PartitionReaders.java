package io.github.krest.proxy.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.record.ConsumedRecord;
import io.github.krest.proxy.record.ProduceRecord;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * This replica's readers for stateless reads by offset ({@code GET /topics/{t}/partitions/{p}/records?offset=}):
 * assign-mode {@code KafkaConsumer<byte[], byte[]>}s without a group, each reading one partition for one caller,
 * cached: at most {@code consumer.cache.max.size}
 * of them, each closed after {@code consumer.cache.idle.ms} unused. A partition has up to {@value #SLOTS} readers per
 * caller, so that clients reading it at different offsets do not take turns; a request takes the one that will fetch
 * its offset next if it is free (a client reading on from where its last request ended finds its prefetched records
 * there), else any free one. Readers use {@code auto.offset.reset=none}, so an offset out of range fails the read
 * rather than moving it.
 *
 * <p>With {@code kafka.principal.propagation} on, a reader authenticates as its caller and is found only by the same
 * caller (principal and credential, {@link KafkaIdentity#cacheKey()}), as instance readers are.
 *
 * <p>Also makes the short-lived readers that look for records an earlier produce attempt wrote ({@link #scanner}).
 */
public final class PartitionReaders implements AutoCloseable {
    /** Readers per partition and caller at most. */
    static final int SLOTS = 4;

    private final KrestConfig config;
    private final PrincipalPropagation propagation;
    private final String replicaId;
    private final Cache<Key, Reader> cache;
    private final AtomicLong sequence = new AtomicLong();

    /** Cache key: partition, caller ({@link KafkaIdentity#cacheKey()}, empty without propagation) and slot. */
    private record Key(String topic, int partition, String caller, int slot) {
    }

    /**
     * A cached reader, held by one request at a time: {@link #acquire} returns it locked, {@link #release} unlocks
     * it. {@link #nextOffset()} is where its consumer fetches next, as last observed.
     */
    public static final class Reader {
        private final Consumer<byte[], byte[]> consumer;
        private final Key key;
        private final ReentrantLock lock = new ReentrantLock();
        private volatile long nextOffset = -1;

        private Reader(Consumer<byte[], byte[]> consumer, Key key) {
            this.consumer = consumer;
            this.key = key;
        }

        /** @return the Kafka consumer; use it only between {@link #acquire} and {@link #release} */
        public Consumer<byte[], byte[]> consumer() {
            return consumer;
        }

        /** @return the offset the consumer fetches next, -1 when unknown (then a read seeks) */
        public long nextOffset() {
            return nextOffset;
        }

        /** @param offset where the consumer fetches next after a read, -1 when unknown */
        public void nextOffset(long offset) {
            nextOffset = offset;
        }
    }

    /**
     * @param config krest configuration ({@code client.*}, {@code consumer.*}, {@code consumer.cache.max.size},
     *               {@code consumer.cache.idle.ms}, {@code kafka.principal.propagation})
     * @param replicaId this replica's id, part of client ids
     */
    public PartitionReaders(KrestConfig config, String replicaId) {
        this.config = config;
        this.propagation = PrincipalPropagation.of(config.getString(KrestConfig.KAFKA_PRINCIPAL_PROPAGATION));
        this.replicaId = replicaId;
        this.cache = Caffeine.newBuilder()
                .maximumSize(config.getInt(KrestConfig.CONSUMER_CACHE_MAX_SIZE))
                .expireAfterAccess(Duration.ofMillis(config.getLong(KrestConfig.CONSUMER_CACHE_IDLE_MS)))
                .removalListener((Key k, Reader r, RemovalCause cause) -> {
                    if (r != null) {
                        closeWhenReleased(r);
                    }
                })
                .build();
    }

    /**
     * Takes a reader of a partition for a caller, locked: preferably the one that fetches {@code offset} next, else
     * any free one (creating one while the partition has fewer than {@value #SLOTS}), else the first to come free
     * within {@code waitMs}.
     *
     * @param topic topic name
     * @param partition partition id
     * @param identity the caller
     * @param offset the offset the request reads from
     * @param waitMs longest wait for a busy reader, in ms
     * @return the locked reader, empty when every reader stayed busy
     * @throws io.github.krest.proxy.error.RestException 401/40101 when propagation is on and the caller has no
     *         credential it can use
     */
    public Optional<Reader> acquire(String topic, int partition, KafkaIdentity identity, long offset, long waitMs) {
        String caller = propagation == PrincipalPropagation.NONE ? "" : identity.cacheKey();
        Map<String, Object> sasl = propagation == PrincipalPropagation.NONE ? Map.of()
                : KafkaClients.saslProperties(propagation, identity);
        for (int slot = 0; slot < SLOTS; slot++) {
            Reader warm = cache.getIfPresent(new Key(topic, partition, caller, slot));
            if (warm != null && warm.nextOffset == offset && warm.lock.tryLock()) {
                return Optional.of(warm);
            }
        }
        for (int slot = 0; slot < SLOTS; slot++) {
            Reader reader = cache.get(new Key(topic, partition, caller, slot), k -> new Reader(create(sasl), k));
            if (reader.lock.tryLock()) {
                return Optional.of(reader);
            }
        }
        Reader first = cache.get(new Key(topic, partition, caller, 0), k -> new Reader(create(sasl), k));
        try {
            return first.lock.tryLock(Math.max(0, waitMs), TimeUnit.MILLISECONDS) ? Optional.of(first)
                    : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Gives a reader back after a read.
     *
     * @param reader a reader from {@link #acquire}
     */
    public void release(Reader reader) {
        reader.lock.unlock();
    }

    /**
     * Drops a reader whose state is uncertain (a read failed inside the consumer); it is closed once released.
     *
     * @param reader a reader from {@link #acquire}
     */
    public void invalidate(Reader reader) {
        cache.asMap().remove(reader.key, reader);
    }

    /**
     * A new reader for a one-off scan (looking for the records of an earlier produce attempt), authenticated as the
     * caller under propagation; the caller closes it. It has no group and no position: assign and seek it.
     *
     * @param identity the caller
     * @return the consumer (connects lazily)
     * @throws io.github.krest.proxy.error.RestException 401/40101 when propagation is on and the caller has no
     *         credential it can use
     */
    public Consumer<byte[], byte[]> scanner(KafkaIdentity identity) {
        Map<String, Object> props = properties(propagation == PrincipalPropagation.NONE ? Map.of()
                : KafkaClients.saslProperties(propagation, identity));
        // up to the high watermark whatever consumer.isolation.level says: another producer's open transaction
        // holds the last stable offset back, and the records looked for may lie beyond it
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** @return how many readers this replica holds now */
    public long size() {
        return cache.estimatedSize();
    }

    /**
     * A consumed record as the core sees it.
     *
     * @param r a record from a reader
     * @return the same record without Kafka's types
     */
    public static ConsumedRecord consumed(ConsumerRecord<byte[], byte[]> r) {
        Header[] raw = r.headers().toArray();
        List<ProduceRecord.Header> headers = raw.length == 0 ? List.of() : new ArrayList<>(raw.length);
        for (Header h : raw) {
            headers.add(new ProduceRecord.Header(h.key(), Optional.ofNullable(h.value())));
        }
        return new ConsumedRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), Optional.ofNullable(r.key()),
                Optional.ofNullable(r.value()), headers);
    }

    private Consumer<byte[], byte[]> create(Map<String, Object> sasl) {
        return new KafkaConsumer<>(properties(sasl), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private Map<String, Object> properties(Map<String, Object> sasl) {
        Map<String, Object> props = KafkaClients.readerProperties(config, "none");
        if (!sasl.isEmpty()) {
            KafkaClients.asCaller(props, sasl);
        }
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "krest-partition-reader-" + replicaId + "-"
                + sequence.incrementAndGet());
        return props;
    }

    private static void closeWhenReleased(Reader reader) {
        // a reader may be in use by a request that is finishing; close once it is released
        Thread.ofVirtual().start(() -> {
            reader.lock.lock();
            try {
                reader.consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException ignored) {
                // closing is best effort
            } finally {
                reader.lock.unlock();
            }
        });
    }

    /** Closes every reader. */
    @Override
    public void close() {
        cache.invalidateAll();
        cache.cleanUp();
    }
}
