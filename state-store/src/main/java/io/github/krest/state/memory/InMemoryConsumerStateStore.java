package io.github.krest.state.memory;

import io.github.krest.state.AssignmentUpdate;
import io.github.krest.state.ConsumerInstance;
import io.github.krest.state.ConsumerStateStore;
import io.github.krest.state.GroupAssignment;
import io.github.krest.state.GroupMembership;
import io.github.krest.state.InstanceDescription;
import io.github.krest.state.InstanceExistsException;
import io.github.krest.state.InstanceNotFoundException;
import io.github.krest.state.LeaseBusyException;
import io.github.krest.state.PartitionRef;
import io.github.krest.state.PollLease;
import io.github.krest.state.RemovedInstance;
import io.github.krest.state.Subscription;
import io.github.krest.state.SubscriptionConflictException;
import io.github.krest.state.SubscriptionMode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A {@link ConsumerStateStore} in this process's memory: the default when no Redis is configured, correct for a
 * single replica only. It mirrors the Redis data model (docs/architecture.md) with the same semantics, which the
 * shared contract test suite checks. This class holds the lock, the groups and the store-wide counters and checks
 * the arguments; a group's membership, assignment and handed-over positions live in {@code InMemoryGroup}, an
 * instance's record, positions and poll lease in {@code InMemoryInstance}.
 *
 * <p>Thread-safe: one lock guards everything; every operation is a few map look-ups, so contention is negligible
 * next to a Kafka fetch. (A {@code ReentrantLock} rather than {@code synchronized} so virtual threads do not pin.)
 *
 * <p>Expiry compares stored deadlines with the caller's {@code nowMs}; expired data stays in memory until
 * {@link #sweepExpired} removes it, so the proxy must run the sweeper (it does for Redis too).
 */
public final class InMemoryConsumerStateStore implements ConsumerStateStore {

    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<String, InMemoryGroup> groups = new TreeMap<>();
    /** One counter for all groups: tokens are then unique in the store, which is stronger than required. */
    private long lastFencingToken;
    private long sweepLockExpiresAtMs = Long.MIN_VALUE;
    private boolean closed;

    /** Creates an empty store. */
    public InMemoryConsumerStateStore() {
    }

    @Override
    public void createInstance(ConsumerInstance instance, long ttlMs) {
        Objects.requireNonNull(instance, "instance");
        if (instance.subscription().mode() != SubscriptionMode.NONE) {
            throw new IllegalArgumentException("an instance is created without a subscription");
        }
        requirePositive(ttlMs, "ttlMs");
        locked(() -> {
            InMemoryGroup group = groups.computeIfAbsent(instance.group(), g -> new InMemoryGroup());
            InMemoryInstance existing = group.instances.get(instance.name());
            if (existing != null) {
                if (existing.aliveAt(instance.createdMs())) {
                    throw new InstanceExistsException(instance.group(), instance.name());
                }
                group.remove(instance.name());
            }
            group.instances.put(instance.name(), new InMemoryInstance(instance, instance.createdMs() + ttlMs));
            return null;
        });
    }

    @Override
    public Optional<ConsumerInstance> instance(String group, String name, long nowMs) {
        return locked(() -> Optional.ofNullable(find(group, name))
                .filter(s -> s.aliveAt(nowMs))
                .map(s -> s.instance));
    }

    @Override
    public void touch(String group, String name, long nowMs, long ttlMs) {
        requirePositive(ttlMs, "ttlMs");
        locked(() -> live(group, name, nowMs).expiresAtMs = nowMs + ttlMs);
    }

    @Override
    public RemovedInstance deleteInstance(String group, String name, long nowMs) {
        return locked(() -> {
            InMemoryInstance state = live(group, name, nowMs);
            InMemoryGroup groupState = groups.get(group);
            groupState.remove(name);
            groupState.handOver(state.instance, state.positions);
            return new RemovedInstance(state.instance, state.positions);
        });
    }

    @Override
    public Map<PartitionRef, Long> updateSubscription(String group, String name, Subscription subscription,
                                                      long nowMs, long ttlMs) {
        Objects.requireNonNull(subscription, "subscription");
        requirePositive(ttlMs, "ttlMs");
        return locked(() -> {
            InMemoryInstance state = live(group, name, nowMs);
            InMemoryGroup groupState = groups.get(group);
            SubscriptionMode current = state.instance.subscription().mode();
            SubscriptionMode requested = subscription.mode();
            if ((current == SubscriptionMode.SUBSCRIBE && requested == SubscriptionMode.ASSIGN)
                    || (current == SubscriptionMode.ASSIGN && requested == SubscriptionMode.SUBSCRIBE)) {
                throw new SubscriptionConflictException(group, name, current, requested);
            }
            state.instance = state.instance.withSubscription(subscription);
            state.expiresAtMs = nowMs + ttlMs;
            if (requested == SubscriptionMode.SUBSCRIBE) {
                groupState.heartbeat(name, subscription, nowMs);
                return Map.of();
            }
            groupState.leaveMembership(name);
            Map<PartitionRef, Long> revoked = state.dropPositionsOutside(new HashSet<>(subscription.partitions()));
            groupState.handOver(state.instance, revoked);
            return Map.copyOf(revoked);
        });
    }

    @Override
    public PollLease beginPoll(String group, String name, String principal, String replicaId, long nowMs,
                               OptionalLong waitMs, long leaseMarginMs, long sessionTimeoutMs, long ttlMs) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(replicaId, "replicaId");
        waitMs.ifPresent(w -> requirePositive(w, "waitMs"));
        if (leaseMarginMs < 0) {
            throw new IllegalArgumentException("leaseMarginMs must be >= 0: " + leaseMarginMs);
        }
        requirePositive(sessionTimeoutMs, "sessionTimeoutMs");
        requirePositive(ttlMs, "ttlMs");
        return locked(() -> {
            InMemoryInstance state = live(group, name, nowMs);
            if (!state.instance.principal().equals(principal)) {
                throw new InstanceNotFoundException(group, name);
            }
            InMemoryGroup groupState = groups.get(group);
            state.expiresAtMs = nowMs + ttlMs;
            Subscription subscription = state.instance.subscription();
            if (subscription.mode() == SubscriptionMode.SUBSCRIBE) {
                groupState.heartbeat(name, subscription, nowMs);
            }
            groupState.dropTimedOutMembers(nowMs - sessionTimeoutMs);

            GroupAssignment assignment = groupState.assignment();
            List<PartitionRef> partitions = groupState.owned(name, subscription);
            Map<PartitionRef, Long> positions = groupState.startPositions(state, partitions);
            boolean rebalanceNeeded = subscription.mode() == SubscriptionMode.SUBSCRIBE
                    && !groupState.fingerprint().equals(assignment.fingerprint());
            if (rebalanceNeeded) {
                return new PollLease(state.instance, assignment.generation(), partitions, positions, 0, true,
                        state.lastCommitMs);
            }
            if (state.leasedAt(nowMs)) {
                throw new LeaseBusyException(group, name, state.leaseHolder(), state.leaseExpiresAtMs());
            }
            long token = ++lastFencingToken;
            state.lease(token, nowMs + waitMs.orElse(state.instance.config().requestTimeoutMs()) + leaseMarginMs,
                    replicaId);
            return new PollLease(state.instance, assignment.generation(), partitions, positions, token,
                    false, state.lastCommitMs);
        });
    }

    @Override
    public boolean endPoll(String group, String name, long fencingToken, Map<PartitionRef, Long> positions) {
        requireOffsets(positions);
        return locked(() -> {
            InMemoryInstance state = find(group, name);
            if (state == null || !state.release(fencingToken)) {
                return false;
            }
            groups.get(group).advance(state, positions);
            return true;
        });
    }

    @Override
    public Map<PartitionRef, Long> positions(String group, String name, long nowMs) {
        return locked(() -> Map.copyOf(live(group, name, nowMs).positions));
    }

    @Override
    public GroupMembership membership(String group) {
        Objects.requireNonNull(group, "group");
        return locked(() -> {
            InMemoryGroup state = groups.get(group);
            return state == null ? new GroupMembership(group, Map.of(), "") : state.membership(group);
        });
    }

    @Override
    public GroupAssignment assignment(String group) {
        Objects.requireNonNull(group, "group");
        return locked(() -> {
            InMemoryGroup state = groups.get(group);
            return state == null ? GroupAssignment.EMPTY : state.assignment();
        });
    }

    @Override
    public AssignmentUpdate storeAssignment(String group, String expectedFingerprint, long newGeneration,
                                            Map<String, List<PartitionRef>> partitions) {
        Objects.requireNonNull(expectedFingerprint, "expectedFingerprint");
        GroupAssignment proposed = new GroupAssignment(newGeneration, expectedFingerprint, partitions);
        return locked(() -> {
            InMemoryGroup state = groups.get(group);
            return state == null ? AssignmentUpdate.REJECTED : state.storeAssignment(proposed);
        });
    }

    @Override
    public void releaseHandover(String group, Map<PartitionRef, Long> committed) {
        Objects.requireNonNull(group, "group");
        requireOffsets(committed);
        locked(() -> {
            InMemoryGroup state = groups.get(group);
            if (state != null) {
                state.releaseHandover(committed);
            }
            return null;
        });
    }

    @Override
    public void recordCommit(String group, String name, long commitMs) {
        locked(() -> live(group, name, commitMs).lastCommitMs = commitMs);
    }

    @Override
    public List<String> groups() {
        return locked(() -> List.copyOf(groups.keySet()));
    }

    @Override
    public List<InstanceDescription> instances(String group, long nowMs) {
        Objects.requireNonNull(group, "group");
        return locked(() -> {
            InMemoryGroup state = groups.get(group);
            if (state == null) {
                return List.of();
            }
            return state.instances.values().stream()
                    .filter(s -> s.aliveAt(nowMs))
                    .sorted((a, b) -> a.name().compareTo(b.name()))
                    .map(s -> new InstanceDescription(s.instance, s.expiresAtMs, s.lastCommitMs,
                            state.owned(s.name(), s.instance.subscription())))
                    .toList();
        });
    }

    @Override
    public List<RemovedInstance> sweepExpired(String replicaId, long nowMs, long lockMs, long sessionTimeoutMs) {
        Objects.requireNonNull(replicaId, "replicaId");
        requirePositive(lockMs, "lockMs");
        requirePositive(sessionTimeoutMs, "sessionTimeoutMs");
        return locked(() -> {
            if (sweepLockExpiresAtMs > nowMs) {
                return List.of();
            }
            sweepLockExpiresAtMs = nowMs + lockMs;
            List<RemovedInstance> removed = new ArrayList<>();
            groups.values().removeIf(state -> {
                for (InMemoryInstance expired : state.instances.values().stream()
                        .filter(s -> !s.aliveAt(nowMs)).toList()) {
                    state.remove(expired.name());
                    state.handOver(expired.instance, expired.positions);
                    removed.add(new RemovedInstance(expired.instance, expired.positions));
                }
                state.dropTimedOutMembers(nowMs - sessionTimeoutMs);
                return state.instances.isEmpty();
            });
            return List.copyOf(removed);
        });
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            groups.clear();
        } finally {
            lock.unlock();
        }
    }

    private <T> T locked(Supplier<T> operation) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("state store is closed");
            }
            return operation.get();
        } finally {
            lock.unlock();
        }
    }

    private InMemoryInstance find(String group, String name) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(name, "name");
        InMemoryGroup state = groups.get(group);
        return state == null ? null : state.instances.get(name);
    }

    private InMemoryInstance live(String group, String name, long nowMs) {
        InMemoryInstance state = find(group, name);
        if (state == null || !state.aliveAt(nowMs)) {
            throw new InstanceNotFoundException(group, name);
        }
        return state;
    }

    private static void requirePositive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0: " + value);
        }
    }

    private static void requireOffsets(Map<PartitionRef, Long> positions) {
        positions.forEach((partition, offset) -> {
            Objects.requireNonNull(partition, "partition");
            if (offset == null || offset < 0) {
                throw new IllegalArgumentException("position of " + partition + " must be >= 0: " + offset);
            }
        });
    }
}
