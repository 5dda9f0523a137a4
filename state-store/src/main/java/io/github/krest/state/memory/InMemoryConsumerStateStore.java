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

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A {@link ConsumerStateStore} in this process's memory: the default when no Redis is configured, correct for a
 * single replica only. It mirrors the Redis data model (docs/architecture.md) with the same semantics, which the
 * shared contract test suite checks.
 *
 * <p>Thread-safe: one lock guards everything; every operation is a few map look-ups, so contention is negligible
 * next to a Kafka fetch. (A {@code ReentrantLock} rather than {@code synchronized} so virtual threads do not pin.)
 *
 * <p>Expiry compares stored deadlines with the caller's {@code nowMs}; expired data stays in memory until
 * {@link #sweepExpired} removes it, so the proxy must run the sweeper (it does for Redis too).
 */
public final class InMemoryConsumerStateStore implements ConsumerStateStore {

    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<String, GroupState> groups = new TreeMap<>();
    /** One counter for all groups: tokens are then unique in the store, which is stronger than required. */
    private long lastFencingToken;
    private long sweepLockExpiresAtMs = Long.MIN_VALUE;
    private boolean closed;

    /** Creates an empty store. */
    public InMemoryConsumerStateStore() {
    }

    private static final class GroupState {
        final Map<String, InstanceState> instances = new HashMap<>();
        /** Members (SUBSCRIBE-mode instances) to their last heartbeat, epoch ms. */
        final Map<String, Long> heartbeats = new HashMap<>();
        /** Members to their subscription; same keys as {@code heartbeats}. */
        final Map<String, Subscription> subscriptions = new HashMap<>();
        GroupAssignment assignment = GroupAssignment.EMPTY;
        /** Positions auto-commit instances gave up, for the partitions' next owners (see handOver). */
        final Map<PartitionRef, Long> handover = new HashMap<>();
    }

    private static final class InstanceState {
        ConsumerInstance instance;
        long expiresAtMs;
        long lastCommitMs;
        final Map<PartitionRef, Long> positions = new HashMap<>();
        /** 0 when no lease is held. */
        long leaseToken;
        long leaseExpiresAtMs;
        String leaseHolder = "";

        InstanceState(ConsumerInstance instance, long expiresAtMs) {
            this.instance = instance;
            this.expiresAtMs = expiresAtMs;
            this.lastCommitMs = instance.createdMs();
        }

        boolean aliveAt(long nowMs) {
            return expiresAtMs > nowMs;
        }
    }

    @Override
    public void createInstance(ConsumerInstance instance, long ttlMs) {
        Objects.requireNonNull(instance, "instance");
        if (instance.subscription().mode() != SubscriptionMode.NONE) {
            throw new IllegalArgumentException("an instance is created without a subscription");
        }
        requirePositive(ttlMs, "ttlMs");
        locked(() -> {
            GroupState group = groups.computeIfAbsent(instance.group(), g -> new GroupState());
            InstanceState existing = group.instances.get(instance.name());
            if (existing != null) {
                if (existing.aliveAt(instance.createdMs())) {
                    throw new InstanceExistsException(instance.group(), instance.name());
                }
                remove(group, instance.name());
            }
            group.instances.put(instance.name(), new InstanceState(instance, instance.createdMs() + ttlMs));
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
            InstanceState state = live(group, name, nowMs);
            GroupState groupState = groups.get(group);
            remove(groupState, name);
            handOver(groupState, state.instance, state.positions);
            return new RemovedInstance(state.instance, state.positions);
        });
    }

    @Override
    public Map<PartitionRef, Long> updateSubscription(String group, String name, Subscription subscription,
                                                      long nowMs, long ttlMs) {
        Objects.requireNonNull(subscription, "subscription");
        requirePositive(ttlMs, "ttlMs");
        return locked(() -> {
            InstanceState state = live(group, name, nowMs);
            GroupState groupState = groups.get(group);
            SubscriptionMode current = state.instance.subscription().mode();
            SubscriptionMode requested = subscription.mode();
            if ((current == SubscriptionMode.SUBSCRIBE && requested == SubscriptionMode.ASSIGN)
                    || (current == SubscriptionMode.ASSIGN && requested == SubscriptionMode.SUBSCRIBE)) {
                throw new SubscriptionConflictException(group, name, current, requested);
            }
            state.instance = state.instance.withSubscription(subscription);
            state.expiresAtMs = nowMs + ttlMs;
            Map<PartitionRef, Long> revoked = new HashMap<>();
            if (requested == SubscriptionMode.SUBSCRIBE) {
                groupState.heartbeats.put(name, nowMs);
                groupState.subscriptions.put(name, subscription);
            } else {
                leaveMembership(groupState, name);
                Set<PartitionRef> keep = new HashSet<>(subscription.partitions());
                state.positions.entrySet().removeIf(e -> {
                    if (keep.contains(e.getKey())) {
                        return false;
                    }
                    revoked.put(e.getKey(), e.getValue());
                    return true;
                });
                handOver(groupState, state.instance, revoked);
            }
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
            InstanceState state = live(group, name, nowMs);
            if (!state.instance.principal().equals(principal)) {
                throw new InstanceNotFoundException(group, name);
            }
            GroupState groupState = groups.get(group);
            state.expiresAtMs = nowMs + ttlMs;
            Subscription subscription = state.instance.subscription();
            if (subscription.mode() == SubscriptionMode.SUBSCRIBE) {
                groupState.heartbeats.put(name, nowMs);
                groupState.subscriptions.put(name, subscription);
            }
            dropTimedOutMembers(groupState, nowMs - sessionTimeoutMs);

            GroupAssignment assignment = groupState.assignment;
            List<PartitionRef> partitions = owned(groupState, name, subscription);
            Map<PartitionRef, Long> positions = new HashMap<>();
            for (PartitionRef partition : partitions) {
                Long position = state.positions.get(partition);
                if (position == null) {
                    position = groupState.handover.get(partition);
                }
                if (position != null) {
                    positions.put(partition, position);
                }
            }
            boolean rebalanceNeeded = subscription.mode() == SubscriptionMode.SUBSCRIBE
                    && !fingerprint(groupState).equals(assignment.fingerprint());
            if (rebalanceNeeded) {
                return new PollLease(state.instance, assignment.generation(), partitions, positions, 0, true,
                        state.lastCommitMs);
            }
            if (state.leaseToken != 0 && state.leaseExpiresAtMs > nowMs) {
                throw new LeaseBusyException(group, name, state.leaseHolder, state.leaseExpiresAtMs);
            }
            state.leaseToken = ++lastFencingToken;
            state.leaseExpiresAtMs = nowMs + waitMs.orElse(state.instance.config().requestTimeoutMs())
                    + leaseMarginMs;
            state.leaseHolder = replicaId;
            return new PollLease(state.instance, assignment.generation(), partitions, positions, state.leaseToken,
                    false, state.lastCommitMs);
        });
    }

    @Override
    public boolean endPoll(String group, String name, long fencingToken, Map<PartitionRef, Long> positions) {
        requireOffsets(positions);
        return locked(() -> {
            InstanceState state = find(group, name);
            if (state == null || fencingToken <= 0 || state.leaseToken != fencingToken) {
                return false;
            }
            state.leaseToken = 0;
            state.leaseHolder = "";
            GroupState groupState = groups.get(group);
            Set<PartitionRef> owned = new HashSet<>(owned(groupState, name, state.instance.subscription()));
            positions.forEach((partition, offset) -> {
                if (owned.contains(partition)) {
                    state.positions.put(partition, offset);
                    groupState.handover.remove(partition);
                }
            });
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
            GroupState state = groups.get(group);
            return state == null ? new GroupMembership(group, Map.of(), "")
                    : new GroupMembership(group, state.subscriptions, fingerprint(state));
        });
    }

    @Override
    public GroupAssignment assignment(String group) {
        Objects.requireNonNull(group, "group");
        return locked(() -> {
            GroupState state = groups.get(group);
            return state == null ? GroupAssignment.EMPTY : state.assignment;
        });
    }

    @Override
    public AssignmentUpdate storeAssignment(String group, String expectedFingerprint, long newGeneration,
                                            Map<String, List<PartitionRef>> partitions) {
        Objects.requireNonNull(expectedFingerprint, "expectedFingerprint");
        GroupAssignment proposed = new GroupAssignment(newGeneration, expectedFingerprint, partitions);
        return locked(() -> {
            GroupState state = groups.get(group);
            if (state == null || expectedFingerprint.isEmpty() || !fingerprint(state).equals(expectedFingerprint)
                    || newGeneration <= state.assignment.generation()) {
                return AssignmentUpdate.REJECTED;
            }
            Map<String, Map<PartitionRef, Long>> revoked = new HashMap<>();
            state.assignment.partitions().forEach((member, old) -> {
                InstanceState instance = state.instances.get(member);
                if (instance == null) {
                    return;
                }
                Set<PartitionRef> keep = new HashSet<>(proposed.partitionsOf(member));
                Map<PartitionRef, Long> lost = new HashMap<>();
                for (PartitionRef partition : old) {
                    Long offset = keep.contains(partition) ? null : instance.positions.remove(partition);
                    if (offset != null) {
                        lost.put(partition, offset);
                    }
                }
                if (!lost.isEmpty()) {
                    revoked.put(member, lost);
                    handOver(state, instance.instance, lost);
                }
            });
            state.assignment = proposed;
            return new AssignmentUpdate(true, revoked);
        });
    }

    @Override
    public void releaseHandover(String group, Map<PartitionRef, Long> committed) {
        Objects.requireNonNull(group, "group");
        requireOffsets(committed);
        locked(() -> {
            GroupState state = groups.get(group);
            if (state != null) {
                committed.forEach(state.handover::remove);
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
            GroupState state = groups.get(group);
            if (state == null) {
                return List.of();
            }
            return state.instances.values().stream()
                    .filter(s -> s.aliveAt(nowMs))
                    .sorted((a, b) -> a.instance.name().compareTo(b.instance.name()))
                    .map(s -> new InstanceDescription(s.instance, s.expiresAtMs, s.lastCommitMs,
                            owned(state, s.instance.name(), s.instance.subscription())))
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
                for (InstanceState expired : state.instances.values().stream()
                        .filter(s -> !s.aliveAt(nowMs)).toList()) {
                    remove(state, expired.instance.name());
                    handOver(state, expired.instance, expired.positions);
                    removed.add(new RemovedInstance(expired.instance, expired.positions));
                }
                dropTimedOutMembers(state, nowMs - sessionTimeoutMs);
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

    private InstanceState find(String group, String name) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(name, "name");
        GroupState state = groups.get(group);
        return state == null ? null : state.instances.get(name);
    }

    private InstanceState live(String group, String name, long nowMs) {
        InstanceState state = find(group, name);
        if (state == null || !state.aliveAt(nowMs)) {
            throw new InstanceNotFoundException(group, name);
        }
        return state;
    }

    private static void remove(GroupState group, String name) {
        group.instances.remove(name);
        leaveMembership(group, name);
    }

    /** Leaves the membership and the stored assignment; the generation and fingerprint stay. */
    private static void leaveMembership(GroupState group, String name) {
        group.heartbeats.remove(name);
        group.subscriptions.remove(name);
        if (group.assignment.partitions().containsKey(name)) {
            Map<String, List<PartitionRef>> rest = new HashMap<>(group.assignment.partitions());
            rest.remove(name);
            group.assignment = new GroupAssignment(group.assignment.generation(), group.assignment.fingerprint(),
                    rest);
        }
    }

    /**
     * Keeps the positions an auto-commit instance gives up (revoked, unsubscribed, deleted, expired) for the
     * partitions' next owner, who then starts there even while the commit of them is still on its way to Kafka.
     */
    private static void handOver(GroupState group, ConsumerInstance instance, Map<PartitionRef, Long> dropped) {
        if (instance.config().autoCommitEnable()) {
            group.handover.putAll(dropped);
        }
    }

    /** Drops members whose last heartbeat is older than {@code staleBeforeMs}; their assignment entry stays. */
    private static void dropTimedOutMembers(GroupState group, long staleBeforeMs) {
        group.heartbeats.entrySet().removeIf(e -> {
            boolean stale = e.getValue() < staleBeforeMs;
            if (stale) {
                group.subscriptions.remove(e.getKey());
            }
            return stale;
        });
    }

    private static List<PartitionRef> owned(GroupState group, String name, Subscription subscription) {
        return switch (subscription.mode()) {
            case NONE -> List.of();
            case SUBSCRIBE -> group.assignment.partitionsOf(name);
            case ASSIGN -> subscription.partitions();
        };
    }

    /**
     * The same digest as the Redis scripts compute: SHA-1 (hex) of the members sorted by name, each as
     * {@code name \n descriptor}, joined by {@code \n}; the descriptor is {@code topics:a,b} or
     * {@code pattern:regex}. Empty string for no members.
     */
    private static String fingerprint(GroupState group) {
        if (group.subscriptions.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        new TreeMap<>(group.subscriptions).forEach((name, subscription) -> {
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(name).append('\n').append(subscription.pattern().map(p -> "pattern:" + p)
                    .orElseGet(() -> "topics:" + String.join(",", subscription.topics())));
        });
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(sha1.digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
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
