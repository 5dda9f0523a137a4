package io.github.krest.proxy.core.admin;

import io.github.krest.proxy.core.CommittedOffset;

import io.github.krest.proxy.core.KafkaFutures;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.github.krest.proxy.core.KafkaOffsets;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.state.ConsumerStateStore;
import io.github.krest.state.InstanceDescription;
import io.github.krest.state.PartitionRef;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Consumer groups, their consumers, assignments and lags, for the v3 admin API (Confluent
 * {@code ConsumerGroupManagerImpl}, {@code ConsumerManagerImpl}, {@code ConsumerAssignmentManagerImpl},
 * {@code ConsumerLagManagerImpl}, {@code ConsumerGroupLagSummaryManagerImpl}).
 *
 * <p>A group is the union of what Kafka knows (native members from {@code describeConsumerGroups}, committed
 * offsets) and what krest's {@link ConsumerStateStore} knows: live krest v2 consumer instances are shown as
 * consumers of their group (consumer id and instance id = instance name, client id {@value #KREST_CLIENT_ID}) with
 * the partitions they own, so an operator sees REST consumers like native ones. A group with live krest instances
 * and no native members is reported {@code STABLE}, not simple, with krest's {@value #KREST_ASSIGNOR} assignor (a
 * Confluent v2 instance is a member of its group, which Kafka reports with its assignor; krest's instances commit
 * without joining, which Kafka alone would report as a simple group); a group known only to the state store (no
 * commits yet) is listed too, as a {@code CLASSIC} group without coordinator.
 *
 * <p>Lags are computed per committed partition: {@code lag = log end offset - committed offset}, with the native
 * member or krest instance that owns the partition (empty strings when none does).
 *
 * <p>Errors: unknown group, consumer, assignment or lag: {@link RestException} 404/404; Kafka failures surface as
 * Kafka exceptions (mapped by {@code ErrorTable}).
 */
public final class ConsumerGroupAdminService {
    /** The {@code client_id} shown for krest consumer instances. */
    public static final String KREST_CLIENT_ID = "krest";
    /** The {@code partition_assignor} shown for groups of krest consumer instances: krest's sticky assignment. */
    public static final String KREST_ASSIGNOR = "sticky";

    private final Admin admin;
    private final KafkaOffsets offsets;
    private final ConsumerStateStore state;
    private final LongSupplier clock;
    private final Optional<String> onlyPrincipal;

    /**
     * @param admin the shared admin client
     * @param state krest's consumer state (its instances are consumers of their groups)
     */
    public ConsumerGroupAdminService(Admin admin, ConsumerStateStore state) {
        this(admin, new KafkaOffsets(admin), state, System::currentTimeMillis);
    }

    /**
     * The view of one caller under {@code kafka.principal.propagation}: Kafka answers with the caller's ACLs, and of
     * krest's consumer instances only the caller's own are shown (another principal's instances, and groups that
     * only they make known, stay invisible).
     *
     * @param admin the caller's admin client
     * @param state krest's consumer state
     * @param principal the caller's principal
     */
    public ConsumerGroupAdminService(Admin admin, ConsumerStateStore state, String principal) {
        this(admin, new KafkaOffsets(admin), state, System::currentTimeMillis, Optional.of(principal));
    }

    /**
     * @param admin the shared admin client
     * @param offsets committed and latest offsets
     * @param state krest's consumer state (its instances are consumers of their groups)
     * @param clock epoch ms, for instance expiry
     */
    public ConsumerGroupAdminService(Admin admin, KafkaOffsets offsets, ConsumerStateStore state,
                                     LongSupplier clock) {
        this(admin, offsets, state, clock, Optional.empty());
    }

    private ConsumerGroupAdminService(Admin admin, KafkaOffsets offsets, ConsumerStateStore state,
                                      LongSupplier clock, Optional<String> onlyPrincipal) {
        this.onlyPrincipal = onlyPrincipal;
        this.admin = admin;
        this.offsets = offsets;
        this.state = state;
        this.clock = clock;
    }

    /**
     * A consumer group.
     *
     * @param groupId group id
     * @param simple whether it is a simple group: Kafka reports no protocol type, and it is no group of live krest
     *               instances
     * @param partitionAssignor assignor name ({@value #KREST_ASSIGNOR} for a group of krest instances), empty when
     *                          none
     * @param state e.g. {@code STABLE}, {@code EMPTY}
     * @param type {@code CLASSIC}, {@code CONSUMER}, ...
     * @param mixed whether a {@code CONSUMER} group has members still on the classic protocol
     * @param coordinator coordinator broker id, if known
     */
    public record Group(String groupId, boolean simple, String partitionAssignor, String state, String type,
                        boolean mixed, Optional<Integer> coordinator) {
    }

    /**
     * A consumer of a group: a native member or a krest instance.
     *
     * @param groupId group id
     * @param consumerId member id (native) or instance name (krest)
     * @param instanceId static membership id (native, if any) or instance name (krest)
     * @param clientId client id
     * @param partitions assigned partitions, sorted
     */
    public record Consumer(String groupId, String consumerId, Optional<String> instanceId, String clientId,
                           List<PartitionRef> partitions) {
    }

    /**
     * The lag of one committed partition.
     *
     * @param groupId group id
     * @param partition topic and partition
     * @param owner the consumer owning the partition, if any
     * @param currentOffset committed offset
     * @param logEndOffset latest offset
     * @param lag {@code logEndOffset - currentOffset}
     */
    public record Lag(String groupId, PartitionRef partition, Optional<Consumer> owner, long currentOffset,
                      long logEndOffset, long lag) {
    }

    /**
     * A group's lag summary.
     *
     * @param groupId group id
     * @param maxLag the largest lag, 0 when none
     * @param totalLag the sum of lags
     * @param maxLagPartition the lag with {@code maxLag}, if any
     */
    public record LagSummary(String groupId, long maxLag, long totalLag, Optional<Lag> maxLagPartition) {
    }

    /** @return every consumer group Kafka lists plus groups with live krest instances, sorted by id */
    public List<Group> list() {
        Map<String, GroupListing> listed = new TreeMap<>();
        for (GroupListing l : KafkaFutures.get(admin.listGroups(ListGroupsOptions.forConsumerGroups()).valid())) {
            listed.put(l.groupId(), l);
        }
        long now = clock.getAsLong();
        TreeSet<String> ids = new TreeSet<>(listed.keySet());
        for (String g : state.groups()) {
            if (!instances(g, now).isEmpty()) {
                ids.add(g);
            }
        }
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<String, ConsumerGroupDescription> described = describe(listed.keySet());
        List<Group> result = new ArrayList<>();
        for (String id : ids) {
            List<InstanceDescription> instances = instances(id, now);
            result.add(group(id, Optional.ofNullable(described.get(id)), !instances.isEmpty()));
        }
        return result;
    }

    /**
     * @param groupId group id
     * @return the group
     * @throws RestException 404 when neither Kafka nor the state store knows it
     */
    public Group group(String groupId) {
        Optional<ConsumerGroupDescription> described = describe(groupId);
        boolean hasInstances = !instances(groupId, clock.getAsLong()).isEmpty();
        if (described.isEmpty() && !hasInstances) {
            throw groupNotFound(groupId);
        }
        return group(groupId, described, hasInstances);
    }

    /**
     * @param groupId group id
     * @return native members then krest instances
     * @throws RestException 404 for an unknown group
     */
    public List<Consumer> consumers(String groupId) {
        Optional<ConsumerGroupDescription> described = describe(groupId);
        List<InstanceDescription> instances = instances(groupId, clock.getAsLong());
        if (described.isEmpty() && instances.isEmpty()) {
            throw groupNotFound(groupId);
        }
        return consumers(groupId, described, instances);
    }

    /**
     * @param groupId group id
     * @param consumerId member id or krest instance name
     * @return the consumer
     * @throws RestException 404 for an unknown group or consumer
     */
    public Consumer consumer(String groupId, String consumerId) {
        return consumers(groupId).stream().filter(c -> c.consumerId().equals(consumerId)).findFirst()
                .orElseThrow(() -> new RestException(ErrorCode.NOT_FOUND,
                        "Consumer " + consumerId + " cannot be found."));
    }

    /**
     * @param groupId group id
     * @return lags of every committed partition, sorted by topic and partition
     * @throws RestException 404 for an unknown group; 404 "Consumer lags not found." when the group has no
     *                       committed offsets
     */
    public List<Lag> lags(String groupId) {
        Map<PartitionRef, CommittedOffset> committed = offsets.committed(groupId);
        if (committed.isEmpty()) {
            group(groupId);
            throw new RestException(ErrorCode.NOT_FOUND, "Consumer lags not found.");
        }
        return lags(groupId, committed);
    }

    /**
     * @param groupId group id
     * @param partition topic and partition
     * @return its lag
     * @throws RestException 404 for an unknown group; 404 "Consumer lag not found." when the partition has no
     *                       committed offset in the group
     */
    public Lag lag(String groupId, PartitionRef partition) {
        CommittedOffset committed = offsets.committed(groupId).get(partition);
        if (committed == null) {
            group(groupId);
            throw new RestException(ErrorCode.NOT_FOUND, "Consumer lag not found.");
        }
        return lags(groupId, Map.of(partition, committed)).getFirst();
    }

    /**
     * @param groupId group id
     * @return max and total lag
     * @throws RestException 404 for an unknown group; 404 when the group has no committed offsets (as its
     *                       {@link #lags} and Confluent's {@code ConsumerGroupLagSummariesResource})
     */
    public LagSummary lagSummary(String groupId) {
        Map<PartitionRef, CommittedOffset> committed = offsets.committed(groupId);
        if (committed.isEmpty()) {
            group(groupId);
            throw new RestException(ErrorCode.NOT_FOUND, "Consumer group lag summary not found.");
        }
        List<Lag> lags = lags(groupId, committed);
        long total = lags.stream().mapToLong(Lag::lag).sum();
        Optional<Lag> max = lags.stream().max(Comparator.comparingLong(Lag::lag));
        return new LagSummary(groupId, max.map(Lag::lag).orElse(0L), total, max);
    }

    /** Lags of the given committed partitions, each with the native member or krest instance that owns it. */
    private List<Lag> lags(String groupId, Map<PartitionRef, CommittedOffset> committed) {
        List<Consumer> consumers = consumers(groupId, describe(groupId),
                instances(groupId, clock.getAsLong()));
        Map<PartitionRef, Consumer> owners = new HashMap<>();
        for (Consumer c : consumers) {
            c.partitions().forEach(p -> owners.putIfAbsent(p, c));
        }
        Map<PartitionRef, Long> latest = offsets.latest(committed.keySet());
        List<Lag> result = new ArrayList<>();
        new TreeMap<>(committed).forEach((p, c) -> {
            long end = latest.getOrDefault(p, c.offset());
            result.add(new Lag(groupId, p, Optional.ofNullable(owners.get(p)), c.offset(), end, end - c.offset()));
        });
        return result;
    }

    private Group group(String groupId, Optional<ConsumerGroupDescription> described, boolean hasInstances) {
        if (described.isEmpty()) {
            return new Group(groupId, false, KREST_ASSIGNOR, GroupState.STABLE.name(), GroupType.CLASSIC.name(),
                    false, Optional.empty());
        }
        ConsumerGroupDescription d = described.get();
        String groupState = d.groupState() == null ? GroupState.UNKNOWN.name() : d.groupState().name();
        boolean krestGroup = hasInstances && d.members().isEmpty();
        if (krestGroup) {
            groupState = GroupState.STABLE.name();
        }
        GroupType type = d.type() == null ? GroupType.UNKNOWN : d.type();
        boolean mixed = type == GroupType.CONSUMER
                && d.members().stream().anyMatch(m -> m.upgraded().map(u -> !u).orElse(false));
        Optional<Integer> coordinator = d.coordinator() == null || d.coordinator().isEmpty()
                ? Optional.empty() : Optional.of(d.coordinator().id());
        String assignor = krestGroup ? KREST_ASSIGNOR : d.partitionAssignor() == null ? "" : d.partitionAssignor();
        return new Group(groupId, !krestGroup && d.isSimpleConsumerGroup(), assignor, groupState, type.name(), mixed,
                coordinator);
    }

    private static List<Consumer> consumers(String groupId, Optional<ConsumerGroupDescription> described,
                                            List<InstanceDescription> instances) {
        List<Consumer> result = new ArrayList<>();
        described.ifPresent(d -> d.members().stream().sorted(Comparator.comparing(MemberDescription::consumerId))
                .forEach(m -> result.add(new Consumer(groupId, m.consumerId(), m.groupInstanceId(),
                        m.clientId() == null ? "" : m.clientId(),
                        m.assignment().topicPartitions().stream()
                                .map(tp -> new PartitionRef(tp.topic(), tp.partition())).sorted().toList()))));
        for (InstanceDescription i : instances) {
            String name = i.instance().name();
            result.add(new Consumer(groupId, name, Optional.of(name), KREST_CLIENT_ID, i.partitions()));
        }
        return result;
    }

    /** @return the native description, empty when Kafka does not know the group (or reports it dead) */
    private Optional<ConsumerGroupDescription> describe(String groupId) {
        return Optional.ofNullable(describe(List.of(groupId)).get(groupId));
    }

    private Map<String, ConsumerGroupDescription> describe(Collection<String> groupIds) {
        Map<String, ConsumerGroupDescription> result = new HashMap<>();
        if (groupIds.isEmpty()) {
            return result;
        }
        var futures = admin.describeConsumerGroups(groupIds).describedGroups();
        for (var e : futures.entrySet()) {
            try {
                ConsumerGroupDescription d = KafkaFutures.get(e.getValue());
                if (d.groupState() != GroupState.DEAD) {
                    result.put(e.getKey(), d);
                }
            } catch (GroupIdNotFoundException notFound) {
                // deleted between listing and describing, or never existed
            }
        }
        return result;
    }

    private static RestException groupNotFound(String groupId) {
        return new RestException(ErrorCode.NOT_FOUND, "Consumer Group " + groupId + " could not be found.");
    }


    /** krest's live instances of a group that this view shows: all, or only the caller's under propagation. */
    private List<InstanceDescription> instances(String groupId, long now) {
        List<InstanceDescription> all = state.instances(groupId, now);
        return onlyPrincipal.map(p -> all.stream().filter(d -> d.instance().principal().equals(p)).toList())
                .orElse(all);
    }
}
