package io.github.krest.proxy.core.consumer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

import io.github.krest.proxy.core.CommittedOffset;
import io.github.krest.proxy.core.KafkaOffsets;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.state.ConsumerInstance;
import io.github.krest.state.ConsumerStateStore;
import io.github.krest.state.PartitionRef;
import io.github.krest.state.PollLease;
import io.github.krest.state.RemovedInstance;

/**
 * An instance's positions (the next offset to deliver per partition, kept in the state store) and the group's
 * committed offsets in Kafka (docs/architecture.md, "Commits and handover"): seeks, where a partition without a
 * position starts (step 3 of a poll: a handed-over position, which the state store's lease already carries, else
 * the committed offset, else {@code auto.offset.reset}), commits on request and by auto-commit, committed-offset
 * views, and the expiry sweep with the commits of the instances it removes.
 */
final class ConsumerPositions {
    /** How long the sweep lock holds, in ms: other replicas skip sweeping meanwhile. */
    private static final long SWEEP_LOCK_MS = 5_000;

    private final ConsumerStateStore store;
    private final ConsumerBackend kafka;
    private final ConsumerInstances instances;
    private final InstanceLeases leases;
    private final HandoverCommits handover;
    private final ConsumerSettings settings;
    private final String replicaId;
    private final LongSupplier clock;

    /**
     * @param store the consumer state store
     * @param kafka Kafka: offset lookups and commits
     * @param instances instance checks and the assignment view
     * @param leases a seek is leased like a poll
     * @param handover commits the positions of swept auto-commit instances
     * @param settings consumer settings
     * @param replicaId this replica's id, as the sweep lock's holder
     * @param clock epoch-ms clock
     */
    ConsumerPositions(ConsumerStateStore store, ConsumerBackend kafka, ConsumerInstances instances,
                      InstanceLeases leases, HandoverCommits handover, ConsumerSettings settings, String replicaId,
                      LongSupplier clock) {
        this.store = store;
        this.kafka = kafka;
        this.instances = instances;
        this.leases = leases;
        this.handover = handover;
        this.settings = settings;
        this.replicaId = replicaId;
        this.clock = clock;
    }

    /** As {@link ConsumerService#seek}. */
    void seek(String group, String name, KafkaIdentity caller, Map<PartitionRef, Long> offsets,
              Map<PartitionRef, Instant> timestamps, List<PartitionRef> toBeginning, List<PartitionRef> toEnd) {
        Set<PartitionRef> targets = new HashSet<>(offsets.keySet());
        targets.addAll(timestamps.keySet());
        targets.addAll(toBeginning);
        targets.addAll(toEnd);
        PollLease lease = leases.take(group, name, caller, clock.getAsLong() + settings.requestTimeoutMaxMs(),
                OptionalLong.of(settings.requestTimeoutMaxMs())).orElseThrow(() -> busy(group, name));
        boolean released = false;
        try {
            for (PartitionRef p : targets) {
                if (!lease.partitions().contains(p)) {
                    throw new RestException(ErrorCode.ILLEGAL_STATE,
                            "Illegal state: No current assignment for partition " + p.topic() + "-" + p.partition());
                }
            }
            for (Map.Entry<PartitionRef, Long> e : offsets.entrySet()) {
                if (e.getValue() < 0) {
                    throw RestException.badRequest("Invalid offset " + e.getValue() + " for " + e.getKey());
                }
            }
            Map<PartitionRef, Long> positions = new HashMap<>(offsets);
            Map<PartitionRef, Long> byTime = new HashMap<>();
            timestamps.forEach((p, t) -> byTime.put(p, t.toEpochMilli()));
            ConsumerBackend.Cluster cluster = kafka.cluster(caller);
            positions.putAll(cluster.forTimestamps(byTime));
            positions.putAll(cluster.earliest(toBeginning));
            positions.putAll(cluster.latest(toEnd));
            released = true;
            if (!leases.end(group, name, lease.fencingToken(), positions)) {
                throw busy(group, name);
            }
        } finally {
            if (!released) {
                leases.end(group, name, lease.fencingToken(), Map.of());
            }
        }
    }

    /**
     * Where a poll starts on each partition. Partitions without a stored position (nor one handed over, which the
     * lease already carries) start at the group's committed offset, else at {@code auto.offset.reset}.
     *
     * @param group group id
     * @param caller the caller, as whom Kafka is asked
     * @param instance the instance
     * @param partitions the partitions to read
     * @param stored the lease's positions
     * @return the next offset to deliver of every partition in {@code partitions}
     * @throws RestException 409/40903 when a partition has no committed offset and {@code auto.offset.reset} is
     *         {@code none}
     */
    Map<PartitionRef, Long> resolve(String group, KafkaIdentity caller, ConsumerInstance instance,
                                    List<PartitionRef> partitions, Map<PartitionRef, Long> stored) {
        Map<PartitionRef, Long> positions = new HashMap<>();
        List<PartitionRef> missing = new ArrayList<>();
        for (PartitionRef p : partitions) {
            Long position = stored.get(p);
            if (position == null) {
                missing.add(p);
            } else {
                positions.put(p, position);
            }
        }
        if (missing.isEmpty()) {
            return positions;
        }
        ConsumerBackend.Cluster cluster = kafka.cluster(caller);
        Map<PartitionRef, CommittedOffset> committed = cluster.committed(group, missing);
        List<PartitionRef> reset = new ArrayList<>();
        for (PartitionRef p : missing) {
            CommittedOffset c = committed.get(p);
            if (c != null) {
                positions.put(p, c.offset());
            } else {
                reset.add(p);
            }
        }
        switch (instance.config().autoOffsetReset()) {
            case "earliest" -> positions.putAll(cluster.earliest(reset));
            case "latest" -> positions.putAll(cluster.latest(reset));
            default -> {
                if (!reset.isEmpty()) {
                    throw new RestException(ErrorCode.ILLEGAL_STATE, "Illegal state: no committed offset for "
                            + reset + " and auto.offset.reset is none; seek with POST .../positions first.");
                }
            }
        }
        return positions;
    }

