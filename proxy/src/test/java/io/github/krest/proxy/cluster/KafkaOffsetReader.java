package io.github.krest.proxy.cluster;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.github.krest.proxy.testing.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** End offsets and committed group offsets, read from Kafka itself with {@link TestKafka#admin()} or a given admin. */
final class KafkaOffsetReader {
    private static final Comparator<TopicPartition> BY_PARTITION = Comparator.comparingInt(TopicPartition::partition);

    private KafkaOffsetReader() {
    }

    /** @return every partition of {@code topic} with its end offset (next offset to be written) */
    static Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        return endOffsets(TestKafka.admin(), topic);
    }

    /** @return as {@link #endOffsets(String)}, read with {@code admin} (another cluster than {@link TestKafka}) */
    static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                .partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new TreeMap<>(BY_PARTITION);
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
                .forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /**
     * The group's committed offsets via {@code Admin.listConsumerGroupOffsets}, re-read for up to 15 s until they
     * equal {@code expected} (a commit may complete after its HTTP answer); the last reading otherwise.
     */
    static Map<TopicPartition, Long> awaitCommitted(String group, Map<TopicPartition, Long> expected)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed = TestKafka.admin().listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, Long> offsets = new TreeMap<>(BY_PARTITION);
            committed.forEach((tp, om) -> {
                if (om != null) {
                    offsets.put(tp, om.offset());
                }
            });
            if (offsets.equals(expected) || System.nanoTime() > deadline) {
                return offsets;
            }
            Thread.sleep(200);
        }
    }
}
