package io.github.krest.proxy.core.consumer;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

import io.github.krest.state.AssignmentUpdate;
import io.github.krest.state.ConsumerStateStore;
import io.github.krest.state.GroupAssignment;
import io.github.krest.state.GroupMembership;
import io.github.krest.state.PartitionRef;
import io.github.krest.state.Subscription;

/**
 * Coordinates a REST consumer group through the state store instead of Kafka's group protocol (docs/architecture.md):
 * computes a sticky assignment from the members, their subscriptions and topic metadata, and stores it with a
 * compare-and-set on the membership fingerprint, so concurrent replicas agree on one. Also notices topic metadata
 * changes (new partitions, new topics matching a pattern) at most once per {@code metadata.cache.max.age.ms} per
 * group and replica, and reassigns then.
 */
final class GroupCoordinator {
    private static final int MAX_ATTEMPTS = 5;

    private final ConsumerStateStore store;
    private final ConsumerBackend.Cluster metadata;
    private final LongSupplier clock;
    private final long metadataMaxAgeMs;
    private final Map<String, Long> lastMetadataCheck = new ConcurrentHashMap<>();

    GroupCoordinator(ConsumerStateStore store, ConsumerBackend.Cluster metadata, LongSupplier clock,
                     long metadataMaxAgeMs) {
        this.store = store;
        this.metadata = metadata;
        this.clock = clock;
        this.metadataMaxAgeMs = metadataMaxAgeMs;
    }

    /**
     * Stores a fresh assignment for the group's current membership.
     *
     * @param group group id
     * @return positions revoked from members, per member, for their auto-commit
     */
    Map<String, Map<PartitionRef, Long>> rebalance(String group) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            GroupMembership membership = store.membership(group);
            if (membership.members().isEmpty()) {
                return Map.of();
            }
            GroupAssignment previous = store.assignment(group);
            Map<String, List<PartitionRef>> assignment = compute(membership, previous);
            AssignmentUpdate update = store.storeAssignment(group, membership.fingerprint(),
                    previous.generation() + 1, assignment);
            if (update.stored()) {
                lastMetadataCheck.put(group, clock.getAsLong());
                return update.revokedPositions();
            }
        }
        // another replica keeps winning the compare-and-set: its assignment serves as well as ours
        return Map.of();
    }

    /**
     * Reassigns when the group's topics changed since the stored assignment was computed; checked at most once per
     * metadata max age.
     *
     * @param group group id
     * @return positions revoked from members, per member, when a new assignment was stored; empty otherwise
     */
    Optional<Map<String, Map<PartitionRef, Long>>> refreshIfMetadataChanged(String group) {
        long now = clock.getAsLong();
        Long last = lastMetadataCheck.get(group);
        if (last != null && now - last < metadataMaxAgeMs) {
            return Optional.empty();
        }
        lastMetadataCheck.put(group, now);
        if (lastMetadataCheck.size() > 100_000) {
            lastMetadataCheck.clear();
        }
        GroupMembership membership = store.membership(group);
        GroupAssignment previous = store.assignment(group);
        if (membership.members().isEmpty() || !membership.fingerprint().equals(previous.fingerprint())) {
            return Optional.empty();
        }
        Map<String, List<PartitionRef>> assignment = compute(membership, previous);
        if (assignment.equals(previous.partitions())) {
            return Optional.empty();
        }
        AssignmentUpdate update = store.storeAssignment(group, membership.fingerprint(), previous.generation() + 1,
                assignment);
        return update.stored() ? Optional.of(update.revokedPositions()) : Optional.empty();
    }

    private Map<String, List<PartitionRef>> compute(GroupMembership membership, GroupAssignment previous) {
        Map<String, Set<PartitionRef>> eligible = new HashMap<>();
        Map<Subscription, Set<PartitionRef>> resolved = new HashMap<>();
        membership.members().forEach((member, subscription) ->
                eligible.put(member, resolved.computeIfAbsent(subscription, this::partitionsOf)));
        return StickyAssignor.assign(eligible, previous.partitions());
    }

    /**
     * The partitions a subscription covers now.
     *
     * @param subscription a SUBSCRIBE subscription
     * @return partitions of its existing topics
     */
    Set<PartitionRef> partitionsOf(Subscription subscription) {
        Set<PartitionRef> partitions = new LinkedHashSet<>();
        for (String topic : topicsOf(subscription)) {
            metadata.partitionCount(topic).ifPresent(count -> {
                for (int p = 0; p < count; p++) {
                    partitions.add(new PartitionRef(topic, p));
                }
            });
        }
        return partitions;
    }

    /**
     * @param subscription any subscription
     * @return its topics: the list, the existing topics matching the pattern, or none
     */
    List<String> topicsOf(Subscription subscription) {
        return topicsOf(subscription, metadata);
    }

    /**
     * @param subscription any subscription
     * @param view whose topic list a pattern is matched against (a caller's, to show the caller its subscription)
     * @return its topics: the list, the existing topics matching the pattern, or none
     */
    static List<String> topicsOf(Subscription subscription, ConsumerBackend.Cluster view) {
        if (subscription.pattern().isPresent()) {
            Pattern pattern = Pattern.compile(subscription.pattern().get());
            return view.topicNames().stream().filter(t -> pattern.matcher(t).matches()).toList();
        }
        return subscription.topics();
    }
}
