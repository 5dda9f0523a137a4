package io.github.krest.state;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A group's stored partition assignment.
 *
 * @param generation  increases with every stored assignment; 0 when none was stored
 * @param fingerprint the {@link GroupMembership#fingerprint()} the assignment was computed from; empty when none
 * @param partitions  member instance name to its partitions (sorted), sorted by member
 */
public record GroupAssignment(long generation, String fingerprint, Map<String, List<PartitionRef>> partitions) {

    /** The assignment of a group that never stored one. */
    public static final GroupAssignment EMPTY = new GroupAssignment(0, "", Map.of());

    public GroupAssignment {
        Objects.requireNonNull(fingerprint, "fingerprint");
        TreeMap<String, List<PartitionRef>> copy = new TreeMap<>();
        partitions.forEach((member, list) -> copy.put(member, list.stream().sorted().distinct().toList()));
        partitions = Collections.unmodifiableMap(copy);
    }

    /**
     * @param member an instance name
     * @return its partitions, empty if it has none in this assignment
     */
    public List<PartitionRef> partitionsOf(String member) {
        return partitions.getOrDefault(member, List.of());
    }
}
