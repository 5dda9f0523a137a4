package io.github.krest.proxy.core.admin;

import io.github.krest.proxy.core.KafkaFutures;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.github.krest.proxy.core.TopicNames;
import io.github.krest.proxy.error.RestException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Topic administration through the shared {@link Admin} client: list, create, describe, add partitions, delete,
 * and partition reassignments. Topic configs are {@link TopicConfigAdminService}'s; partition metadata and offsets
 * are read through {@code MetadataService}.
 *
 * <p>Kafka failures surface as Kafka exceptions, mapped by {@code ErrorTable} (unknown topic 404/40403, topic
 * exists / invalid partitions / invalid config 400/40002); krest's own checks throw {@link RestException}.
 * Source of the semantics: Confluent {@code TopicManagerImpl}, {@code ReassignmentManagerImpl}.
 */
public final class TopicAdminService {
    private final Admin admin;

    /** @param admin the shared admin client */
    public TopicAdminService(Admin admin) {
        this.admin = admin;
    }

    /**
     * A topic.
     *
     * @param name topic name
     * @param internal whether Kafka marks it internal
     * @param replicationFactor replicas of its first partition (0 when unknown)
     * @param partitionsCount number of partitions
     * @param authorizedOperations operation names (e.g. {@code READ}); empty unless requested
     */
    public record TopicInfo(String name, boolean internal, int replicationFactor, int partitionsCount,
                            List<String> authorizedOperations) {
    }

    /**
     * What to create. {@code assignments}, when not empty, fixes the partition count and replication factor.
     *
     * @param name topic name (already validated)
     * @param partitions partition count, broker default when empty
     * @param replicationFactor replication factor, broker default when empty
     * @param assignments partition id to broker ids
     * @param configs topic configs
     */
    public record NewTopicSpec(String name, Optional<Integer> partitions, Optional<Short> replicationFactor,
                               Map<Integer, List<Integer>> assignments, Map<String, String> configs) {
    }

    /** An ongoing reassignment of one partition. */
    public record Reassignment(String topic, int partition, List<Integer> addingReplicas,
                               List<Integer> removingReplicas) {
    }

    /**
     * Non-internal topics, sorted by name.
     *
     * @param includeAuthorizedOperations whether to ask Kafka for the caller's operations on each
     * @return the topics; a topic deleted while listing is left out
     */
    public List<TopicInfo> listTopics(boolean includeAuthorizedOperations) {
        List<String> names = KafkaFutures.get(admin.listTopics().names()).stream().sorted().toList();
        if (names.isEmpty()) {
            return List.of();
        }
        Map<String, KafkaFuture<TopicDescription>> futures = admin.describeTopics(names,
                new DescribeTopicsOptions().includeAuthorizedOperations(includeAuthorizedOperations))
                .topicNameValues();
        List<TopicInfo> topics = new ArrayList<>(names.size());
        for (String name : names) {
            try {
                topics.add(topic(KafkaFutures.get(futures.get(name))));
            } catch (UnknownTopicOrPartitionException deleted) {
                // deleted between list and describe
            }
        }
        return topics;
    }

    /**
     * @param name topic name
     * @param includeAuthorizedOperations whether to ask Kafka for the caller's operations
     * @return the topic
     * @throws UnknownTopicOrPartitionException (404/40403) when it does not exist
     */
    public TopicInfo describeTopic(String name, boolean includeAuthorizedOperations) {
        TopicNames.requireValid(name);
        return topic(KafkaFutures.get(admin.describeTopics(List.of(name),
                new DescribeTopicsOptions().includeAuthorizedOperations(includeAuthorizedOperations))
                .topicNameValues().get(name)));
    }

