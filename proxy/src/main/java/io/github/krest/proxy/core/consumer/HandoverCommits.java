package io.github.krest.proxy.core.consumer;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import io.github.krest.proxy.core.CommittedOffset;
import io.github.krest.proxy.core.KafkaOffsets;
import io.github.krest.state.ConsumerStateStore;
import io.github.krest.state.PartitionRef;

/**
 * Commits the positions an auto-commit instance gives up (a rebalance revokes them, its subscription changes, it is
 * deleted or swept), then ends their handover in the state store, since Kafka now answers the same offsets. The
 * store handed those positions over to the partitions' next owners in the same step that dropped them
 * (docs/architecture.md, "Commits and handover"), so no poll waits for these commits; a failed commit leaves the
 * handover in place.
 */
final class HandoverCommits {
    private final ConsumerStateStore store;
    private final ConsumerBackend kafka;
    private final LongSupplier clock;

    /**
     * @param store the consumer state store
     * @param kafka Kafka, for commits
     * @param clock epoch-ms clock
     */
    HandoverCommits(ConsumerStateStore store, ConsumerBackend kafka, LongSupplier clock) {
        this.store = store;
        this.kafka = kafka;
        this.clock = clock;
    }

    /**
     * Commits, as the service principal, the positions a rebalance revoked from members that auto-commit. The new
     * owners do not wait for that: the store handed the positions over to them when it stored the assignment.
     *
     * @param group group id
     * @param revoked member to the positions it lost
     */
    void commitRevoked(String group, Map<String, Map<PartitionRef, Long>> revoked) {
        revoked.forEach((member, positions) -> {
            if (positions.isEmpty()) {
                return;
            }
            store.instance(group, member, clock.getAsLong())
                    .filter(i -> i.config().autoCommitEnable())
                    .ifPresent(i -> commit(kafka.service(), group, positions));
        });
    }

    /**
     * Commits given-up positions without waiting, then ends their handover. The store call runs on a virtual
     * thread, off the admin client's thread that completes the commit.
     *
     * @param cluster the identity that commits
     * @param group group id
     * @param positions partition to the next offset the instance would have delivered
     */
    void commit(ConsumerBackend.Cluster cluster, String group, Map<PartitionRef, Long> positions) {
        if (positions.isEmpty()) {
            return;
        }
        // Nobody waits for a given-up position's commit: on a failure the handover stays, and the next owner's
        // position or commit supersedes it.
        var unused = cluster.commit(group, committedOf(positions)).thenRun(() -> Thread.ofVirtual().start(() ->
                releaseQuietly(group, positions)));
    }

    /**
     * Commits given-up positions and waits for Kafka (a deleted instance's: the client sees the commit's failure),
     * then ends their handover.
     *
     * @param cluster the identity that commits
     * @param group group id
     * @param positions partition to the next offset the instance would have delivered
     * @throws RuntimeException the commit's failure, e.g. 409/40903 when the group has native members
     */
    void commitAndWait(ConsumerBackend.Cluster cluster, String group, Map<PartitionRef, Long> positions) {
        KafkaOffsets.join(cluster.commit(group, committedOf(positions)));
        releaseQuietly(group, positions);
    }

    /**
     * @param positions partition to next offset
     * @return the same offsets as a commit request, without metadata
     */
    static Map<PartitionRef, CommittedOffset> committedOf(Map<PartitionRef, Long> positions) {
        Map<PartitionRef, CommittedOffset> result = new HashMap<>();
        positions.forEach((p, o) -> result.put(p, new CommittedOffset(o, "")));
        return result;
    }

    private void releaseQuietly(String group, Map<PartitionRef, Long> committed) {
        try {
            store.releaseHandover(group, committed);
        } catch (RuntimeException ignored) {
            // the entries stay until the next owner stores a position, or with the group: they hold what Kafka has
        }
    }
}
