package io.github.krest.proxy.record;

import java.util.List;
import java.util.Optional;


/**
 * A record read from Kafka for a REST consumer, before it is rendered in an embedded format.
 *
 * @param topic topic name
 * @param partition partition id
 * @param offset offset
 * @param timestamp record timestamp, epoch ms
 * @param key key bytes, empty for a null key
 * @param value value bytes, empty for a null value
 * @param headers headers in order
 */
public record ConsumedRecord(String topic, int partition, long offset, long timestamp, Optional<byte[]> key,
                             Optional<byte[]> value, List<ProduceRecord.Header> headers) {

    /** @return key plus value bytes, what {@code max_bytes} counts (Confluent: unencoded key + value size) */
    public long size() {
        // no Optional.map: this runs twice per consumed record (1.6% of a consuming replica's CPU samples)
        return (key.isPresent() ? key.get().length : 0) + (value.isPresent() ? (long) value.get().length : 0);
    }
}
