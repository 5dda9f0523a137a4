package io.github.krest.state.memory;

import io.github.krest.state.ConsumerInstance;
import io.github.krest.state.PartitionRef;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One consumer instance as {@link InMemoryConsumerStateStore} keeps it: the instance record and its expiry, its
 * positions, its last commit and its poll lease (the Redis store's instance hash and positions hash in one object).
 *
 * <p>Mutable and not thread-safe: the store's lock guards it.
 */
final class InMemoryInstance {
    ConsumerInstance instance;
    /** Epoch ms; the instance is gone at and after it. */
    long expiresAtMs;
    /** Epoch ms of the last commit, at first the creation time. */
    long lastCommitMs;
    /** The next offset to read per partition. */
    final Map<PartitionRef, Long> positions = new HashMap<>();
    /** The fencing token of the lease held; 0 when no lease is held. */
    private long leaseToken;
    private long leaseExpiresAtMs;
    private String leaseHolder = "";

    InMemoryInstance(ConsumerInstance instance, long expiresAtMs) {
        this.instance = instance;
        this.expiresAtMs = expiresAtMs;
        this.lastCommitMs = instance.createdMs();
    }

    boolean aliveAt(long nowMs) {
        return expiresAtMs > nowMs;
    }

    String name() {
        return instance.name();
    }

    /** Whether another poll's lease is still running at {@code nowMs}. */
    boolean leasedAt(long nowMs) {
        return leaseToken != 0 && leaseExpiresAtMs > nowMs;
    }

    /** The replica that holds the lease (empty when none). */
    String leaseHolder() {
        return leaseHolder;
    }

    /** Epoch ms at which the lease held runs out. */
    long leaseExpiresAtMs() {
        return leaseExpiresAtMs;
    }

    /** Takes the lease under {@code token} until {@code expiresAtMs} for {@code replicaId}. */
    void lease(long token, long expiresAtMs, String replicaId) {
        leaseToken = token;
        leaseExpiresAtMs = expiresAtMs;
        leaseHolder = replicaId;
    }

    /**
     * Ends the lease taken under {@code fencingToken}.
     *
     * @return false, changing nothing, when that lease is no longer held (expired and taken over, or never held)
     */
    boolean release(long fencingToken) {
        if (fencingToken <= 0 || leaseToken != fencingToken) {
            return false;
        }
        leaseToken = 0;
        leaseHolder = "";
        return true;
    }

    /**
     * Drops the positions of the partitions not in {@code keep}.
     *
     * @return the positions dropped
     */
    Map<PartitionRef, Long> dropPositionsOutside(Set<PartitionRef> keep) {
        Map<PartitionRef, Long> dropped = new HashMap<>();
        positions.entrySet().removeIf(e -> {
            if (keep.contains(e.getKey())) {
                return false;
            }
            dropped.put(e.getKey(), e.getValue());
            return true;
        });
        return dropped;
    }
}
