package io.github.krest.proxy.core.consumer;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.state.ConsumerStateStore;
import io.github.krest.state.LeaseBusyException;
import io.github.krest.state.PartitionRef;
import io.github.krest.state.PollLease;
import io.github.krest.state.SubscriptionMode;

/**
 * The leases that make one request at a time the user of an instance (docs/architecture.md, "Leases and fencing"):
 * taking one (steps 1 and 2 of a poll: rebalancing the group first when its membership or its topics changed),
 * waiting with backoff while another request holds it, ending it (storing positions only while its fencing token
 * holds), and ending every lease this replica still holds when it stops.
 */
final class InstanceLeases {
    private static final long BACKOFF_MS = 20;
    private static final long MAX_BACKOFF_MS = 200;

    private final ConsumerStateStore store;
    private final GroupCoordinator coordinator;
    private final HandoverCommits handover;
    private final ConsumerSettings settings;
    private final String replicaId;
    private final LongSupplier clock;
    /** Leases this replica holds now (requests in flight), so that {@link #releaseAll()} can end them. */
    private final Set<HeldLease> held = ConcurrentHashMap.newKeySet();

    /**
     * @param store the consumer state store
     * @param coordinator computes and stores group assignments
     * @param handover commits the positions a rebalance revokes
     * @param settings consumer settings (session and instance timeouts, the request timeout)
     * @param replicaId this replica's id, written into its leases
     * @param clock epoch-ms clock
     */
    InstanceLeases(ConsumerStateStore store, GroupCoordinator coordinator, HandoverCommits handover,
                   ConsumerSettings settings, String replicaId, LongSupplier clock) {
        this.store = store;
        this.coordinator = coordinator;
        this.handover = handover;
        this.settings = settings;
        this.replicaId = replicaId;
        this.clock = clock;
    }

    private record HeldLease(String group, String name, long fencingToken) {
    }

    /**
     * Leases an instance, rebalancing its group first when needed; waits while another request holds it.
     *
     * @param group group id
     * @param name instance name
     * @param caller the caller, whose principal must own the instance
     * @param waitUntil epoch ms: give up waiting for a busy lease then
     * @param holdMs how long the request may take (ms); the lease holds that plus
     *     {@link ConsumerSettings#LEASE_MARGIN_MS}; empty: the instance's own {@code consumer.request.timeout.ms}
     * @return the lease, or empty when the instance stayed busy until {@code waitUntil}
     * @throws io.github.krest.state.InstanceNotFoundException when the instance does not exist, has expired or
     *         belongs to another principal (404/40403)
     */
    Optional<PollLease> take(String group, String name, KafkaIdentity caller, long waitUntil, OptionalLong holdMs) {
        long backoff = BACKOFF_MS;
        while (true) {
            long now = clock.getAsLong();
            PollLease lease;
            try {
                lease = store.beginPoll(group, name, caller.principal(), replicaId, now, holdMs,
                        ConsumerSettings.LEASE_MARGIN_MS, settings.sessionTimeoutMs(), settings.instanceTimeoutMs());
            } catch (LeaseBusyException busy) {
                if (now >= waitUntil) {
                    return Optional.empty();
                }
                sleepUntil(Math.min(waitUntil, now + backoff));
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
                continue;
            }
            if (lease.rebalanceNeeded()) {
                handover.commitRevoked(group, coordinator.rebalance(group));
                if (now >= waitUntil + settings.requestTimeoutMs()) {
                    return Optional.empty();
                }
                continue;
            }
            held.add(new HeldLease(group, name, lease.fencingToken()));
            if (lease.instance().subscription().mode() == SubscriptionMode.SUBSCRIBE) {
                Optional<Map<String, Map<PartitionRef, Long>>> reassigned =
                        coordinator.refreshIfMetadataChanged(group);
                if (reassigned.isPresent()) {
                    // the lease's partitions are stale: release it and lease again under the new assignment
                    end(group, name, lease.fencingToken(), Map.of());
                    handover.commitRevoked(group, reassigned.get());
                    continue;
                }
            }
            return Optional.of(lease);
        }
    }

    /**
     * {@link ConsumerStateStore#endPoll} for a lease this replica took, which it then no longer holds. The lease stays
     * held until the store call is over, so that a shutdown's {@link #releaseAll} still ends it when this call fails
     * (the request interrupted, the store closed under it); the fencing token makes a second end of the same lease a
     * no-op, and once either ended it the other's positions are refused.
     *
     * @param group group id
     * @param name instance name
     * @param fencingToken the lease's token
     * @param positions the positions to store, partition to next offset; empty to just release
     * @return whether the token still held, so the positions were stored; false when the lease lapsed and another
     *         request took it over, or {@link #releaseAll} ended it
     */
    boolean end(String group, String name, long fencingToken, Map<PartitionRef, Long> positions) {
        HeldLease lease = new HeldLease(group, name, fencingToken);
        if (!held.contains(lease)) {
            // released by releaseAll() on shutdown: nothing may be written under it any more
            return false;
        }
        try {
            return store.endPoll(group, name, fencingToken, positions);
        } finally {
            held.remove(lease);
        }
    }

    /**
     * Ends every lease this replica still holds, without storing positions, so that another replica's next request
     * on those instances proceeds at once instead of waiting for the leases to lapse.
     *
     * @return how many leases were released
     */
    int releaseAll() {
        int released = 0;
        for (HeldLease lease : List.copyOf(held)) {
            if (!held.remove(lease)) {
                continue;
            }
            try {
                if (store.endPoll(lease.group(), lease.name(), lease.fencingToken(), Map.of())) {
                    released++;
                }
            } catch (RuntimeException e) {
                // the store is unreachable: the lease lapses on its own
            }
        }
        return released;
    }

    /**
     * Sleeps until the clock reaches {@code deadline}; returns early, with the interrupt flag set, when interrupted.
     *
     * @param deadline epoch ms
     */
    void sleepUntil(long deadline) {
        long ms = deadline - clock.getAsLong();
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
