package io.github.krest.proxy.record;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One record to produce, already serialised.
 *
 * @param topic topic name
 * @param partition the partition, or empty for the producer's partitioner (key hash, else sticky)
 * @param key key bytes, empty for a null key
 * @param value value bytes, empty for a null value
 * @param headers headers in order; names may repeat
 * @param timestamp the record timestamp, or empty for the producer's send time
 */
public record ProduceRecord(String topic,
                            Optional<Integer> partition,
                            Optional<byte[]> key,
                            Optional<byte[]> value,
                            List<Header> headers,
                            Optional<Instant> timestamp) {

    /** A record header: a name and a value that may be null (empty). */
    public record Header(String name, Optional<byte[]> value) {
    }

    /** @return serialised size in bytes of key, value and headers (names as UTF-8) */
    public int sizeInBytes() {
        int size = key.map(k -> k.length).orElse(0) + value.map(v -> v.length).orElse(0);
        for (Header h : headers) {
            size += h.name().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                    + h.value().map(v -> v.length).orElse(0);
        }
        return size;
    }
}
