package io.github.krest.proxy.core.consumer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.proxy.kafka.PartitionWindows;
import io.github.krest.proxy.record.ConsumedRecord;
import io.github.krest.proxy.record.RecordConverter;
import io.github.krest.state.ConsumerInstance;
import io.github.krest.state.PartitionRef;

/**
 * The read loop of a poll (step 4 in docs/architecture.md, "A poll, on any replica"): takes records from the stored
 * positions out of this replica's shared read windows (docs/architecture.md, "Shared read windows"), waiting for them
 * while there are none, until the poll has enough: records and nothing more known to follow (or
 * {@code fetch.min.bytes}), {@code max_bytes}, or its deadline. It renders each record as it goes and stops before one
 * it cannot render, so nothing is skipped; a position out of the log's range moves by the instance's
 * {@code auto.offset.reset}.
 */
final class RecordFetcher {
    /**
     * Most bytes a poll gathers from further fetches once it has records (see read()); max_bytes may lower it.
     * Measured with perf/ (perf/run, consume scenario, max_bytes 8 MiB, 1 KiB records) once the driver stopped
     * being the bound: against 2 MiB, 8 MiB brought one replica 413,446 against 294,203 records/s (2.5 against
     * 3.0 CPU ms per 1,000 records) and nginx over 3 replicas 368,873 against 234,990 (2.7 against 4.2): each poll's
     * fixed costs (lease and positions in Redis, a seek and a fresh fetch where the reader was elsewhere, the HTTP
     * exchange) are spread over four times the records. An answer then holds up to about 11 MB of base64 JSON
     * (written into Responses' reused chunks); a client wanting smaller answers asks for a smaller max_bytes.
     */
    static final long DRAIN_MAX_BYTES = 8L * 1024 * 1024;

    private final ConsumerBackend kafka;
    private final LongSupplier clock;

    /**
     * @param kafka Kafka: the read windows, and offsets for {@code auto.offset.reset}
     * @param clock epoch-ms clock
     */
    RecordFetcher(ConsumerBackend kafka, LongSupplier clock) {
        this.kafka = kafka;
        this.clock = clock;
    }

    /**
     * What a read gathered.
     *
     * @param records the rendered records, partition by partition, each in offset order
     * @param advanced per partition whose position moved, the next offset to deliver: after its last record in
     *                 {@code records}, past offsets without records, or where {@code auto.offset.reset} put it
     * @param failure why the read stopped early, to answer when {@code records} is empty: a record larger than
     *                {@code max_bytes} (413), one the format cannot render (408/40801), or the format's service
     *                failing
     */
    record Batch<T>(List<T> records, Map<PartitionRef, Long> advanced, Optional<RestException> failure) {
        /** @return a batch without records */
        static <T> Batch<T> none() {
            return new Batch<>(List.of(), Map.of(), Optional.empty());
        }
    }

