package io.github.krest.proxy.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.state.PartitionRef;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * This replica's cache of Kafka consumers used as readers for REST consumer instances: one assign-mode
 * {@code KafkaConsumer<byte[], byte[]>} per active instance (never {@code subscribe()}, no group membership, no
 * auto-commit, krest's defaults where the configuration sets nothing: {@link #readerProperties}), bounded in
 * size and evicted when idle; eviction closes the consumer. Losing an entry costs a seek on the next poll, never
 * a rebalance (docs/architecture.md, poll step 4).
 *
 * <p>With {@code kafka.principal.propagation} on, a reader authenticates to Kafka as the caller that polls, and
 * remembers which caller (principal and a hash of the credential, {@link KafkaIdentity#cacheKey()}): a request by
 * anyone else, or by the same principal with another password or token, never gets it; it gets a new reader
 * created with its own credentials instead.
 */
public final class ConsumerReaders implements AutoCloseable {
    private final KrestConfig config;
    private final PrincipalPropagation propagation;
    private final String replicaId;
    private final Cache<Key, Reader> cache;
    private final AtomicLong sequence = new AtomicLong();

    /** Cache key: group and instance name. */
    public record Key(String group, String instance) {
    }

    /**
     * A cached reader. Use it only while holding {@link #lock()}: a {@code KafkaConsumer} is single-threaded.
     * {@link #expectedPositions()} is where the consumer will fetch next per partition, so a poll can tell which
     * partitions need a seek.
     */
    public static final class Reader {
        private final Consumer<byte[], byte[]> consumer;
        private final String caller;
        private final ReentrantLock lock = new ReentrantLock();
        private final Map<PartitionRef, Long> expectedPositions = new HashMap<>();

        Reader(Consumer<byte[], byte[]> consumer, String caller) {
            this.consumer = consumer;
            this.caller = caller;
        }

        /** @return the Kafka consumer */
        public Consumer<byte[], byte[]> consumer() {
            return consumer;
        }

        /** @return the lock that makes one request at a time the user of this reader */
        public ReentrantLock lock() {
            return lock;
        }

        /** @return where the consumer fetches next per assigned partition, as last observed (mutable) */
        public Map<PartitionRef, Long> expectedPositions() {
            return expectedPositions;
        }
    }

    /**
     * @param config krest configuration ({@code client.*}, {@code consumer.*}, cache size and idle time)
     * @param replicaId this replica's id, part of client ids
     */
    public ConsumerReaders(KrestConfig config, String replicaId) {
        this.config = config;
        this.propagation = PrincipalPropagation.of(config.getString(KrestConfig.KAFKA_PRINCIPAL_PROPAGATION));
        this.replicaId = replicaId;
        this.cache = Caffeine.newBuilder()
                .maximumSize(config.getInt(KrestConfig.CONSUMER_CACHE_MAX_SIZE))
                .expireAfterAccess(Duration.ofMillis(config.getLong(KrestConfig.CONSUMER_CACHE_IDLE_MS)))
                .removalListener((Key k, Reader r, RemovalCause cause) -> {
                    if (r != null) {
                        closeQuietly(r);
                    }
                })
                .build();
    }

    /**
     * The reader of an instance, created on a miss.
     *
     * @param key group and instance
     * @param identity the caller; with propagation on, the reader authenticates as the caller, and a reader cached
     *                 for another caller (or another credential) is replaced
     * @param autoOffsetReset what the reader does when a stored position is out of range
     *                        ({@code earliest}, {@code latest}, {@code none})
     * @return the reader
     * @throws io.github.krest.proxy.error.RestException 401/40101 when propagation is on and the caller has no
     *         credential it can use
     */
    public Reader reader(Key key, KafkaIdentity identity, String autoOffsetReset) {
        if (propagation == PrincipalPropagation.NONE) {
            return cache.get(key, k -> new Reader(create(autoOffsetReset, Map.of()), ""));
        }
        String caller = identity.cacheKey();
        Map<String, Object> sasl = KafkaClients.saslProperties(propagation, identity);
        Reader cached = cache.getIfPresent(key);
        if (cached != null && cached.caller.equals(caller)) {
            return cached;
        }
        // another caller's reader (or none): replace it; the removal listener closes the old one
        return cache.asMap().compute(key, (k, old) -> old != null && old.caller.equals(caller) ? old
                : new Reader(create(autoOffsetReset, sasl), caller));
    }

    /**
     * Drops an instance's reader (deleted, expired, or its state became uncertain).
     *
     * @param key group and instance
     */
    public void invalidate(Key key) {
        cache.invalidate(key);
    }

    /** @return how many readers this replica holds now */
    public long size() {
        return cache.estimatedSize();
    }

    private Consumer<byte[], byte[]> create(String autoOffsetReset, Map<String, Object> sasl) {
        Map<String, Object> props = readerProperties(config, autoOffsetReset);
        if (!sasl.isEmpty()) {
            KafkaClients.asCaller(props, sasl);
        }
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "krest-reader-" + replicaId + "-" + sequence.incrementAndGet());
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * The Kafka consumer settings of a reader: {@code client.*} and {@code consumer.*} with their prefixes
     * stripped, no {@code group.id}, auto-commit off, {@code auto.offset.reset} from the instance, and krest's
     * defaults where the configuration sets nothing: {@code fetch.max.wait.ms} 100, {@code receive.buffer.bytes}
     * -1.
     *
     * @param config krest's configuration
     * @param autoOffsetReset the instance's {@code auto.offset.reset}
     * @return a new mutable map (without {@code client.id} and caller credentials, which {@code create} adds)
     */
    static Map<String, Object> readerProperties(KrestConfig config, String autoOffsetReset) {
        Map<String, Object> props = config.clientProperties("consumer");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, autoOffsetReset);
        // after a seek (another replica moved the position, or max_bytes cut the last poll) the next fetch waits
        // for the previous long fetch to return: Kafka's 500 ms default would delay such polls by half a second
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        // a reader spends most of a poll outside KafkaConsumer.poll (rendering what it fetched, waiting for the
        // next HTTP poll), and only inside it does the consumer read its socket: with Kafka's 64 KiB default the
        // prefetched batch (up to max.partition.fetch.bytes, 1 MiB) stays mostly on the broker's side until then,
        // and after a seek the stale prefetch must be received whole before the fetch from the new position is
        // sent. The operating system's self-tuning buffer takes in the whole batch while the reader works
        props.putIfAbsent(ConsumerConfig.RECEIVE_BUFFER_CONFIG, -1);
        return props;
    }

    private static void closeQuietly(Reader reader) {
        // a reader may be in use by a request that is finishing; close once it is released
        Thread.ofVirtual().start(() -> {
            reader.lock().lock();
            try {
                reader.consumer().close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException ignored) {
                // closing is best effort
            } finally {
                reader.lock().unlock();
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