    /**
     * Commits the lease's positions, without waiting, when the instance auto-commits and
     * {@code auto.commit.interval.ms} passed since its last commit.
     *
     * @param caller the caller, as whom the commit is made
     * @param instance the instance
     * @param lease the poll's lease: the stored positions and the last commit's time
     * @param now epoch ms
     */
    void autoCommitIfDue(KafkaIdentity caller, ConsumerInstance instance, PollLease lease, long now) {
        if (instance.config().autoCommitEnable() && !lease.positions().isEmpty()
                && now - lease.lastCommitMs() >= settings.autoCommitIntervalMs()) {
            // Not waited for: a failed auto-commit leaves the last commit's time, so the next poll commits again.
            var unused = kafka.cluster(caller).commit(instance.group(), HandoverCommits.committedOf(lease.positions()))
                    .thenRun(() -> Thread.ofVirtual().start(() -> recordCommitQuietly(instance.group(),
                            instance.name())));
        }
    }

    /** As {@link ConsumerService#commit}. */
    void commit(String group, String name, KafkaIdentity caller,
                Optional<Map<PartitionRef, CommittedOffset>> explicit, boolean async) {
        Map<PartitionRef, CommittedOffset> request = new HashMap<>();
        if (explicit.isEmpty()) {
            instances.touch(instances.require(group, name, caller));
            store.positions(group, name, clock.getAsLong())
                    .forEach((p, o) -> request.put(p, new CommittedOffset(o, "")));
        } else {
            List<PartitionRef> owned = instances.assignment(group, name, caller);
            for (Map.Entry<PartitionRef, CommittedOffset> e : explicit.get().entrySet()) {
                if (!owned.contains(e.getKey())) {
                    throw new RestException(ErrorCode.ILLEGAL_STATE, "Illegal state: partition "
                            + e.getKey().topic() + "-" + e.getKey().partition()
                            + " is not assigned to this consumer instance.");
                }
                if (e.getValue().offset() < 0) {
                    throw RestException.badRequest("Invalid offset " + e.getValue().offset());
                }
                request.put(e.getKey(), new CommittedOffset(e.getValue().offset() + 1,
                        e.getValue().metadata()));
            }
        }
        var future = kafka.cluster(caller).commit(group, request);
        if (async) {
            // The client asked not to wait, so it does not learn of a failure (as Kafka's commitAsync without a
            // callback); only the time of a commit that succeeded is recorded.
            var unused = future.thenRun(() -> recordCommitQuietly(group, name));
            return;
        }
        KafkaOffsets.join(future);
        recordCommitQuietly(group, name);
    }

    /** As {@link ConsumerService#committed}. */
    List<ConsumerService.CommittedPartition> committed(String group, String name, KafkaIdentity caller,
                                                       List<PartitionRef> partitions) {
        instances.touch(instances.require(group, name, caller));
        List<PartitionRef> wanted = partitions.isEmpty()
                ? List.copyOf(store.positions(group, name, clock.getAsLong()).keySet()) : partitions;
        Map<PartitionRef, CommittedOffset> committed = kafka.cluster(caller).committed(group, wanted);
        return wanted.stream().distinct().sorted().filter(committed::containsKey)
                .map(p -> new ConsumerService.CommittedPartition(p, committed.get(p).offset(),
                        committed.get(p).metadata()))
                .toList();
    }

    /** As {@link ConsumerService#sweepExpired}. */
    int sweepExpired() {
        List<RemovedInstance> removed = store.sweepExpired(replicaId, clock.getAsLong(), SWEEP_LOCK_MS,
                settings.sessionTimeoutMs());
        for (RemovedInstance r : removed) {
            if (r.instance().config().autoCommitEnable()) {
                handover.commit(kafka.service(), r.instance().group(), r.positions());
            }
        }
        return removed.size();
    }

    private void recordCommitQuietly(String group, String name) {
        try {
            store.recordCommit(group, name, clock.getAsLong());
        } catch (RuntimeException ignored) {
            // bookkeeping only: the next poll commits again
        }
    }

    private static RestException busy(String group, String name) {
        return new RestException(ErrorCode.ILLEGAL_STATE, "Illegal state: consumer instance " + name + " of group "
                + group + " is busy with another request; try again.");
    }
}
