package io.github.krest.proxy.core.admin;

import io.github.krest.proxy.core.KafkaFutures;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Brokers, their configs, the cluster-wide default broker configs and the partition replicas a broker hosts, read
 * and changed through the shared {@link Admin} client. Transport-neutral: the v3 HTTP layer renders the records.
 *
 * <p>Errors: an unknown broker is {@link RestException} 404/404 "Broker N cannot be found."; an unknown broker
 * config name 404/404 "Config X cannot be found for broker N."; Kafka's rejections (invalid value, config not
 * dynamically updatable) surface as Kafka exceptions that the error table maps (400/40002).
 *
 * <p>Source: Confluent {@code BrokerManagerImpl}, {@code BrokerConfigManagerImpl}, {@code ClusterConfigManagerImpl}
 * and {@code ReplicaManagerImpl} (docs/api.md, "API served").
 */
public final class BrokerAdminService {
    /** The resource of the dynamic cluster-wide defaults of every broker. */
    private static final ConfigResource CLUSTER_DEFAULTS = new ConfigResource(ConfigResource.Type.BROKER, "");

    private final Admin admin;

    /** @param admin the shared admin client */
    public BrokerAdminService(Admin admin) {
        this.admin = admin;
    }

    /**
     * A live broker.
     *
     * @param id broker id
     * @param host advertised host
     * @param port advertised port
     * @param rack rack, empty when none is configured
     */
    public record Broker(int id, String host, int port, Optional<String> rack) {
    }

    /**
     * A config synonym: where else the effective value could come from, in precedence order.
     *
     * @param name config name (may differ from the entry's, e.g. {@code log.retention.hours})
     * @param value its value, empty when sensitive or unset
     * @param source a {@link ConfigEntry.ConfigSource} name
     */
    public record Synonym(String name, Optional<String> value, String source) {
    }

    /**
     * One config entry of a broker or of the cluster-wide defaults.
     *
     * @param name config name
     * @param value value, empty when sensitive or unset
     * @param isDefault whether the value is Kafka's default
     * @param isReadOnly whether it cannot be changed dynamically
     * @param isSensitive whether the value is hidden
     * @param source a {@link ConfigEntry.ConfigSource} name, e.g. {@code DYNAMIC_BROKER_CONFIG}
     * @param synonyms synonyms in precedence order
     */
    public record ConfigValue(String name, Optional<String> value, boolean isDefault, boolean isReadOnly,
                              boolean isSensitive, String source, List<Synonym> synonyms) {
    }

    /**
     * A replica of a partition hosted on a broker.
     *
     * @param topic topic name
     * @param partition partition id
     * @param broker broker id
     * @param isLeader whether this replica leads the partition
     * @param isInSync whether it is in the ISR
     */
    public record Replica(String topic, int partition, int broker, boolean isLeader, boolean isInSync) {
    }

    /** What a config change does: set a value, or remove the dynamic value (back to the next synonym/default). */
    public enum Operation {
        SET, DELETE
    }

    /**
     * One config change.
     *
     * @param name config name
     * @param value the new value for {@link Operation#SET}; ignored for {@link Operation#DELETE}
     * @param operation what to do
     */
    public record ConfigChange(String name, Optional<String> value, Operation operation) {
    }

    /** @return the live brokers, by id */
    public List<Broker> brokers() {
        return KafkaFutures.get(admin.describeCluster().nodes()).stream()
                .sorted(Comparator.comparingInt(Node::id))
                .map(BrokerAdminService::broker)
                .toList();
    }

    /**
     * @param id broker id
     * @return the broker
     * @throws RestException 404/404 "Broker N cannot be found." when no live broker has that id
     */
    public Broker broker(int id) {
        return brokers().stream().filter(b -> b.id() == id).findFirst()
                .orElseThrow(() -> new RestException(ErrorCode.NOT_FOUND, "Broker " + id + " cannot be found."));
    }

    /**
     * @param brokerId broker id
     * @return every config of the broker, by name
     * @throws RestException 404 for an unknown broker
     */
    public List<ConfigValue> brokerConfigs(int brokerId) {
        broker(brokerId);
        return describe(List.of(brokerResource(brokerId))).get(brokerResource(brokerId));
    }

