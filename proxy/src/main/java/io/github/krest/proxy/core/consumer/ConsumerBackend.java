package io.github.krest.proxy.core.consumer;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.github.krest.proxy.core.CommittedOffset;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.proxy.record.ConsumedRecord;
import io.github.krest.state.PartitionRef;

/**
 * Kafka as the v2 consumer protocol sees it: topic metadata and a group's offsets as one identity
 * ({@link Cluster}), and this replica's cached assign-mode reader of an instance ({@link Reader}). The protocol
 * (leases, rebalances, positions, commits, the read loop) knows Kafka only through this interface, so its unit tests
 * run on a fake; {@link KafkaConsumerBackend} is the real one, over the replica's Kafka sessions and reader cache.
 */
interface ConsumerBackend {

    /** @return whether requests act as their callers in Kafka ({@code kafka.principal.propagation} is on) */
    boolean propagating();

    /**
     * @param caller the request's caller
     * @return Kafka as the caller sees it (the service principal's view when propagation is off)
     * @throws io.github.krest.proxy.error.RestException 401/40101 when propagation is on and the caller has no
     *         credential it can use
     */
    Cluster cluster(KafkaIdentity caller);

    /**
     * @return Kafka as the service principal sees it: for what runs without a caller (group assignment, the expiry
     *         sweep and its commits, commits of positions a rebalance revokes from other members)
     */
    Cluster service();

    /**
     * This replica's reader of an instance, created on a miss.
     *
     * @param group group id
     * @param instance instance name
     * @param caller the polling caller (under propagation the reader reads as the caller)
     * @param autoOffsetReset what the reader does when a position is out of range
     * @return the reader
     */
    Reader reader(String group, String instance, KafkaIdentity caller, String autoOffsetReset);

    /**
     * Drops an instance's reader on this replica (deleted, expired, or its state became uncertain): the next poll
     * starts a fresh one, which costs a seek, never a record.
     *
     * @param group group id
     * @param instance instance name
     */
    void dropReader(String group, String instance);

    /**
     * Topic metadata and a consumer group's offsets in Kafka, as one identity. Offsets are committed under the
     * group's id (docs/architecture.md, "Commits and handover").
     */
    interface Cluster {
        /** @return the names of the topics this identity may see */
        List<String> topicNames();

        /**
         * @param topic topic name
         * @return its partition count, empty when the topic does not exist (or is hidden from this identity)
         */
        Optional<Integer> partitionCount(String topic);

        /**
         * @param group group id
         * @throws io.github.krest.proxy.error.RestException 403/40301 when this identity may not read the group
         */
        void requireGroupRead(String group);

        /**
         * @param group group id
         * @param partitions partitions to look up
         * @return committed offsets of those that have one
         */
        Map<PartitionRef, CommittedOffset> committed(String group, Collection<PartitionRef> partitions);

        /**
         * @param group group id
         * @param offsets partition to next offset and metadata
         * @return completes when Kafka has stored them (at once when there are none); fails with 409/40903 when
         *         the group has native members
         */
        CompletableFuture<Void> commit(String group, Map<PartitionRef, CommittedOffset> offsets);

        /** @return the earliest offset of each partition */
        Map<PartitionRef, Long> earliest(Collection<PartitionRef> partitions);

        /** @return the latest (next) offset of each partition */
        Map<PartitionRef, Long> latest(Collection<PartitionRef> partitions);

        /**
         * @param timestamps partition to epoch ms
         * @return per partition the first offset at or after the time, else the latest offset
         */
        Map<PartitionRef, Long> forTimestamps(Map<PartitionRef, Long> timestamps);
    }

    /**
     * An instance's reader on this replica: an assign-mode consumer that remembers where it will fetch next, so a
     * poll seeks only where the stored positions differ. One request at a time uses it, between {@link #tryLock}
     * and {@link #unlock}.
     */
    interface Reader {
        /**
         * @param timeoutMs how long to wait for another request that uses the reader
         * @return whether the caller now holds the reader
         * @throws InterruptedException when interrupted while waiting
         */
        boolean tryLock(long timeoutMs) throws InterruptedException;

        /** Lets the next request use the reader. */
        void unlock();

        /**
         * Aligns the reader with the stored state: assigns exactly {@code partitions} and seeks those whose stored
         * position is not where the reader would fetch next. A warm reader does nothing.
         *
         * @param partitions the partitions to read
         * @param positions the next offset to deliver of each of them
         */
        void moveTo(List<PartitionRef> partitions, Map<PartitionRef, Long> positions);

        /**
         * Fetches what is there, waiting up to {@code timeout} when nothing is.
         *
         * @param timeout the longest wait
         * @return per partition (in fetch order) its records in offset order; no entry for a partition without
         *         records
         */
        Map<PartitionRef, List<ConsumedRecord>> fetch(Duration timeout);

        /**
         * @param partitions the partitions read
         * @return whether, at the last fetch, the broker had records past what the reader fetched, for any of them
         */
        boolean behind(List<PartitionRef> partitions);

        /**
         * Remembers where the reader will fetch next, after a read, so that the next poll here needs no seek.
         *
         * @param partitions the partitions read
         */
        void notePositions(List<PartitionRef> partitions);
    }
}
