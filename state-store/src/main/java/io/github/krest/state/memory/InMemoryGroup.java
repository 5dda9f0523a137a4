package io.github.krest.state.memory;

import io.github.krest.state.AssignmentUpdate;
import io.github.krest.state.ConsumerInstance;
import io.github.krest.state.GroupAssignment;
import io.github.krest.state.GroupMembership;
import io.github.krest.state.PartitionRef;
import io.github.krest.state.Subscription;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One consumer group as {@link InMemoryConsumerStateStore} keeps it: its instances, and the group-wide part of the
 * protocol — membership (subscribed members and their heartbeats), the stored assignment, and the positions handed
 * over between owners — as the Redis store keeps them in a group's members, assignment and handover keys.
 *
 * <p>Mutable and not thread-safe: the store's lock guards it.
 */
final class InMemoryGroup {
    final Map<String, InMemoryInstance> instances = new HashMap<>();
    /** Members (SUBSCRIBE-mode instances) to their last heartbeat, epoch ms. */
    private final Map<String, Long> heartbeats = new HashMap<>();
    /** Members to their subscription; same keys as {@code heartbeats}. */
    private final Map<String, Subscription> subscriptions = new HashMap<>();
    private GroupAssignment assignment = GroupAssignment.EMPTY;
    /** Positions auto-commit instances gave up, for the partitions' next owners (see handOver). */
    private final Map<PartitionRef, Long> handover = new HashMap<>();

    GroupAssignment assignment() {
        return assignment;
    }

    GroupMembership membership(String group) {
        return new GroupMembership(group, subscriptions, fingerprint());
    }

    /** Records a heartbeat of member {@code name} with its subscription, joining the membership if new. */
    void heartbeat(String name, Subscription subscription, long nowMs) {
        heartbeats.put(name, nowMs);
        subscriptions.put(name, subscription);
    }

    /** Removes the instance, its membership and its share of the stored assignment. */
    void remove(String name) {
        instances.remove(name);
        leaveMembership(name);
    }

    /** Leaves the membership and the stored assignment; the generation and fingerprint stay. */
    void leaveMembership(String name) {
        heartbeats.remove(name);
        subscriptions.remove(name);
        if (assignment.partitions().containsKey(name)) {
            Map<String, List<PartitionRef>> rest = new HashMap<>(assignment.partitions());
            rest.remove(name);
            assignment = new GroupAssignment(assignment.generation(), assignment.fingerprint(), rest);
        }
    }

    /** Drops members whose last heartbeat is older than {@code staleBeforeMs}; their assignment entry stays. */
    void dropTimedOutMembers(long staleBeforeMs) {
        heartbeats.entrySet().removeIf(e -> {
            boolean stale = e.getValue() < staleBeforeMs;
            if (stale) {
                subscriptions.remove(e.getKey());
            }
            return stale;
        });
    }

    /** The partitions instance {@code name} reads: its share of the assignment, or those it assigned itself. */
    List<PartitionRef> owned(String name, Subscription subscription) {
        return switch (subscription.mode()) {
            case NONE -> List.of();
            case SUBSCRIBE -> assignment.partitionsOf(name);
            case ASSIGN -> subscription.partitions();
        };
    }

    /**
     * Keeps the positions an auto-commit instance gives up (revoked, unsubscribed, deleted, expired) for the
     * partitions' next owner, who then starts there even while the commit of them is still on its way to Kafka.
     */
    void handOver(ConsumerInstance instance, Map<PartitionRef, Long> dropped) {
        if (instance.config().autoCommitEnable()) {
            handover.putAll(dropped);
        }
    }

    /** Where {@code instance} starts in each of {@code partitions}: its own position, else one handed over. */
    Map<PartitionRef, Long> startPositions(InMemoryInstance instance, List<PartitionRef> partitions) {
        Map<PartitionRef, Long> positions = new HashMap<>();
        for (PartitionRef partition : partitions) {
            Long position = instance.positions.get(partition);
            if (position == null) {
                position = handover.get(partition);
            }
            if (position != null) {
                positions.put(partition, position);
            }
        }
        return positions;
    }

    /** Stores the positions of the partitions {@code instance} still owns; a handed-over one is then spent. */
    void advance(InMemoryInstance instance, Map<PartitionRef, Long> positions) {
        Set<PartitionRef> owned = new HashSet<>(owned(instance.name(), instance.instance.subscription()));
        positions.forEach((partition, offset) -> {
            if (owned.contains(partition)) {
                instance.positions.put(partition, offset);
                handover.remove(partition);
            }
        });
    }

    /** Forgets the handed-over positions of partitions now committed. */
    void releaseHandover(Map<PartitionRef, Long> committed) {
        committed.forEach(handover::remove);
    }

    /**
     * Stores {@code proposed} if it was computed from the current membership and is newer than the stored one;
     * members lose their positions of the partitions they no longer own (handed over if auto-commit).
     */
    AssignmentUpdate storeAssignment(GroupAssignment proposed) {
        if (proposed.fingerprint().isEmpty() || !fingerprint().equals(proposed.fingerprint())
                || proposed.generation() <= assignment.generation()) {
            return AssignmentUpdate.REJECTED;
        }
        Map<String, Map<PartitionRef, Long>> revoked = new HashMap<>();
        assignment.partitions().forEach((member, old) -> {
            InMemoryInstance instance = instances.get(member);
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
                handOver(instance.instance, lost);
            }
        });
        assignment = proposed;
        return new AssignmentUpdate(true, revoked);
    }

    /**
     * The same digest as the Redis scripts compute: SHA-1 (hex) of the members sorted by name, each as
     * {@code name \n descriptor}, joined by {@code \n}; the descriptor is {@code topics:a,b} or
     * {@code pattern:regex}. Empty string for no members.
     */
    String fingerprint() {
        if (subscriptions.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        new TreeMap<>(subscriptions).forEach((name, subscription) -> {
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
}
