package io.github.krest.proxy.core;

import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Cluster, broker, topic and partition metadata read through the shared {@link Admin} client.
 *
 * <p>Failures surface as Kafka exceptions (mapped by {@code ErrorTable}: unknown topic 404/40403, invalid topic
 * 400/40002, unreachable cluster 500/50003) or as {@link RestException} (unknown partition 404/40402).
 */
public final class MetadataService {
    private final Admin admin;
    private final Cache<String, Integer> partitionCounts;
    private final Cache<String, Boolean> autoCreate;

    /**
     * @param admin the shared admin client
     * @param maxAge how long a partition count fetched for produce validation is reused
     */
    public MetadataService(Admin admin, Duration maxAge) {
        this.admin = admin;
        this.partitionCounts = Caffeine.newBuilder().expireAfterWrite(maxAge).maximumSize(10_000).build();
        this.autoCreate = Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(1)).maximumSize(1).build();
    }

    /** A replica of a partition: the broker, whether it leads, whether it is in sync. */
    public record Replica(int broker, boolean leader, boolean inSync) {
    }

    /** A partition: its id, leader broker (-1 when there is none) and replicas. */
    public record Partition(int partition, int leader, List<Replica> replicas) {
    }

    /** A topic: name, configs (name to value) and partitions in id order. */
    public record Topic(String name, Map<String, String> configs, List<Partition> partitions) {
    }

    /** The earliest and next offset of a partition. */
    public record PartitionOffsets(long beginningOffset, long endOffset) {
    }

    /** @return the shared admin client, for services that need more than metadata */
    public Admin admin() {
        return admin;
    }

    /** @return the cluster id, e.g. {@code MkU3OEVBNTcwNTJENDM2Qg} */
    public String clusterId() {
        return KafkaFutures.get(admin.describeCluster().clusterId());
    }

    /** @return ids of the live brokers, ascending */
    public List<Integer> brokers() {
        return KafkaFutures.get(admin.describeCluster().nodes()).stream().map(Node::id).sorted().toList();
    }

    /** @return names of the non-internal topics, sorted */
    public List<String> topicNames() {
        return KafkaFutures.get(admin.listTopics().names()).stream().sorted().toList();
    }

    /**
     * Describes one topic with its configs.
     *
     * @param name topic name
     * @return the topic
     * @throws UnknownTopicOrPartitionException (via the error table: 404/40403) when it does not exist
     */
    public Topic topic(String name) {
        TopicNames.requireValid(name);
        TopicDescription description = describe(name);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        Config config = KafkaFutures.get(admin.describeConfigs(List.of(resource)).all()).get(resource);
        Map<String, String> configs = new LinkedHashMap<>();
        config.entries().stream()
                .sorted(Comparator.comparing(e -> e.name()))
                .forEach(e -> configs.put(e.name(), e.value()));
        return new Topic(name, configs, partitions(description));
    }

    /**
     * @param topic topic name
     * @return its partitions in id order
     */
    public List<Partition> partitions(String topic) {
        TopicNames.requireValid(topic);
        return partitions(describe(topic));
    }

    /**
     * @param topic topic name
     * @param partition partition id
     * @return the partition
     * @throws RestException 404/40402 when the topic has no such partition
     */
    public Partition partition(String topic, int partition) {
        return partitions(topic).stream().filter(p -> p.partition() == partition).findFirst()
                .orElseThrow(() -> partitionNotFound(topic, partition));
    }

    /**
     * @param topic topic name
     * @param partition partition id
     * @return its earliest and latest (next) offsets
     * @throws RestException 404/40402 when the topic has no such partition
     */
    public PartitionOffsets offsets(String topic, int partition) {
        partition(topic, partition);
        TopicPartition tp = new TopicPartition(topic, partition);
        ListOffsetsResult earliest = admin.listOffsets(Map.of(tp, OffsetSpec.earliest()));
        ListOffsetsResult latest = admin.listOffsets(Map.of(tp, OffsetSpec.latest()));
        return new PartitionOffsets(KafkaFutures.get(earliest.partitionResult(tp)).offset(),
                KafkaFutures.get(latest.partitionResult(tp)).offset());
    }

    /**
     * The partition count used to validate produce requests, cached for {@code metadata.cache.max.age.ms}.
     *
     * @param topic a valid topic name
     * @return the count, or empty when the topic does not exist
     */
    public Optional<Integer> partitionCount(String topic) {
        // get(key, loader): requests that miss at once (every group of a fan-out rebalancing when the entry
        // expires) wait for one look-up instead of each asking Kafka (measured: 395 of a replica's 700 polls
        // queued on describeTopics at 1,000 instances)
        return Optional.ofNullable(partitionCounts.get(topic, t -> {
            try {
                return describe(t).partitions().size();
            } catch (UnknownTopicOrPartitionException e) {
                return null;
            }
        }));
    }

    /**
     * Whether the brokers create a topic on first produce ({@code auto.create.topics.enable}), read from one
     * broker's config and cached for a minute. When the config cannot be read (e.g. not authorised) this answers
     * {@code true}, leaving the decision to the producer.
     *
     * @return the broker setting
     */
    public boolean autoCreateTopics() {
        return autoCreate.get("", k -> {
            try {
                Node node = admin.describeCluster().nodes().get().stream().findFirst().orElse(null);
                if (node == null) {
                    return true;
                }
                ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node.idString());
                Config config = admin.describeConfigs(List.of(broker)).all().get().get(broker);
                var entry = config.get("auto.create.topics.enable");
                return entry == null || entry.value() == null || Boolean.parseBoolean(entry.value());
            } catch (ExecutionException e) {
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        });
    }

    /** @return 404/40402 for a partition the topic does not have */
    public static RestException partitionNotFound(String topic, int partition) {
        return new RestException(ErrorCode.PARTITION_NOT_FOUND,
                "Partition " + partition + " of topic " + topic + " not found.");
    }

    private TopicDescription describe(String name) {
        return KafkaFutures.get(admin.describeTopics(List.of(name)).allTopicNames()).get(name);
    }

    private static List<Partition> partitions(TopicDescription description) {
        return description.partitions().stream()
                .sorted(Comparator.comparingInt(TopicPartitionInfo::partition))
                .map(MetadataService::partition)
                .toList();
    }

    private static Partition partition(TopicPartitionInfo info) {
        int leader = info.leader() == null || info.leader().isEmpty() ? -1 : info.leader().id();
        List<Replica> replicas = info.replicas().stream()
                .map(n -> new Replica(n.id(), n.id() == leader,
                        info.isr().stream().anyMatch(i -> i.id() == n.id())))
                .toList();
        return new Partition(info.partition(), leader, replicas);
    }

}
