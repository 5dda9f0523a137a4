package io.github.krest.proxy.core;

import io.github.krest.proxy.record.ProduceRecord;
import io.github.krest.proxy.record.TraceContext;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.kafka.RenewableProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Produces records through the replica's one shared producer (Confluent: one {@code KafkaProducer} for all v2 and v3
 * produce), or a caller's under {@code kafka.principal.propagation}. Transport-neutral: the v2 and v3 HTTP services
 * parse requests into {@link ProduceRecord}s and render the results.
 *
 * <p>Requests are checked before anything is sent, so they fail fast instead of waiting {@code max.block.ms}:
 * a missing topic answers 404/40401 unless the brokers auto-create topics, a partition the topic does not have
 * 404/40402 (v2) or 404/40403 (v3), a record over {@code produce.record.max.bytes} 413/413.
 *
 * <p>A producer that can no longer send (see {@link RenewableProducer}) is replaced, and only the records it had in
 * flight fail: those whose failure only says that the producer failed are answered 50003 (Confluent's retriable
 * Kafka error: the client sends them again), the others as their error maps (e.g. 40101 for the authentication
 * failure that left it stuck, 50003 for a batch that expired). A record that the failed producer refused outright
 * is sent again on the new producer, once; the refusing producer had sent nothing, so it is not written twice.
 * A producer whose error state only says that Kafka refused the caller's producer id is not failed: its records
 * are answered with that authorization error, 403/40301 ({@link RenewableProducer#refusedAuthorization}).
 *
 * <p>A request's trace context ({@link #traced}) goes into each record it sends as {@code traceparent} /
 * {@code tracestate} headers, unless the record carries its own ({@link TraceContext#stamp}).
 */
public final class ProduceService {
    private final RenewableProducer producer;
    private final MetadataService metadata;
    private final int recordMaxBytes;
    private final TrafficMeter traffic;
    private final Optional<TraceContext> trace;

    /**
     * @param producer the producer, looked up on each send (a caller's is created on first use)
     * @param metadata metadata for validation
     * @param recordMaxBytes largest record accepted ({@code produce.record.max.bytes})
     * @param traffic counts acknowledged records and bytes
     */
    public ProduceService(RenewableProducer producer, MetadataService metadata, int recordMaxBytes,
                          TrafficMeter traffic) {
        this(producer, metadata, recordMaxBytes, traffic, Optional.empty());
    }

    private ProduceService(RenewableProducer producer, MetadataService metadata, int recordMaxBytes,
                           TrafficMeter traffic, Optional<TraceContext> trace) {
        this.producer = producer;
        this.metadata = metadata;
        this.recordMaxBytes = recordMaxBytes;
        this.traffic = traffic;
        this.trace = trace;
    }

    /**
     * This service for one request: the same producer, whose records carry the request's trace context.
     *
     * @param context the request's trace context, empty for none (records are then sent as they are)
     * @return a service for the request's records, or this one when there is no context
     */
    public ProduceService traced(Optional<TraceContext> context) {
        return context.isEmpty() ? this : new ProduceService(producer, metadata, recordMaxBytes, traffic, context);
    }

    /**
     * Checks that {@code topic} can be produced to.
     *
     * @param topic topic name
     * @return the partition count, empty when the topic does not exist yet but will be auto-created
     * @throws RestException 400/40002 invalid name, 404/40401 missing topic (auto-create off)
     */
    public Optional<Integer> checkTopic(String topic) {
        TopicNames.requireValid(topic);
        Optional<Integer> count = metadata.partitionCount(topic);
        if (count.isEmpty() && !metadata.autoCreateTopics()) {
            throw new RestException(ErrorCode.TOPIC_NOT_FOUND, "Topic " + topic + " not found.");
        }
        return count;
    }

    /**
     * Checks a partition id against the topic's partition count.
     *
     * @param topic topic name
     * @param partition partition id
     * @param partitionCount the count from {@link #checkTopic}; empty skips the upper bound
     * @param missingCode the code for a partition that does not exist (v2 40402, v3 40403)
     * @throws RestException 404/40402 for a negative id, {@code missingCode} for one past the count
     */
    public static void checkPartition(String topic, int partition, Optional<Integer> partitionCount,
                                      ErrorCode missingCode) {
        if (partition < 0) {
            throw MetadataService.partitionNotFound(topic, partition);
        }
        if (partitionCount.isPresent() && partition >= partitionCount.get()) {
            throw new RestException(missingCode, "Partition " + partition + " of topic " + topic + " not found.");
        }
    }

    /**
     * Checks a record's size.
     *
     * @param record the record
     * @throws RestException 413/413 when it is larger than {@code produce.record.max.bytes}
     */
    public void checkSize(ProduceRecord record) {
        // the trace headers count: they are part of what Kafka stores
        int size = stamped(record).sizeInBytes();
        if (size > recordMaxBytes) {
            throw new RestException(ErrorCode.PAYLOAD_TOO_LARGE, "Record of " + size
                    + " bytes is larger than " + recordMaxBytes + " bytes (produce.record.max.bytes).");
        }
    }

    /**
     * Waits until every future is done, successfully or not, parking the caller once: joining them one by one parks
     * and wakes it again for each batch the producer completes (about 30 times for 500 records of 1 KiB). Failures
     * are left in the futures for the caller to read record by record.
     *
     * @param sent the futures of {@link #send}
     */
    public static void awaitAll(List<? extends CompletableFuture<?>> sent) {
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).handle((done, failure) -> null).join();
    }

    /**
     * Sends one record. The returned future completes when Kafka acknowledges it (per the producer's
     * {@code acks}) or fails with the producer's exception.
     *
     * @param request the record as the request gave it; the request's trace headers are added here
     * @return its partition, offset and timestamp
     */
    public CompletableFuture<ProduceResult> send(ProduceRecord request) {
        ProduceRecord record = stamped(request);
        List<org.apache.kafka.common.header.Header> headers = new ArrayList<>(record.headers().size());
        for (ProduceRecord.Header h : record.headers()) {
            headers.add(new RecordHeader(h.name(), h.value().orElse(null)));
        }
        ProducerRecord<byte[], byte[]> producerRecord = new ProducerRecord<>(
                record.topic(),
                record.partition().orElse(null),
                record.timestamp().map(Instant::toEpochMilli).orElse(null),
                record.key().orElse(null),
                record.value().orElse(null),
                headers);
        CompletableFuture<ProduceResult> result = new CompletableFuture<>();
        // computed here, not in the callback: that runs on the producer's one I/O thread
        int size = record.sizeInBytes();
        attempt(producerRecord, size, result, true);
        return result;
    }

    /**
     * Sends on the current producer. A producer that refuses the record at once is replaced and, on the first
     * attempt, the record goes to the new one, unless it refused because Kafka refused the caller (the record then
     * fails with that authorization error). Each attempt answers {@code result} once: a refused record's batch
     * is also failed later by the refusing producer, and that late failure must not answer it.
     */
    private void attempt(ProducerRecord<byte[], byte[]> record, int size, CompletableFuture<ProduceResult> result,
                         boolean first) {
        Producer<byte[], byte[]> current;
        try {
            current = producer.get();
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        AtomicBoolean answered = new AtomicBoolean();
        try {
            // The callback gets the outcome; the returned future would only carry the same one again.
            var unused = current.send(record, (md, e) -> {
                if (!answered.compareAndSet(false, true)) {
                    return;
                }
                if (e == null) {
                    traffic.produced(1, size);
                    result.complete(new ProduceResult(md.partition(), md.offset(),
                            Instant.ofEpochMilli(md.timestamp())));
                    return;
                }
                Optional<AuthorizationException> refused = RenewableProducer.refusedAuthorization(e);
                if (refused.isPresent()) {
                    result.completeExceptionally(refused.get());
                } else if (RenewableProducer.producerFailure(e)) {
                    producer.replace(current, e);
                    result.completeExceptionally(notAcknowledged(e));
                } else {
                    if (RenewableProducer.mayBeStuck(e)) {
                        producer.suspect(current, e);
                    }
                    result.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            Optional<AuthorizationException> refused = RenewableProducer.refusedAuthorization(e);
            if (refused.isPresent()) {
                result.completeExceptionally(refused.get());
                return;
            }
            if (!RenewableProducer.refusedToSend(e)) {
                result.completeExceptionally(e);
                return;
            }
            producer.replace(current, e);
            if (first) {
                attempt(record, size, result, false);
            } else {
                result.completeExceptionally(notAcknowledged(e));
            }
        }
    }

    private ProduceRecord stamped(ProduceRecord record) {
        return trace.isEmpty() ? record : trace.get().stamp(record);
    }

    private static RestException notAcknowledged(Throwable producerFailure) {
        return new RestException(ErrorCode.KAFKA_RETRIABLE, "The replica's producer failed (" + producerFailure
                + ") and was replaced; this record was not acknowledged: send it again.");
    }
}
