package io.github.krest.state;

import java.util.Map;
import java.util.Objects;

/**
 * An instance removed by {@link ConsumerStateStore#deleteInstance} or {@link ConsumerStateStore#sweepExpired},
 * with its last positions so the caller can commit them when auto-commit is on (docs/architecture.md,
 * "Commits and handover").
 *
 * @param instance  the instance as it was stored
 * @param positions next offset to deliver per partition at removal time
 */
public record RemovedInstance(ConsumerInstance instance, Map<PartitionRef, Long> positions) {

    public RemovedInstance {
        Objects.requireNonNull(instance, "instance");
        positions = Map.copyOf(positions);
    }
}
