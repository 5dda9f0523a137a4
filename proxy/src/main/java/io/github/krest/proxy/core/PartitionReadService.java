package io.github.krest.proxy.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.proxy.kafka.PartitionReaders;
import io.github.krest.proxy.record.ConsumedRecord;
import io.github.krest.proxy.record.RecordConverter;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;

/**
 * Stateless reads by offset (krest, beyond Confluent's v2; Redpanda's proxy has the same endpoint):
 * {@code GET /topics/{topic}/partitions/{partition}/records?offset=N}. No consumer instance, no group, nothing
 * stored: any replica serves any read from its cached readers ({@link PartitionReaders}), and the client keeps its
 * own position (the last offset it got, plus one).
 *
 * <p>A read answers as soon as records from {@code offset} on are there (or with none after its timeout, when
 * {@code offset} is the partition's end), at most {@code max_bytes} of keys and values (capped by
 * {@code consumer.request.max.bytes}), gathering further fetches while the broker has more, up to
 * {@value #DRAIN_MAX_BYTES} bytes, as a v2 poll does. Errors: unknown topic 404/40401, unknown partition 404/40402,
 * a negative offset 400, an offset before the earliest or after the latest 416/41601 naming both, a first record
 * over {@code max_bytes} 413, a first record that cannot be rendered in the format 408/40801 (records before such a
 * record are answered; the client reads on past it).
 */
public final class PartitionReadService {
    /** As ConsumerService's drain limit: spreads each read's fixed costs over more records. */
    static final long DRAIN_MAX_BYTES = 8L * 1024 * 1024;

    private final PartitionReaders readers;
    private final Limits limits;
    private final LongSupplier clock;
    private final TrafficMeter traffic;

    /**
     * The consumer settings a read obeys.
     *
     * @param requestTimeoutMs {@code consumer.request.timeout.ms}, the wait without {@code ?timeout=}
     * @param requestTimeoutMaxMs {@code consumer.request.timeout.max.ms}, the longest {@code ?timeout=}
     * @param requestMaxBytes {@code consumer.request.max.bytes}, the most {@code ?max_bytes=}
     */
    public record Limits(long requestTimeoutMs, long requestTimeoutMaxMs, long requestMaxBytes) {
        /**
         * @param config krest configuration
         * @return the configured limits
         */
        public static Limits of(KrestConfig config) {
            return new Limits(config.getLong(KrestConfig.CONSUMER_REQUEST_TIMEOUT_MS),
                    config.getLong(KrestConfig.CONSUMER_REQUEST_TIMEOUT_MAX_MS),
                    config.getLong(KrestConfig.CONSUMER_REQUEST_MAX_BYTES));
        }
    }

    /**
     * @param readers this replica's partition readers
     * @param limits the configured waits and sizes
     * @param clock epoch-ms clock
     * @param traffic counts the records read
     */
    public PartitionReadService(PartitionReaders readers, Limits limits, LongSupplier clock, TrafficMeter traffic) {
        this.readers = readers;
        this.limits = limits;
        this.clock = clock;
        this.traffic = traffic;
    }

    /**
     * Reads records of one partition from an offset.
     *
     * @param metadata the caller's metadata (existence checks as the caller sees the cluster)
     * @param caller the caller; under {@code kafka.principal.propagation} the read is the caller's in Kafka
     * @param topic topic name
     * @param partition partition id
     * @param offset the first offset to return, {@code >= 0}
     * @param timeoutMs {@code ?timeout=}: the longest wait for a first record, up to
     *                  {@code consumer.request.timeout.max.ms}; {@code consumer.request.timeout.ms} when absent
     * @param maxBytes {@code ?max_bytes=}: lowers {@code consumer.request.max.bytes}
     * @param converter renders each record (and writes it into the answer)
     * @param <T> rendered record type
     * @return the rendered records in offset order; empty when none came in time
     * @throws RestException as the class comment lists
     */
    public <T> List<T> read(MetadataService metadata, KafkaIdentity caller, String topic, int partition, long offset,
                            Optional<Long> timeoutMs, Optional<Long> maxBytes, RecordConverter<T> converter) {
        TopicNames.requireValid(topic);
        Optional<Integer> count = metadata.partitionCount(topic);
        if (count.isEmpty()) {
            throw new RestException(ErrorCode.TOPIC_NOT_FOUND, "Topic " + topic + " not found.");
        }
        if (partition < 0 || partition >= count.get()) {
            throw MetadataService.partitionNotFound(topic, partition);
        }
        if (offset < 0) {
            throw RestException.badRequest("Query parameter offset must be >= 0, not " + offset + ".");
        }
        long start = clock.getAsLong();
        long waitMs = timeoutMs.map(t -> Math.max(0, Math.min(t, limits.requestTimeoutMaxMs())))
                .orElse(limits.requestTimeoutMs());
        long deadline = start + waitMs;
        long limit = maxBytes.filter(b -> b > 0).map(b -> Math.min(b, limits.requestMaxBytes()))
                .orElse(limits.requestMaxBytes());
        Optional<PartitionReaders.Reader> acquired = readers.acquire(topic, partition, caller, offset, waitMs);
        if (acquired.isEmpty()) {
            // every reader of this partition was busy until the deadline: as a poll that found nothing
            return List.of();
        }
        PartitionReaders.Reader reader = acquired.get();
        TopicPartition tp = new TopicPartition(topic, partition);
        boolean uncertain = true;
        try {
            Consumer<byte[], byte[]> consumer = reader.consumer();
            if (!consumer.assignment().equals(Set.of(tp))) {
                consumer.assign(Set.of(tp));
                reader.nextOffset(-1);
            }
            if (reader.nextOffset() != offset) {
                consumer.seek(tp, offset);
            }
            Read<T> read;
            try {
                read = fetch(consumer, tp, deadline, limit, converter);
            } catch (OffsetOutOfRangeException e) {
                throw outOfRange(consumer, tp, offset);
            }
            reader.nextOffset(nextOffset(consumer, tp));
            uncertain = false;
            if (read.records().isEmpty() && read.failure().isPresent()) {
                throw read.failure().get();
            }
            if (read.records().isEmpty()) {
                // the broker refuses an offset out of range at the first fetch, but on a busy broker or a new
                // reader that fetch may not have come back within the wait: ask, so the answer does not depend on it
                requireInRange(consumer, tp, offset);
            }
            traffic.consumed(read.records().size(), read.bytes());
            return read.records();
        } catch (RestException e) {
            uncertain = false;
            reader.nextOffset(-1);
            throw e;
        } finally {
            if (uncertain) {
                readers.invalidate(reader);
            }
            readers.release(reader);
        }
    }