    /**
     * Creates a topic, or only validates the request.
     *
     * @param spec what to create
     * @param validateOnly whether Kafka should only validate
     * @return the topic as Kafka reports it: partition count and replication factor actually used (0 when Kafka
     *         does not tell)
     * @throws org.apache.kafka.common.errors.TopicExistsException (400/40002) when it exists
     */
    public TopicInfo createTopic(NewTopicSpec spec, boolean validateOnly) {
        NewTopic topic = spec.assignments().isEmpty()
                ? new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor())
                : new NewTopic(spec.name(), spec.assignments());
        topic.configs(spec.configs());
        CreateTopicsResult result = admin.createTopics(List.of(topic),
                new CreateTopicsOptions().validateOnly(validateOnly));
        KafkaFutures.get(result.all());
        int partitions = orDefault(result.numPartitions(spec.name()),
                spec.assignments().isEmpty() ? spec.partitions().orElse(0) : spec.assignments().size());
        int replicationFactor = orDefault(result.replicationFactor(spec.name()),
                spec.assignments().isEmpty() ? spec.replicationFactor().map(Short::intValue).orElse(0)
                        : spec.assignments().values().iterator().next().size());
        return new TopicInfo(spec.name(), false, replicationFactor, partitions, List.of());
    }

    /**
     * Raises the partition count.
     *
     * @param name topic name
     * @param partitionsCount the new total count
     * @return the topic after the change
     * @throws org.apache.kafka.common.errors.InvalidPartitionsException (400/40002) when not an increase
     */
    public TopicInfo createPartitions(String name, int partitionsCount) {
        TopicNames.requireValid(name);
        KafkaFutures.get(admin.createPartitions(Map.of(name, NewPartitions.increaseTo(partitionsCount))).all());
        TopicInfo described = describeTopic(name, false);
        // the controller has accepted the count; metadata may lag behind it for a moment
        return described.partitionsCount() >= partitionsCount ? described
                : new TopicInfo(name, described.internal(), described.replicationFactor(), partitionsCount,
                        described.authorizedOperations());
    }

    /**
     * @param name topic name
     * @throws UnknownTopicOrPartitionException (404/40403) when it does not exist
     */
    public void deleteTopic(String name) {
        TopicNames.requireValid(name);
        KafkaFutures.get(admin.deleteTopics(List.of(name)).all());
    }

    /**
     * Ongoing partition reassignments.
     *
     * @param topic only this topic's, or all when empty; a topic that does not exist has none (Confluent
     *              {@code ReassignmentManagerImpl} filters the cluster's list too, so its search answers 200 empty)
     * @return reassignments sorted by topic and partition
     */
    public List<Reassignment> listPartitionReassignments(Optional<String> topic) {
        Map<TopicPartition, PartitionReassignment> all =
                KafkaFutures.get(admin.listPartitionReassignments().reassignments());
        return all.entrySet().stream()
                .filter(e -> topic.map(t -> t.equals(e.getKey().topic())).orElse(true))
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(TopicPartition::topic)
                        .thenComparingInt(TopicPartition::partition)))
                .map(e -> new Reassignment(e.getKey().topic(), e.getKey().partition(),
                        List.copyOf(e.getValue().addingReplicas()), List.copyOf(e.getValue().removingReplicas())))
                .toList();
    }

    /**
     * @param topic topic name
     * @param partition partition id
     * @return its ongoing reassignment, empty when there is none
     */
    public Optional<Reassignment> partitionReassignment(String topic, int partition) {
        TopicNames.requireValid(topic);
        TopicPartition tp = new TopicPartition(topic, partition);
        PartitionReassignment r = KafkaFutures.get(admin.listPartitionReassignments(Set.of(tp)).reassignments()).get(tp);
        return r == null ? Optional.empty() : Optional.of(new Reassignment(topic, partition,
                List.copyOf(r.addingReplicas()), List.copyOf(r.removingReplicas())));
    }

    private static TopicInfo topic(TopicDescription d) {
        int replicationFactor = d.partitions().isEmpty() ? 0 : d.partitions().getFirst().replicas().size();
        Set<AclOperation> ops = d.authorizedOperations();
        List<String> operations = ops == null ? List.of()
                : ops.stream().map(AclOperation::name).sorted().toList();
        return new TopicInfo(d.name(), d.isInternal(), replicationFactor, d.partitions().size(), operations);
    }

    private static int orDefault(KafkaFuture<Integer> future, int fallback) {
        try {
            Integer value = KafkaFutures.get(future);
            return value == null || value < 0 ? fallback : value;
        } catch (RuntimeException notReported) {
            // older brokers do not return the values used
            return fallback;
        }
    }
}