    /**
     * @param brokerId broker id
     * @param name config name
     * @return the config
     * @throws RestException 404 for an unknown broker or config name
     */
    public ConfigValue brokerConfig(int brokerId, String name) {
        return brokerConfigs(brokerId).stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> configNotFound(name, brokerId));
    }

    /** @return every config of every live broker: broker id to its configs by name, brokers by id */
    public Map<Integer, List<ConfigValue>> allBrokerConfigs() {
        List<ConfigResource> resources = brokers().stream().map(b -> brokerResource(b.id())).toList();
        Map<ConfigResource, List<ConfigValue>> described = resources.isEmpty() ? Map.of() : describe(resources);
        Map<Integer, List<ConfigValue>> result = new LinkedHashMap<>();
        for (ConfigResource r : resources) {
            result.put(Integer.parseInt(r.name()), described.getOrDefault(r, List.of()));
        }
        return result;
    }

    /**
     * Changes configs of one broker in one request. Every name must be a config the broker reports (Confluent's
     * "safe" update), so a typo answers 404 instead of being stored.
     *
     * @param brokerId broker id
     * @param changes changes, applied together
     * @param validateOnly whether Kafka only validates them
     * @throws RestException 404 for an unknown broker or config name
     */
    public void alterBrokerConfigs(int brokerId, List<ConfigChange> changes, boolean validateOnly) {
        List<ConfigValue> existing = brokerConfigs(brokerId);
        for (ConfigChange change : changes) {
            if (existing.stream().noneMatch(c -> c.name().equals(change.name()))) {
                throw configNotFound(change.name(), brokerId);
            }
        }
        alter(brokerResource(brokerId), changes, validateOnly);
    }

    /**
     * @param brokerId broker id
     * @return the replicas the broker hosts, of non-internal topics, by topic then partition
     * @throws RestException 404 for an unknown broker
     */
    public List<Replica> replicas(int brokerId) {
        broker(brokerId);
        List<String> topics = KafkaFutures.get(admin.listTopics().names()).stream().sorted().toList();
        if (topics.isEmpty()) {
            return List.of();
        }
        Map<String, TopicDescription> descriptions = KafkaFutures.get(admin.describeTopics(topics).allTopicNames());
        List<Replica> replicas = new ArrayList<>();
        for (String topic : topics) {
            TopicDescription d = descriptions.get(topic);
            if (d == null) {
                continue;
            }
            d.partitions().stream().sorted(Comparator.comparingInt(TopicPartitionInfo::partition)).forEach(p -> {
                boolean hosted = p.replicas().stream().anyMatch(n -> n.id() == brokerId);
                if (hosted) {
                    boolean leader = p.leader() != null && !p.leader().isEmpty() && p.leader().id() == brokerId;
                    boolean inSync = p.isr().stream().anyMatch(n -> n.id() == brokerId);
                    replicas.add(new Replica(topic, p.partition(), brokerId, leader, inSync));
                }
            });
        }
        return replicas;
    }

    /** @return the dynamic cluster-wide default broker configs that are set, by name */
    public List<ConfigValue> clusterConfigs() {
        return describe(List.of(CLUSTER_DEFAULTS)).get(CLUSTER_DEFAULTS);
    }

    /**
     * @param name config name
     * @return the cluster-wide default, empty when it is not set
     */
    public Optional<ConfigValue> clusterConfig(String name) {
        return clusterConfigs().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /**
     * Changes cluster-wide default broker configs in one request. Names are not checked here: a default may be
     * set that no broker has set yet, and Kafka rejects what it does not accept.
     *
     * @param changes changes, applied together
     * @param validateOnly whether Kafka only validates them
     */
    public void alterClusterConfigs(List<ConfigChange> changes, boolean validateOnly) {
        alter(CLUSTER_DEFAULTS, changes, validateOnly);
    }

    private void alter(ConfigResource resource, List<ConfigChange> changes, boolean validateOnly) {
        if (changes.isEmpty()) {
            return;
        }
        List<AlterConfigOp> ops = changes.stream().map(BrokerAdminService::op).toList();
        KafkaFutures.get(admin.incrementalAlterConfigs(Map.of(resource, ops), new AlterConfigsOptions().validateOnly(validateOnly))
                .all());
    }

    private static AlterConfigOp op(ConfigChange change) {
        return switch (change.operation()) {
            case SET -> new AlterConfigOp(new ConfigEntry(change.name(), change.value().orElse(null)),
                    AlterConfigOp.OpType.SET);
            case DELETE -> new AlterConfigOp(new ConfigEntry(change.name(), null), AlterConfigOp.OpType.DELETE);
        };
    }

    private Map<ConfigResource, List<ConfigValue>> describe(Collection<ConfigResource> resources) {
        Map<ConfigResource, Config> configs = KafkaFutures.get(admin.describeConfigs(resources,
                new DescribeConfigsOptions().includeSynonyms(true)).all());
        Map<ConfigResource, List<ConfigValue>> result = new LinkedHashMap<>();
        configs.forEach((resource, config) -> result.put(resource, config.entries().stream()
                .sorted(Comparator.comparing(ConfigEntry::name))
                .map(BrokerAdminService::value)
                .toList()));
        return result;
    }

    private static ConfigValue value(ConfigEntry e) {
        List<Synonym> synonyms = e.synonyms().stream()
                .map(s -> new Synonym(s.name(), Optional.ofNullable(s.value()), s.source().name()))
                .toList();
        return new ConfigValue(e.name(), Optional.ofNullable(e.value()), e.isDefault(), e.isReadOnly(),
                e.isSensitive(), e.source().name(), synonyms);
    }

    private static Broker broker(Node node) {
        return new Broker(node.id(), node.host(), node.port(), Optional.ofNullable(node.rack()));
    }

    private static ConfigResource brokerResource(int id) {
        return new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(id));
    }

    private static RestException configNotFound(String name, int brokerId) {
        return new RestException(ErrorCode.NOT_FOUND, "Config " + name + " cannot be found for broker " + brokerId
                + ".");
    }

}