    private record Read<T>(List<T> records, long bytes, Optional<RestException> failure) {
    }

    /** Polls until a first fetch brings records (then drains while the broker has more) or the deadline passes. */
    private <T> Read<T> fetch(Consumer<byte[], byte[]> consumer, TopicPartition tp, long deadline, long limit,
                              RecordConverter<T> converter) {
        List<T> out = new ArrayList<>();
        long bytes = 0;
        long lastPollBytes = 0;
        while (true) {
            if (!out.isEmpty() && (bytes + lastPollBytes > Math.min(limit, DRAIN_MAX_BYTES)
                    || consumer.currentLag(tp).orElse(0) <= 0)) {
                return new Read<>(out, bytes, Optional.empty());
            }
            // with no time left this still polls once: timeout=0 answers what the reader has already fetched
            long remaining = deadline - clock.getAsLong();
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(Math.max(0, remaining)));
            long before = bytes;
            for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                ConsumedRecord record = PartitionReaders.consumed(r);
                long size = record.size();
                if (bytes + size > limit) {
                    if (out.isEmpty()) {
                        return new Read<>(out, bytes, Optional.of(new RestException(ErrorCode.PAYLOAD_TOO_LARGE,
                                "Record " + tp + "@" + r.offset() + " is " + size + " bytes, more than max_bytes "
                                        + limit + ": raise max_bytes, or read on from offset " + (r.offset() + 1)
                                        + ".")));
                    }
                    return new Read<>(out, bytes, Optional.empty());
                }
                try {
                    out.add(converter.convert(record));
                } catch (IllegalArgumentException e) {
                    return new Read<>(out, bytes, Optional.of(new RestException(ErrorCode.SERIALIZATION,
                            "Cannot return record " + tp + "@" + r.offset() + ": " + e.getMessage()
                                    + ". Records before it are returned; to skip it, read on from offset "
                                    + (r.offset() + 1) + ".")));
                } catch (RestException e) {
                    return new Read<>(out, bytes, Optional.of(e));
                }
                bytes += size;
            }
            lastPollBytes = bytes - before;
            if (out.isEmpty() && clock.getAsLong() >= deadline) {
                return new Read<>(out, bytes, Optional.empty());
            }
        }
    }

    /** @return where the consumer fetches next, -1 when it has no valid position */
    private static long nextOffset(Consumer<byte[], byte[]> consumer, TopicPartition tp) {
        try {
            return consumer.position(tp, Duration.ZERO);
        } catch (RuntimeException unknown) {
            return -1;
        }
    }

    private RestException outOfRange(Consumer<byte[], byte[]> consumer, TopicPartition tp, long offset) {
        Duration timeout = Duration.ofMillis(Math.max(1_000, limits.requestTimeoutMs()));
        long earliest = consumer.beginningOffsets(Set.of(tp), timeout).getOrDefault(tp, 0L);
        long latest = consumer.endOffsets(Set.of(tp), timeout).getOrDefault(tp, 0L);
        return outOfRange(tp, offset, earliest, latest);
    }

    private static RestException outOfRange(TopicPartition tp, long offset, long earliest, long latest) {
        return new RestException(ErrorCode.OFFSET_OUT_OF_RANGE, "Offset " + offset + " is out of range for partition "
                + tp + ": its earliest offset is " + earliest + " and its latest " + latest + ".");
    }

    /** Throws 416/41601 when {@code offset} is outside the partition's offsets; quiet when they cannot be read. */
    private void requireInRange(Consumer<byte[], byte[]> consumer, TopicPartition tp, long offset) {
        Duration timeout = Duration.ofMillis(Math.max(1_000, limits.requestTimeoutMs()));
        long earliest;
        long latest;
        try {
            earliest = consumer.beginningOffsets(Set.of(tp), timeout).getOrDefault(tp, 0L);
            latest = consumer.endOffsets(Set.of(tp), timeout).getOrDefault(tp, Long.MAX_VALUE);
        } catch (RuntimeException e) {
            // the broker did not answer in time: the read answers no records, as a poll would
            return;
        }
        if (offset < earliest || offset > latest) {
            throw outOfRange(tp, offset, earliest, latest);
        }
    }
}
