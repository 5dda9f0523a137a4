package io.github.krest.proxy.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * One real single-node KRaft cluster for the whole test run (Kafka's own {@code KafkaClusterTestKit}, in this JVM),
 * started on first use and stopped when the JVM exits. Topics are never auto-created, so tests create what they
 * use and can observe the missing-topic path.
 */
public final class TestKafka {
    private static KafkaClusterTestKit cluster;
    private static Admin admin;

    private TestKafka() {
    }

    /**
     * One combined broker and controller whose data lives in a directory of our own, deleted by
     * {@code KafkaClusterTestKit.close()} once the node has stopped. Left to itself the test kit takes a directory from
     * Kafka's {@code TestUtils.tempDirectory}, which registers a JVM shutdown hook deleting it; that hook runs
     * alongside the one that closes the cluster, so a node still running at exit lost its log directory and Kafka's
     * log-directory failure handler halted the JVM with status 1 after every test had passed (surefire then reports
     * "Error occurred in starting fork"; seen in CI, traced by {@link KafkaExitTrap}).
     *
     * @return nodes for a {@code KafkaClusterTestKit.Builder}; set more on them before {@code build()}
     */
    public static TestKitNodes.Builder singleNode() {
        try {
            return new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                    .setBaseDirectory(Files.createTempDirectory("krest-test-kafka-"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a directory for a test Kafka node", e);
        }
    }

    /** @return the bootstrap servers of the shared cluster, starting it if needed */
    public static synchronized String bootstrapServers() {
        if (cluster == null) {
            try {
                KafkaExitTrap.install();
                KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(singleNode().build())
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("offsets.topic.num.partitions", "3")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .setConfigProp("auto.create.topics.enable", "false")
                        .build();
                kit.format();
                kit.startup();
                kit.waitForReadyBrokers();
                cluster = kit;
                admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers()));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        admin.close();
                        kit.close();
                    } catch (Exception ignored) {
                        // the JVM is exiting
                    }
                }));
            } catch (Exception e) {
                throw new IllegalStateException("Cannot start the test Kafka cluster", e);
            }
        }
        return cluster.bootstrapServers();
    }

    /**
     * A single-node cluster of its own with KRaft's {@code StandardAuthorizer}, whose PLAINTEXT clients are the
     * super user {@code User:ANONYMOUS} (so krest may create and delete ACLs); for ACL tests. Close it when done.
     *
     * @return the started cluster
     */
    public static KafkaClusterTestKit startWithAuthorizer() {
        try {
            KafkaExitTrap.install();
            KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(singleNode().build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                    .setConfigProp("super.users", "User:ANONYMOUS")
                    .setConfigProp("allow.everyone.if.no.acl.found", "true")
                    .build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            return kit;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start a test Kafka cluster with an authorizer", e);
        }
    }

    /** @return an admin client of the shared cluster */
    public static synchronized Admin admin() {
        bootstrapServers();
        return admin;
    }

    /**
     * Creates a topic and waits until it is ready.
     *
     * @param name topic name
     * @param partitions partition count
     * @return {@code name}
     */
    public static String createTopic(String name, int partitions) {
        return createTopic(name, partitions, Map.of());
    }

    /**
     * Creates a topic with topic configs and waits until it is ready.
     *
     * @param name topic name
     * @param partitions partition count
     * @param configs topic configs, e.g. {@code retention.ms=-1} for records stamped long ago
     * @return {@code name}
     */
    public static String createTopic(String name, int partitions, Map<String, String> configs) {
        try {
            admin().createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all()
                    .get(30, TimeUnit.SECONDS);
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                try {
                    var description = admin().describeTopics(List.of(name)).allTopicNames().get().get(name);
                    if (description.partitions().stream().allMatch(p -> p.leader() != null)) {
                        return name;
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    // the new topic's metadata may not have reached the broker yet
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException("Topic " + name + " has no leaders");
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create topic " + name, e);
        }
    }

    /**
     * Reads every record of a topic from the beginning with a plain Kafka consumer.
     *
     * @param topic topic name
     * @param expected how many records to wait for
     * @return the records, in partition then offset order
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (records.size() < expected && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            records.sort((a, b) -> a.partition() != b.partition()
                    ? Integer.compare(a.partition(), b.partition()) : Long.compare(a.offset(), b.offset()));
            return records;
        }
    }

    /**
     * Reads every record a topic holds now, from the beginning up to its partitions' end offsets, with a plain
     * Kafka consumer: unlike {@link #readAll}, it needs no expected count, so it also shows that nothing more is
     * there.
     *
     * @param topic topic name
     * @return the records, in partition then offset order
     */
    public static List<ConsumerRecord<byte[], byte[]>> readToEnd(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        records.add(r);
                    }
                }
            }
            records.sort((a, b) -> a.partition() != b.partition()
                    ? Integer.compare(a.partition(), b.partition()) : Long.compare(a.offset(), b.offset()));
            return records;
        }
    }
}
