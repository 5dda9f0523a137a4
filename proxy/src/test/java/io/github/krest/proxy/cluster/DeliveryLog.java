package io.github.krest.proxy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
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
 *
 * <p>A strict log ({@link #DeliveryLog(String)}) fails the test at the first record that arrives twice or out of
 * order; a counting log ({@link #counting(String)}, for a soak that reports before it asserts) counts them instead
 * and keeps the first few as examples.
 */
final class DeliveryLog {
    private static final int EXAMPLES = 10;

    private final String topic;
    private final boolean strict;
    private final NavigableMap<Position, String> values = new TreeMap<>();
    private final Map<Integer, Long> lastOffset = new HashMap<>();
    private final List<String> examples = new ArrayList<>();
    private long duplicates;
    private long outOfOrder;

    /** A record's place in the topic. */
    record Position(int partition, long offset) implements Comparable<Position> {
        @Override
        public int compareTo(Position o) {
            return partition != o.partition ? Integer.compare(partition, o.partition) : Long.compare(offset, o.offset);
        }
    }

    /** @param topic the topic every record must come from; the log is strict */
    DeliveryLog(String topic) {
        this(topic, true);
    }

    private DeliveryLog(String topic, boolean strict) {
        this.topic = topic;
        this.strict = strict;
    }

    /** @return a log of {@code topic} that counts records arriving twice or out of order instead of failing */
    static DeliveryLog counting(String topic) {
        return new DeliveryLog(topic, false);
    }

    /**
     * Adds the records of one poll response; a strict log fails at the first duplicate or out-of-order record, a
     * counting one counts it (a duplicate is not added again).
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
                duplicates++;
                anomaly(source + ": delivered twice: " + position + " " + record);
                continue;
            }
            Long last = lastOffset.get(position.partition());
            if (last != null && position.offset() <= last) {
                outOfOrder++;
                anomaly(source + ": out of order in partition " + position.partition() + ": offset "
                        + position.offset() + " after " + last);
            }
            lastOffset.put(position.partition(), Math.max(position.offset(), last == null ? -1 : last));
            values.put(position, new String(Base64.getDecoder().decode(record.get("value").asText()),
                    StandardCharsets.UTF_8));
        }
        return records.size();
    }

    private void anomaly(String message) {
        if (strict) {
            fail(message);
        }
        if (examples.size() < EXAMPLES) {
            examples.add(message);
        }
    }

    /** @return how many records arrived again at a position already delivered (0 for a strict log) */
    long duplicates() {
        return duplicates;
    }

    /** @return how many records arrived below an offset already delivered in their partition (not twice) */
    long outOfOrder() {
        return outOfOrder;
    }

    /** @return the first duplicates and out-of-order arrivals, described */
    List<String> anomalies() {
        return List.copyOf(examples);
    }

    /** @return the highest offset delivered per partition */
    Map<Integer, Long> lastOffsets() {
        return Map.copyOf(lastOffset);
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
