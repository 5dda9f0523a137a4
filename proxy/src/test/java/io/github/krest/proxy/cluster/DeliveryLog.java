package io.github.krest.proxy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The records a test has received from v2 {@code GET .../records} (binary format), checked as they arrive: each
 * record is from the expected topic, no (partition, offset) arrives twice, and within a partition offsets only grow.
 * At the end a test compares {@link #byPosition()} with what it produced, which proves "every record exactly once".
 */
final class DeliveryLog {
    private final String topic;
    private final NavigableMap<Position, String> values = new TreeMap<>();
    private final Map<Integer, Long> lastOffset = new HashMap<>();

    /** A record's place in the topic. */
    record Position(int partition, long offset) implements Comparable<Position> {
        @Override
        public int compareTo(Position o) {
            return partition != o.partition ? Integer.compare(partition, o.partition) : Long.compare(offset, o.offset);
        }
    }

    /** @param topic the topic every record must come from */
    DeliveryLog(String topic) {
        this.topic = topic;
    }

    /**
     * Adds the records of one poll response, failing at the first duplicate or out-of-order record.
     *
     * @param records the JSON array a poll answered
     * @param source where they came from, for failure messages (e.g. the instance)
     * @return how many records were added
     */
    int add(JsonNode records, String source) {
        assertTrue(records != null && records.isArray(), () -> source + ": records response is not an array: "
                + records);
        for (JsonNode record : records) {
            assertEquals(topic, record.path("topic").asText(), () -> source + ": wrong topic in " + record);
            assertTrue(record.has("key") && record.has("value") && record.has("partition") && record.has("offset"),
                    () -> source + ": record lacks a Confluent v2 field: " + record);
            Position position = new Position(record.get("partition").asInt(), record.get("offset").asLong());
            if (values.containsKey(position)) {
                fail(source + ": delivered twice: " + position + " " + record);
            }
            Long last = lastOffset.get(position.partition());
            if (last != null && position.offset() <= last) {
                fail(source + ": out of order in partition " + position.partition() + ": offset "
                        + position.offset() + " after " + last);
            }
            lastOffset.put(position.partition(), position.offset());
            values.put(position, new String(Base64.getDecoder().decode(record.get("value").asText()),
                    StandardCharsets.UTF_8));
        }
        return records.size();
    }

    /** @return how many records arrived */
    int size() {
        return values.size();
    }

    /** @return the partitions records arrived from */
    Set<Integer> partitions() {
        return new TreeSet<>(lastOffset.keySet());
    }

    /** @return every record's value by position, in partition then offset order */
    NavigableMap<Position, String> byPosition() {
        return new TreeMap<>(values);
    }
}
