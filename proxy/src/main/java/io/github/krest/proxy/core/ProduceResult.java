package io.github.krest.proxy.core;

import java.time.Instant;

/**
 * Where Kafka stored a produced record.
 *
 * @param partition partition id
 * @param offset offset in the partition
 * @param timestamp the record timestamp Kafka returned
 */
public record ProduceResult(int partition, long offset, Instant timestamp) {
}
