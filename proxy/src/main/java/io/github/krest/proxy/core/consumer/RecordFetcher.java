package io.github.krest.proxy.core.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.proxy.record.ConsumedRecord;
import io.github.krest.proxy.record.RecordConverter;
import io.github.krest.state.ConsumerInstance;
import io.github.krest.state.PartitionRef;

/**
 * The read loop of a poll (step 4 in docs/architecture.md, "A poll, on any replica"): takes this replica's reader
 * of the instance, moves it to the stored positions (a warm reader needs no seek), and fetches until the poll has
 * enough: records and a broker with nothing more (or {@code fetch.min.bytes}), {@code max_bytes}, or its deadline.
 * It renders each record as it goes and stops before one it cannot render, so nothing is skipped.
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
     * @param kafka Kafka, for the instance's reader
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
     * @param advanced per partition read from, the offset after its last record in {@code records}
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
     * @param caller the caller (under propagation the reader reads as the caller)
     * @param instance the instance
     * @param partitions the partitions to read, not empty
     * @param positions the next offset to deliver of each
     * @param deadline epoch ms: answer by then, with what is there
     * @param limit most key + value bytes to return ({@code max_bytes})
     * @param converter renders a record in the instance's format
     * @param <T> the rendered type
     * @return the records; none when another request of the same instance held this replica's reader until the
     *         deadline
     * @throws RuntimeException Kafka's failure, after which the reader's state is uncertain: drop it
     */
    <T> Batch<T> read(KafkaIdentity caller, ConsumerInstance instance, List<PartitionRef> partitions,
                      Map<PartitionRef, Long> positions, long deadline, long limit, RecordConverter<T> converter) {
        ConsumerBackend.Reader reader = kafka.reader(instance.group(), instance.name(), caller,
                instance.config().autoOffsetReset());
        try {
            if (!reader.tryLock(Math.max(0, deadline - clock.getAsLong()))) {
                return Batch.none();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Batch.none();
        }
        try {
            reader.moveTo(partitions, positions);
            long minBytes = instance.config().fetchMinBytes();
            List<T> out = new ArrayList<>();
            Map<PartitionRef, Long> advanced = new HashMap<>();
            Optional<RestException> failure = Optional.empty();
            long bytes = 0;
            long lastPollBytes = 0;
            boolean stop = false;
            while (!stop) {
                long remaining = deadline - clock.getAsLong();
                // once records are in hand (and no fetch.min.bytes asks for more), go on only while the broker has
                // more than the reader fetched so far (its lag from the last fetch; the reader already asked for
                // the next batch, which then comes back at once), up to max_bytes (at most DRAIN_MAX_BYTES): one
                // answer then carries several fetches instead of Kafka's max.poll.records, and a reader that has
                // caught up still answers at once
                // (a batch that would cross max_bytes is cut, and the reader must seek on the next poll: stop
                // before one as large as the last would)
                boolean draining = minBytes <= 0 && !out.isEmpty();
                if (draining && (bytes + lastPollBytes > Math.min(limit, DRAIN_MAX_BYTES)
                        || !reader.behind(partitions))) {
                    break;
                }
                Map<PartitionRef, List<ConsumedRecord>> records = reader.fetch(Duration.ofMillis(Math.max(0,
                        remaining)));
                long bytesBefore = bytes;
                // partition by partition (the order of the fetch), so that each partition's new position is noted
                // once per fetch rather than once per record
                for (Map.Entry<PartitionRef, List<ConsumedRecord>> fetched : records.entrySet()) {
                    long next = -1;
                    for (ConsumedRecord record : fetched.getValue()) {
                        long size = record.size();
                        if (bytes + size > limit) {
                            if (out.isEmpty()) {
                                failure = Optional.of(new RestException(ErrorCode.PAYLOAD_TOO_LARGE, "Record "
                                        + at(record) + " is " + size + " bytes, more than max_bytes " + limit
                                        + ": raise max_bytes, or seek past it with POST .../positions."));
                            }
                            stop = true;
                            break;
                        }
                        T converted;
                        try {
                            converted = converter.convert(record);
                        } catch (IllegalArgumentException e) {
                            failure = Optional.of(new RestException(ErrorCode.SERIALIZATION, "Cannot return record "
                                    + at(record) + " as " + instance.config().format() + ": " + e.getMessage()
                                    + ". Records before it are returned; to skip it, POST .../positions with offset "
                                    + (record.offset() + 1) + "."));
                            stop = true;
                            break;
                        } catch (RestException e) {
                            // the converter could not ask a service (e.g. the Schema Registry is unreachable):
                            // not a poison record; stop before it so that the reader's positions stay in step
                            failure = Optional.of(e);
                            stop = true;
                            break;
                        }
                        out.add(converted);
                        bytes += size;
                        next = record.offset() + 1;
                    }
                    if (next >= 0) {
                        advanced.put(fetched.getKey(), next);
                    }
                    if (stop) {
                        break;
                    }
                }
                lastPollBytes = bytes - bytesBefore;
                if (!stop) {
                    boolean enough = minBytes <= 0 ? !out.isEmpty() && records.isEmpty() : bytes >= minBytes;
                    stop = enough || clock.getAsLong() >= deadline;
                }
            }
            reader.notePositions(partitions);
            return new Batch<>(out, advanced, failure);
        } finally {
            reader.unlock();
        }
    }

    private static String at(ConsumedRecord record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }
}
