package io.github.krest.perf;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The native clients of the baselines, configured as krest configures its own. */
final class Kafka {
    private Kafka() {
    }

    /** @return a producer with krest's shared-producer settings: acks=all, linger.ms=1, idempotent (Kafka's default) */
    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.CLIENT_ID_CONFIG, "perf-native-producer"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * @return an assign-mode consumer with krest's reader settings: no group, fetch.max.wait.ms 100,
     *         receive.buffer.bytes -1 (the operating system's self-tuning socket buffer)
     */
    static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100,
                ConsumerConfig.RECEIVE_BUFFER_CONFIG, -1,
                ConsumerConfig.CLIENT_ID_CONFIG, "perf-native-consumer"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Topic settings that keep a scenario's records off the disk: at most about 256 MiB a partition is kept
     * (64 MiB segments, trimmed every 2 s by bin/krest-cluster's broker), and deleted files go within a second.
     * A full run produces 40 GB or more; kept, that fills the disk, and long before, once the page cache holds
     * gigabytes of dirty pages, the broker waits for the disk and the produce scenarios measure its write speed.
     */
    private static final Map<String, String> TOPIC_CONFIGS = Map.of(
            TopicConfig.RETENTION_BYTES_CONFIG, Long.toString(256L * 1024 * 1024),
            TopicConfig.SEGMENT_BYTES_CONFIG, Long.toString(64L * 1024 * 1024),
            TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, "1000");

    /**
     * Creates topics with the given partitions (replication 1) and {@link #TOPIC_CONFIGS}, leaving existing ones
     * alone.
     */
    static void createTopics(String bootstrap, int partitions, String... topics)
            throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (String t : topics) {
                try {
                    admin.createTopics(List.of(new NewTopic(t, partitions, (short) 1)
                            .configs(TOPIC_CONFIGS))).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
        awaitWritable(bootstrap, partitions, topics);
    }

    /**
     * Writes one empty record to each partition, one at a time, with a producer that is not idempotent, so that every
     * partition takes appends before a scenario starts. An idempotent producer (krest's shared one, or the native
     * baseline) that sends several batches at once to a partition whose leader is not ready yet can have the batch
     * with sequence 0 refused (NOT_LEADER_OR_FOLLOWER) while the broker takes the next as the partition's first; it
     * then retries that batch with OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout (2 minutes). A quick run
     * on a loaded machine saw it: the v3 stream scenario at 438 records/s.
     */
    private static void awaitWritable(String bootstrap, int partitions, String... topics)
            throws InterruptedException, ExecutionException {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.CLIENT_ID_CONFIG, "perf-topic-primer"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String t : topics) {
                for (int p = 0; p < partitions; p++) {
                    producer.send(new ProducerRecord<>(t, p, null, new byte[0])).get();
                }
            }
        }
    }

    /** Deletes topics and their records. */
    static void deleteTopics(String bootstrap, String... topics) throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.deleteTopics(List.of(topics)).all().get();
        }
    }

    /** A measurement on a topic. */
    @FunctionalInterface
    interface OnTopic<T> {
        T run(String topic) throws Exception;
    }

    /**
     * Runs {@code body} on a new topic, deleted afterwards (also when {@code body} fails).
     *
     * @param name the topic's name; it must not exist yet
     */
    static <T> T onNewTopic(String bootstrap, int partitions, String name, OnTopic<T> body) throws Exception {
        createTopics(bootstrap, partitions, name);
        try {
            return body.run(name);
        } finally {
            deleteTopics(bootstrap, name);
        }
    }
}
