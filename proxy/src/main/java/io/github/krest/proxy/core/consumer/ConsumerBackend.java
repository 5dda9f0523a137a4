package io.github.krest.proxy.core.consumer;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.github.krest.proxy.core.CommittedOffset;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.proxy.kafka.PartitionWindows;
import io.github.krest.state.PartitionRef;

/**
 * Kafka as the v2 consumer protocol sees it: topic metadata and a group's offsets as one identity
 * ({@link Cluster}), and records by partition and offset from this replica's shared read windows ({@link #take},
 * {@link #await}). The protocol (leases, rebalances, positions, commits, the read loop) knows Kafka only through this
 * interface, so its unit tests run on a fake; {@link KafkaConsumerBackend} is the real one, over the replica's Kafka
 * sessions and {@link PartitionWindows}.
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
     * Takes records of a partition from an offset, without waiting, from this replica's shared read windows
     * ({@link PartitionWindows#take}).
     *
     * @param caller the polling caller (under propagation the windows read as the caller)
     * @param partition the partition
     * @param from the next offset to deliver
     * @param maxBytes most key + value bytes to return (one record more when the first alone is larger)
     * @return the records from {@code from} on, where to read next, and whether the offset is out of range
     * @throws RuntimeException Kafka's answer to the window's last fetch (e.g. an authorization failure)
     */
    PartitionWindows.Take take(KafkaIdentity caller, PartitionRef partition, long from, long maxBytes);

    /**
     * Waits until any partition has records at or after its offset, or until the deadline
     * ({@link PartitionWindows#await}).
     *
     * @param caller the polling caller
     * @param from per partition, the next offset to deliver
     * @param deadlineMs epoch ms
     * @throws InterruptedException when interrupted while waiting
     */
    void await(KafkaIdentity caller, Map<PartitionRef, Long> from, long deadlineMs) throws InterruptedException;

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
}
