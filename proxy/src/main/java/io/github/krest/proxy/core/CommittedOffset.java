package io.github.krest.proxy.core;

/**
 * A consumer group's committed offset of one partition, as Kafka stores it: the next offset to consume, and the
 * commit's metadata.
 *
 * @param offset   the next offset to consume, {@code >= 0}
 * @param metadata the commit's metadata; empty string when none
 */
public record CommittedOffset(long offset, String metadata) {
}
