package io.github.krest.proxy.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.proxy.kafka.PartitionReaders;
import io.github.krest.state.IdempotencyClaim;
import io.github.krest.state.PartitionRef;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * The takeover read of {@link IdempotentProduce}: an attempt that takes a key over from earlier attempts whose
 * deadlines passed reads the topic for the records they wrote (tagged with the request id), so that it answers those
 * with Kafka's offsets and sends only the rest.
 */
final class EarlierAttemptScan {
    private final PartitionReaders readers;
    private final LongSupplier clock;
    private final long attemptMs;

    /**
     * @param readers makes the reader that scans the topic
     * @param clock epoch-ms clock
     * @param attemptMs how long an attempt owns its key; the scan gives up after half of it
     */
    EarlierAttemptScan(PartitionReaders readers, LongSupplier clock, long attemptMs) {
        this.readers = readers;
        this.clock = clock;
        this.attemptMs = attemptMs;
    }

    /**
     * Finds the records earlier attempts of this request wrote: every partition of the topic from the offsets
     * they noted (a partition not noted from its beginning), else from the first record stamped at or after the
     * key's first claim less {@value IdempotentProduce#TIME_MARGIN_MS} ms, up to its end now. The earlier attempts'
     * deadlines have passed, so nothing more of them can arrive.
     *
     * @param caller the caller, whose identity reads the topic under propagation
     * @param metadata the caller's metadata
     * @param topic the topic the request writes to
     * @param earlier what the store kept of the earlier attempts
     * @param requestId the request's id, which the records' {@value IdempotentProduce#RECORD_HEADER} headers carry
     * @param wanted the indexes of the records still to be written
     * @return index to where Kafka holds it, for the indexes wanted that were found
     * @throws RestException 500/50003 (retriable) when the topic cannot be read in time or records were deleted
     */
    Map<Integer, ProduceResult> find(KafkaIdentity caller, MetadataService metadata, String topic,
                                     IdempotencyClaim.Earlier earlier, String requestId, Set<Integer> wanted) {
        Map<Integer, ProduceResult> found = new HashMap<>();
        int count = metadata.partitionCount(topic).orElse(0);
        if (count == 0 || wanted.isEmpty()) {
            return found;
        }
        String prefix = requestId + ":";
        Duration timeout = Duration.ofMillis(Math.max(5_000, attemptMs / 4));
        long giveUpAt = clock.getAsLong() + attemptMs / 2;
        try (Consumer<byte[], byte[]> consumer = readers.scanner(caller)) {
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < count; p++) {
                all.add(new TopicPartition(topic, p));
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(all, timeout);
            Map<TopicPartition, Long> start = startOffsets(consumer, all, topic, earlier, timeout);
            Set<TopicPartition> active = new HashSet<>();
            for (TopicPartition tp : all) {
                if (start.containsKey(tp) && start.get(tp) < end.getOrDefault(tp, 0L)) {
                    active.add(tp);
                }
            }
            consumer.assign(active);
            for (TopicPartition tp : active) {
                consumer.seek(tp, start.get(tp));
            }
            while (!active.isEmpty() && found.size() < wanted.size()) {
                if (clock.getAsLong() > giveUpAt) {
                    throw new RestException(ErrorCode.KAFKA_RETRIABLE, "Could not read topic " + topic
                            + " in time to find the records an earlier attempt of this request wrote; retry.");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= end.get(tp)) {
                        continue;
                    }
                    Header tag = r.headers().lastHeader(IdempotentProduce.RECORD_HEADER);
                    if (tag == null || tag.value() == null) {
                        continue;
                    }
                    String value = new String(tag.value(), StandardCharsets.UTF_8);
                    if (value.startsWith(prefix)) {
                        index(value.substring(prefix.length())).filter(wanted::contains).ifPresent(i ->
                                found.putIfAbsent(i, new ProduceResult(r.partition(), r.offset(),
                                        Instant.ofEpochMilli(r.timestamp()))));
                    }
                }
                boolean changed = active.removeIf(tp -> consumer.position(tp, timeout) >= end.get(tp));
                if (changed) {
                    consumer.assign(active);
                }
            }
        } catch (OffsetOutOfRangeException e) {
            throw new RestException(ErrorCode.KAFKA_RETRIABLE, "Records of topic " + topic + " were deleted "
                    + "while an earlier attempt of this request was looked for; retry.");
        }
        return found;
    }

    /** @return where to start looking in each partition; a partition absent holds nothing of this request */
    private Map<TopicPartition, Long> startOffsets(Consumer<byte[], byte[]> consumer, List<TopicPartition> all,
                                                   String topic, IdempotencyClaim.Earlier earlier,
                                                   Duration timeout) {
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(all, timeout);
        Map<TopicPartition, Long> start = new HashMap<>();
        if (earlier.scanFrom().isPresent()) {
            Map<PartitionRef, Long> from = earlier.scanFrom().get();
            for (TopicPartition tp : all) {
                start.put(tp, Math.max(begin.getOrDefault(tp, 0L),
                        from.getOrDefault(new PartitionRef(topic, tp.partition()), 0L)));
            }
            return start;
        }
        Map<TopicPartition, Long> since = new HashMap<>();
        all.forEach(tp -> since.put(tp, Math.max(0, earlier.sinceMs() - IdempotentProduce.TIME_MARGIN_MS)));
        // the first offset stamped at or after the time: at or before every record of this request
        consumer.offsetsForTimes(since, timeout).forEach((tp, found) -> {
            if (found != null) {
                start.put(tp, Math.max(begin.getOrDefault(tp, 0L), found.offset()));
            }
        });
        return start;
    }

    private static Optional<Integer> index(String text) {
        try {
            return Optional.of(Integer.parseInt(text));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
