package io.github.krest.state;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of {@link ConsumerStateStore#storeAssignment}.
 *
 * @param stored           whether the compare-and-set succeeded
 * @param revokedPositions when stored: per member, the positions it had for partitions it lost (now dropped from the
 *                         store), so the caller may commit them for members with auto-commit on; empty otherwise
 */
public record AssignmentUpdate(boolean stored, Map<String, Map<PartitionRef, Long>> revokedPositions) {

    /** The outcome of a failed compare-and-set. */
    public static final AssignmentUpdate REJECTED = new AssignmentUpdate(false, Map.of());

    public AssignmentUpdate {
        TreeMap<String, Map<PartitionRef, Long>> copy = new TreeMap<>();
        revokedPositions.forEach((member, positions) -> copy.put(member, Map.copyOf(positions)));
        revokedPositions = Collections.unmodifiableMap(copy);
    }
}
