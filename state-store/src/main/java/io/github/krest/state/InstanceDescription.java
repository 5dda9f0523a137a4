package io.github.krest.state;

import java.util.List;
import java.util.Objects;

/**
 * A live instance as listed by {@link ConsumerStateStore#instances} for the admin API.
 *
 * @param instance     the instance
 * @param expiresAtMs  when it expires unless used again, epoch ms
 * @param lastCommitMs when its positions were last committed, epoch ms (creation time before the first commit)
 * @param partitions   the partitions it owns, sorted: its share of the stored assignment (SUBSCRIBE), its manual
 *                     partitions (ASSIGN) or none
 */
public record InstanceDescription(ConsumerInstance instance, long expiresAtMs, long lastCommitMs,
                                  List<PartitionRef> partitions) {

    public InstanceDescription {
        Objects.requireNonNull(instance, "instance");
        partitions = partitions.stream().sorted().distinct().toList();
    }
}
