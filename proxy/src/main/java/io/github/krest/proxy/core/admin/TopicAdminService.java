package io.github.krest.proxy.core.admin;

import io.github.krest.proxy.core.KafkaFutures;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.github.krest.proxy.core.TopicNames;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Topic administration through the shared {@link Admin} client: list, create, describe, add partitions, delete,
 * topic configs (with synonyms) and partition reassignments. Partition metadata and offsets are read through
 * {@code MetadataService}.
 *
 * <p>Kafka failures surface as Kafka exceptions, mapped by {@code ErrorTable} (unknown topic 404/40403, topic
 * exists / invalid partitions / invalid config 400/40002); krest's own checks throw {@link RestException}.
 * Source of the semantics: Confluent {@code TopicManagerImpl}, {@code TopicConfigManagerImpl},
 * {@code ReassignmentManagerImpl}.
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

    /** A config synonym: where a value would come from, most specific first. */
    public record Synonym(String name, Optional<String> value, String source) {
    }

    /**
     * One topic config.
     *
     * @param name config name
     * @param value its value; empty when sensitive or unset
     * @param isDefault whether it is Kafka's default
     * @param readOnly whether it can be altered
     * @param sensitive whether the value is hidden
     * @param source Kafka {@code ConfigEntry.ConfigSource} name, e.g. {@code DYNAMIC_TOPIC_CONFIG}
     * @param synonyms synonyms, most specific first
     */
    public record ConfigInfo(String name, Optional<String> value, boolean isDefault, boolean readOnly,
                             boolean sensitive, String source, List<Synonym> synonyms) {
    }

    /** How {@link ConfigChange} alters a config. */
    public enum Operation {
        /** Set the value. */
        SET,
        /** Remove the topic-level value, reverting to the default. */
        DELETE
    }

    /**
     * One config change.
     *
     * @param name config name
     * @param value the value for {@link Operation#SET}
     * @param operation set or delete
     */
    public record ConfigChange(String name, Optional<String> value, Operation operation) {
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
     * @param topic topic name
     * @return its configs sorted by name, with synonyms
     * @throws UnknownTopicOrPartitionException (404/40403) when the topic does not exist
     */
    public List<ConfigInfo> describeConfigs(String topic) {
        TopicNames.requireValid(topic);
        ConfigResource resource = resource(topic);
        return configs(KafkaFutures.get(admin.describeConfigs(List.of(resource),
                new DescribeConfigsOptions().includeSynonyms(true)).values().get(resource)));
    }

    /**
     * @param topic topic name
     * @param name config name
     * @return the config
     * @throws RestException 404/404 when the topic has no such config
     */
    public ConfigInfo describeConfig(String topic, String name) {
        return describeConfigs(topic).stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> configNotFound(topic, name));
    }

    private static RestException configNotFound(String topic, String name) {
        return new RestException(ErrorCode.NOT_FOUND, "Config " + name + " cannot be found for topic " + topic + ".");
    }

    /**
     * The configs of every non-internal topic.
     *
     * @return topic name to its configs, topics sorted by name; a topic deleted while listing is left out
     */
    public Map<String, List<ConfigInfo>> describeAllConfigs() {
        List<String> names = KafkaFutures.get(admin.listTopics().names()).stream().sorted().toList();
        if (names.isEmpty()) {
            return Map.of();
        }
        Map<ConfigResource, KafkaFuture<Config>> futures = admin.describeConfigs(
                names.stream().map(TopicAdminService::resource).toList(),
                new DescribeConfigsOptions().includeSynonyms(true)).values();
        Map<String, List<ConfigInfo>> result = new LinkedHashMap<>();
        for (String name : names) {
            try {
                result.put(name, configs(KafkaFutures.get(futures.get(resource(name)))));
            } catch (UnknownTopicOrPartitionException deleted) {
                // deleted between list and describe
            }
        }
        return result;
    }

    /**
     * Changes configs of one topic.
     *
     * @param topic topic name
     * @param changes the changes, applied together
     * @param validateOnly whether Kafka should only validate
     * @throws org.apache.kafka.common.errors.InvalidConfigurationException (400/40002) for a bad name or value
     */
    public void alterConfigs(String topic, List<ConfigChange> changes, boolean validateOnly) {
        TopicNames.requireValid(topic);
        Map<String, RuntimeException> failures = alterConfigs(Map.of(topic, changes), validateOnly);
        if (!failures.isEmpty()) {
            throw failures.values().iterator().next();
        }
    }

    /**
     * Changes one config that must exist (Confluent's "safe" update: an unknown name answers 404, not Kafka's 400).
     *
     * @param topic topic name
     * @param change the change
     * @throws RestException 404/404 when the topic has no such config
     */
    public void alterExistingConfig(String topic, ConfigChange change) {
        describeConfig(topic, change.name());
        alterConfigs(topic, List.of(change), false);
    }

    /**
     * Changes configs of several topics in one Kafka request once every topic and every config name is known to
     * exist; each topic then succeeds or fails on its own (Confluent's "safe" multi-topic alter,
     * {@code AbstractConfigManager.safeAlterMultipleConfigs}).
     *
     * @param changes topic name to its changes
     * @param validateOnly whether Kafka should only validate
     * @return topic name to its failure (e.g. a value Kafka refuses), in request order; empty when all succeeded
     * @throws UnknownTopicOrPartitionException (404/40403) when a topic does not exist, and nothing is changed
     * @throws RestException 404/404 when a topic has no config of a given name, and nothing is changed
     */
    public Map<String, RuntimeException> alterExistingConfigs(Map<String, List<ConfigChange>> changes,
                                                              boolean validateOnly) {
        Map<ConfigResource, Config> existing = KafkaFutures.get(admin.describeConfigs(
                changes.keySet().stream().map(TopicAdminService::resource).toList()).all());
        changes.forEach((topic, list) -> {
            Config config = existing.get(resource(topic));
            for (ConfigChange change : list) {
                if (config == null || config.get(change.name()) == null) {
                    throw configNotFound(topic, change.name());
                }
            }
        });
        return alterConfigs(changes, validateOnly);
    }

    /** Changes configs of several topics in one Kafka request. @return topic name to its failure, in order */
    private Map<String, RuntimeException> alterConfigs(Map<String, List<ConfigChange>> changes,
                                                       boolean validateOnly) {
        Map<ConfigResource, Collection<AlterConfigOp>> ops = new LinkedHashMap<>();
        changes.forEach((topic, list) -> ops.put(resource(topic), list.stream()
                .map(c -> new AlterConfigOp(new ConfigEntry(c.name(), c.value().orElse(null)),
                        c.operation() == Operation.SET ? AlterConfigOp.OpType.SET : AlterConfigOp.OpType.DELETE))
                .toList()));
        Map<ConfigResource, KafkaFuture<Void>> futures = admin.incrementalAlterConfigs(ops,
                new AlterConfigsOptions().validateOnly(validateOnly)).values();
        Map<String, RuntimeException> failures = new LinkedHashMap<>();
        for (String topic : changes.keySet()) {
            try {
                KafkaFutures.get(futures.get(resource(topic)));
            } catch (RuntimeException e) {
                failures.put(topic, e);
            }
        }
        return failures;
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

    private static List<ConfigInfo> configs(Config config) {
        return config.entries().stream()
                .sorted(Comparator.comparing(ConfigEntry::name))
                .map(e -> new ConfigInfo(e.name(), Optional.ofNullable(e.value()), e.isDefault(), e.isReadOnly(),
                        e.isSensitive(), source(e.source()), e.synonyms().stream()
                                .map(s -> new Synonym(s.name(), Optional.ofNullable(s.value()), source(s.source())))
                                .toList()))
                .toList();
    }

    private static String source(ConfigEntry.ConfigSource source) {
        return source == null ? "UNKNOWN" : source.name();
    }

    private static ConfigResource resource(String topic) {
        return new ConfigResource(ConfigResource.Type.TOPIC, topic);
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
