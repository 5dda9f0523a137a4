package io.github.krest.state;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A topic partition, the state store's counterpart of Kafka's {@code TopicPartition} (kept separate so this
 * module does not depend on kafka-clients).
 *
 * @param topic     a legal Kafka topic name: 1 to 249 characters of {@code [a-zA-Z0-9._-]}
 * @param partition the partition number, {@code >= 0}
 */
public record PartitionRef(String topic, int partition) implements Comparable<PartitionRef> {

    private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    /**
     * @throws IllegalArgumentException if the topic is not a legal Kafka topic name or the partition is negative
     */
    public PartitionRef {
        requireLegalTopic(topic);
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0: " + partition);
        }
    }

    /**
     * Checks a topic name against Kafka's rules; the stores rely on it to encode topics without escaping.
     *
     * @param topic a topic name
     * @return the same name
     * @throws IllegalArgumentException if it is not a legal Kafka topic name
     */
    public static String requireLegalTopic(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (!LEGAL_TOPIC.matcher(topic).matches()) {
            throw new IllegalArgumentException("not a legal Kafka topic name: '" + topic + "'");
        }
        return topic;
    }

    @Override
    public int compareTo(PartitionRef other) {
        int byTopic = topic.compareTo(other.topic);
        return byTopic != 0 ? byTopic : Integer.compare(partition, other.partition);
    }

    /** @return {@code topic-partition}, as Kafka prints a {@code TopicPartition} */
    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
