package io.github.krest.state;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link ConsumerStateStore#beginPoll} returns: everything a replica needs to serve one poll (or seek) of an
 * instance without another round trip (docs/architecture.md, poll step 1).
 *
 * <p>When {@link #rebalanceNeeded()} is true no lease is held ({@code fencingToken} is 0): the caller computes a
 * new assignment from {@link ConsumerStateStore#membership}, stores it with
 * {@link ConsumerStateStore#storeAssignment} and calls {@code beginPoll} again.
 *
 * @param instance        the instance, as stored
 * @param generation      the group's assignment generation the partitions belong to; 0 before the first one
 * @param partitions      the partitions this instance owns, sorted: its share of the assignment (SUBSCRIBE),
 *                        its manual partitions (ASSIGN) or none (NONE)
 * @param positions       next offset to deliver per owned partition; partitions without a position are absent and
 *                        are resolved by the caller (committed offset, else {@code auto.offset.reset})
 * @param fencingToken    the lease's token, {@code > 0}, to pass to {@link ConsumerStateStore#endPoll}; 0 when
 *                        {@code rebalanceNeeded}
 * @param rebalanceNeeded whether the group's membership changed since the stored assignment was computed
 * @param lastCommitMs    when positions were last committed (see {@link ConsumerStateStore#recordCommit}), epoch
 *                        ms; the creation time before the first commit
 */
public record PollLease(ConsumerInstance instance, long generation, List<PartitionRef> partitions,
                        Map<PartitionRef, Long> positions, long fencingToken, boolean rebalanceNeeded,
                        long lastCommitMs) {

    public PollLease {
        Objects.requireNonNull(instance, "instance");
        partitions = List.copyOf(partitions);
        positions = Map.copyOf(positions);
    }
}