    /**
     * Reads an instance's partitions from its positions.
     *
     * @param caller the caller (under propagation the windows read as the caller)
     * @param instance the instance
     * @param partitions the partitions to read, not empty
     * @param positions the next offset to deliver of each
     * @param deadline epoch ms: answer by then, with what is there
     * @param limit most key + value bytes to return ({@code max_bytes})
     * @param converter renders a record in the instance's format
     * @param <T> the rendered type
     * @return the records
     * @throws RestException 409/40903 when a position is out of range and the instance's {@code auto.offset.reset}
     *         is {@code none}
     * @throws RuntimeException Kafka's answer to a window's fetch (e.g. an authorization failure)
     */
    <T> Batch<T> read(KafkaIdentity caller, ConsumerInstance instance, List<PartitionRef> partitions,
                      Map<PartitionRef, Long> positions, long deadline, long limit, RecordConverter<T> converter) {
        long minBytes = instance.config().fetchMinBytes();
        Map<PartitionRef, Long> at = new LinkedHashMap<>();
        // a different first partition each poll, so that one with a deep backlog does not take every answer
        int first = partitions.size() == 1 ? 0 : ThreadLocalRandom.current().nextInt(partitions.size());
        for (int i = 0; i < partitions.size(); i++) {
            PartitionRef p = partitions.get((first + i) % partitions.size());
            at.put(p, positions.get(p));
        }
        List<T> out = new ArrayList<>();
        Optional<RestException> failure = Optional.empty();
        long bytes = 0;
        // once records are in hand (and no fetch.min.bytes asks for more), go on only while more are known to
        // follow (in a window, or on the broker at the window's last fetch), up to max_bytes (at most
        // DRAIN_MAX_BYTES): one answer then carries several fetches, and a reader that has caught up answers at once
        long drainLimit = Math.min(limit, DRAIN_MAX_BYTES);
        boolean stop = false;
        while (!stop) {
            boolean behind = false;
            for (Map.Entry<PartitionRef, Long> e : at.entrySet()) {
                PartitionRef p = e.getKey();
                PartitionWindows.Take take = kafka.take(caller, p, e.getValue(),
                        Math.max(1, (out.isEmpty() ? limit : drainLimit) - bytes));
                if (take.outOfRange()) {
                    e.setValue(reset(caller, instance, p, e.getValue()));
                    behind = true;
                    continue;
                }
                long next = take.next();
                for (ConsumedRecord record : take.records()) {
                    long size = record.size();
                    if (bytes + size > limit) {
                        if (out.isEmpty()) {
                            failure = Optional.of(new RestException(ErrorCode.PAYLOAD_TOO_LARGE, "Record "
                                    + at(record) + " is " + size + " bytes, more than max_bytes " + limit
                                    + ": raise max_bytes, or seek past it with POST .../positions."));
                        }
                        next = record.offset();
                        stop = true;
                        break;
                    }
                    T converted;
                    try {
                        converted = converter.convert(record);
                    } catch (IllegalArgumentException ex) {
                        failure = Optional.of(new RestException(ErrorCode.SERIALIZATION, "Cannot return record "
                                + at(record) + " as " + instance.config().format() + ": " + ex.getMessage()
                                + ". Records before it are returned; to skip it, POST .../positions with offset "
                                + (record.offset() + 1) + "."));
                        next = record.offset();
                        stop = true;
                        break;
                    } catch (RestException ex) {
                        // the converter could not ask a service (e.g. the Schema Registry is unreachable): not a
                        // poison record; stop before it, and the next poll starts there
                        failure = Optional.of(ex);
                        next = record.offset();
                        stop = true;
                        break;
                    }
                    out.add(converted);
                    bytes += size;
                }
                e.setValue(Math.max(e.getValue(), next));
                behind |= take.behind();
                if (stop) {
                    break;
                }
            }
            if (stop) {
                break;
            }
            boolean enough = minBytes <= 0 ? !out.isEmpty() && (!behind || bytes >= drainLimit) : bytes >= minBytes;
            if (enough || clock.getAsLong() >= deadline) {
                break;
            }
            try {
                kafka.await(caller, at, deadline);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Map<PartitionRef, Long> advanced = new HashMap<>();
        at.forEach((p, next) -> {
            if (!next.equals(positions.get(p))) {
                advanced.put(p, next);
            }
        });
        return new Batch<>(out, advanced, failure);
    }

    /** Where a position out of the partition's range moves, by the instance's {@code auto.offset.reset}. */
    private long reset(KafkaIdentity caller, ConsumerInstance instance, PartitionRef p, long position) {
        ConsumerBackend.Cluster cluster = kafka.cluster(caller);
        return switch (instance.config().autoOffsetReset()) {
            case "earliest" -> cluster.earliest(List.of(p)).get(p);
            case "latest" -> cluster.latest(List.of(p)).get(p);
            default -> throw new RestException(ErrorCode.ILLEGAL_STATE, "Illegal state: position " + position
                    + " of " + p.topic() + "-" + p.partition() + " is out of range and auto.offset.reset is none;"
                    + " seek with POST .../positions.");
        };
    }

    private static String at(ConsumedRecord record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }
}
