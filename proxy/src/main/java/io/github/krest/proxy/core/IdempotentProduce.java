package io.github.krest.proxy.core;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.proxy.kafka.PartitionReaders;
import io.github.krest.proxy.record.ProduceRecord;
import io.github.krest.state.IdempotencyClaim;
import io.github.krest.state.IdempotencyKey;
import io.github.krest.state.IdempotencyKeyStore;
import io.github.krest.state.PartitionRef;
import io.github.krest.state.StoredAnswer;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Effectively-once produce over HTTP: a produce request with an {@code Idempotency-Key} (IETF httpapi draft "The
 * Idempotency-Key HTTP Header Field") writes its records once, however often and on whichever replica the client
 * retries it, and every retry gets the first answer (docs/architecture.md, "Effectively-once produce").
 *
 * <p>The key, scoped to the caller's principal, is claimed in the {@link IdempotencyKeyStore} with a fingerprint of
 * the request ({@link #claim}): a completed key answers its stored answer, another request under the key 422/42209,
 * a key whose attempt is still running 409/40904 after a short wait. The attempt that owns the key
 * ({@link Attempt}) tags every record with {@value #RECORD_HEADER}{@code : <request id>:<index>} and stores the
 * answer once every record is acknowledged: two store calls, nothing else, on the usual path.
 *
 * <p>The hard case: the replica dies after Kafka acknowledged and before the answer was stored. The attempt owns the
 * key only until a deadline longer than its producer can take to have every record acknowledged or failed
 * ({@code delivery.timeout.ms} plus a margin); after it, a retry takes the key over and reads the topic for records
 * carrying the request id, from the offsets of the first records stamped at or after the key's first claim (less
 * {@value #TIME_MARGIN_MS} ms for clocks that disagree): the producer stamps each record with its send time, later
 * than the claim. A request whose records carry timestamps of the client's, which may be older, <i>arms</i> the key
 * instead: it notes the end offsets of the topic's partitions before it sends, and the scan starts there. The retry
 * answers the records it found ({@link EarlierAttemptScan}) with their offsets and sends only those it did not
 * find. An attempt some of whose records failed after they were handed to the producer (they may or may not be
 * written) releases the key instead of completing it, so a retry looks for them the same way.
 */
public final class IdempotentProduce {
    /** The header each record produced under an idempotency key carries, value {@code <request id>:<index>}. */
    public static final String RECORD_HEADER = "krest-idempotency";
    /** How long a claim waits for a running attempt of the same key before answering 409, in ms. */
    static final long WAIT_MS = 1_000;
    /** Added to the producer's delivery timeout: from the claim to the last send, and the clocks' disagreement. */
    static final long MARGIN_MS = 5_000;
    /**
     * How much earlier than the key's first claim a takeover starts looking, by record timestamp, in ms: the
     * replicas' and (for LogAppendTime topics) the brokers' clocks may disagree by this much.
     */
    static final long TIME_MARGIN_MS = 60_000;
    /** A running attempt younger than this is likely alive: the client is asked to retry in a second. */
    private static final long YOUNG_MS = 10_000;
    private static final System.Logger LOG = System.getLogger(IdempotentProduce.class.getName());
    /**
     * Crash-test hooks (cluster.IdempotentProduceFailoverIT): the first attempt of a key that starts with this
     * system property's value stops before it sends anything, so that the test can SIGKILL its replica
     * there. Unset in production; nothing else reads it.
     */
    static final String PAUSE_BEFORE_SEND = "krest.test.idempotency.pause-before-send";
    /** As {@link #PAUSE_BEFORE_SEND}, after Kafka acknowledged every record and before the answer is stored. */
    static final String PAUSE_AFTER_ACK = "krest.test.idempotency.pause-after-ack";

    private final IdempotencyKeyStore store;
    private final EarlierAttemptScan scan;
    private final LongSupplier clock;
    private final long attemptMs;
    private final long ttlMs;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param store where keys live
     * @param readers makes the readers that look for an earlier attempt's records
     * @param clock epoch-ms clock
     * @param attemptMs how long an attempt owns its key: longer than the producer may take to settle every record
     * @param ttlMs how long a completed key's answer is kept ({@code idempotency.key.ttl.ms})
     */
    public IdempotentProduce(IdempotencyKeyStore store, PartitionReaders readers, LongSupplier clock, long attemptMs,
                             long ttlMs) {
        this.store = store;
        this.scan = new EarlierAttemptScan(readers, clock, attemptMs);
        this.clock = clock;
        this.attemptMs = attemptMs;
        this.ttlMs = ttlMs;
    }

    /**
     * @param store where keys live
     * @param readers makes the readers that look for an earlier attempt's records
     * @param config {@code idempotency.key.ttl.ms} and the producer's {@code delivery.timeout.ms}
     * @return the service, with attempts owning their key for the delivery timeout plus {@value #MARGIN_MS} ms
     */
    public static IdempotentProduce of(IdempotencyKeyStore store, PartitionReaders readers, KrestConfig config) {
        return new IdempotentProduce(store, readers, System::currentTimeMillis,
                deliveryTimeoutMs(config) + MARGIN_MS, config.getLong(KrestConfig.IDEMPOTENCY_KEY_TTL_MS));
    }

    /** @return the producer's {@code delivery.timeout.ms}: {@code producer.*} or {@code client.*}, else Kafka's 120 s */
    static long deliveryTimeoutMs(KrestConfig config) {
        Object configured = config.clientProperties("producer").get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
        return configured == null ? 120_000 : Long.parseLong(configured.toString().trim());
    }

    /** @return how long an attempt owns its key, in ms */
    public long attemptMs() {
        return attemptMs;
    }

    /** What a claim decided. */
    public sealed interface Claim {
    }

    /**
     * The key's request completed: answer this, marked as a replay.
     *
     * @param answer the stored answer
     */
    public record Replay(StoredAnswer answer) implements Claim {
    }

    /**
     * Another attempt of the key still runs: answer 409/40904 with {@code Retry-After}.
     *
     * @param retryAfterSeconds when to retry: 1 while the attempt is young, else when it may be taken over
     */
    public record Busy(long retryAfterSeconds) implements Claim {
    }

    /**
     * Run the request under this attempt.
     *
     * @param attempt the attempt
     */
    public record Proceed(Attempt attempt) implements Claim {
    }

    /**
     * Claims a key for a request; waits up to {@value #WAIT_MS} ms while another attempt of it runs.
     *
     * @param principal the caller's principal (empty without authentication)
     * @param key the client's {@code Idempotency-Key}
     * @param fingerprint identifies the request: the same for a retry, different for any other request
     * @return what to do
     * @throws RestException 422/42209 when the key was used for another request; 503/50303 when the store is down
     */
    public Claim claim(String principal, String key, String fingerprint) {
        IdempotencyKey scoped = new IdempotencyKey(principal, key);
        long token = random.nextLong();
        byte[] id = new byte[16];
        random.nextBytes(id);
        String requestId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        long waitUntil = clock.getAsLong() + WAIT_MS;
        long backoff = 20;
        while (true) {
            long now = clock.getAsLong();
            switch (store.claim(scoped, fingerprint, token, requestId, now, attemptMs, ttlMs)) {
                case IdempotencyClaim.Started started -> {
                    return new Proceed(new Attempt(scoped, started, now));
                }
                case IdempotencyClaim.Completed completed -> {
                    return new Replay(completed.answer());
                }
                case IdempotencyClaim.Mismatch mismatch -> throw new RestException(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                        "Idempotency-Key " + key + " was used for a different request; use a new key for a new "
                                + "request.");
                case IdempotencyClaim.Running running -> {
                    if (now >= waitUntil) {
                        return new Busy(now - running.startedMs() < YOUNG_MS ? 1
                                : Math.max(1, (running.deadlineMs() - now + 999) / 1000));
                    }
                    sleep(Math.min(backoff, waitUntil - now));
                    backoff = Math.min(backoff * 2, 200);
                }
            }
        }
    }

    /**
     * The run of a request that owns its key. Use it once: {@link #send}, then {@link #finish} with the answer; or
     * {@link #abort} when the request fails before it has an answer.
     */
    public final class Attempt {
        private final IdempotencyKey key;
        private final long token;
        private final String requestId;
        private final Optional<IdempotencyClaim.Earlier> earlier;
        private final long claimedMs;
        private final List<CompletableFuture<ProduceResult>> sent = new ArrayList<>();
        private boolean armed;
        private boolean ended;
        private boolean failedTransiently;

        private Attempt(IdempotencyKey key, IdempotencyClaim.Started started, long claimedMs) {
            this.key = key;
            this.token = started.token();
            this.requestId = started.requestId();
            this.earlier = started.earlier();
            this.claimedMs = claimedMs;
        }

        /** @return the request's id, the same in every attempt of its key */
        public String requestId() {
            return requestId;
        }

        /** @return whether an earlier attempt of the key may have written records, which this one looks for */
        public boolean resumes() {
            return earlier.isPresent();
        }

        /**
         * Sends the request's records that are not written yet, each tagged with {@value #RECORD_HEADER}. An attempt
         * that takes over from earlier ones first reads the topic for records of this request, and answers those
         * with what Kafka holds; a first attempt whose records carry the client's timestamps arms the key with the
         * end offsets of the topic's partitions first.
         *
         * @param caller the caller, whose identity reads the topic under propagation
         * @param metadata the caller's metadata
         * @param offsets the caller's offset lookups
         * @param produce the caller's produce service
         * @param topic the topic every record goes to
         * @param records the records to write by their index in the request (indexes absent here are not sent:
         *                entries refused before sending)
         * @return a future per index of {@code records}: those found in Kafka already completed
         * @throws RestException 409/40904 when another attempt took the key over meanwhile (nothing sent)
         */
        public Map<Integer, CompletableFuture<ProduceResult>> send(KafkaIdentity caller, MetadataService metadata,
                                                                   KafkaOffsets offsets, ProduceService produce,
                                                                   String topic, Map<Integer, ProduceRecord> records) {
            Map<Integer, CompletableFuture<ProduceResult>> futures = new HashMap<>();
            if (earlier.isPresent()) {
                renew();
                scan.find(caller, metadata, topic, earlier.get(), requestId, records.keySet())
                        .forEach((index, result) -> futures.put(index, CompletableFuture.completedFuture(result)));
                // the scan took time: the deadline must cover the sends still to come
                renew();
            } else if (records.values().stream().anyMatch(r -> r.timestamp().isPresent())) {
                List<PartitionRef> partitions = new ArrayList<>();
                int count = metadata.partitionCount(topic).orElse(0);
                for (int p = 0; p < count; p++) {
                    partitions.add(new PartitionRef(topic, p));
                }
                // read before the first send, so every record this request writes lies at or after these offsets;
                // partitions that do not exist yet (an auto-created topic) are read from their beginning
                Map<PartitionRef, Long> from = partitions.isEmpty() ? Map.of() : offsets.latest(partitions);
                if (!store.arm(key, token, from, clock.getAsLong(), attemptMs, ttlMs)) {
                    throw inUse();
                }
                armed = true;
            } else if (clock.getAsLong() - claimedMs > MARGIN_MS / 2) {
                // reading and validating the request took a while (a slow Schema Registry): the deadline must still
                // lie a delivery timeout after the last send
                renew();
            }
            testHook(PAUSE_BEFORE_SEND, "before sending any record");
            records.forEach((index, record) -> {
                if (!futures.containsKey(index)) {
                    CompletableFuture<ProduceResult> future = produce.send(tagged(record, index));
                    sent.add(future);
                    futures.put(index, future);
                }
            });
            return futures;
        }

        /**
         * Notes that part of the request failed for a reason that may pass (a rate limit, an unreachable Schema
         * Registry) before it was sent: a retry must try it again rather than get this answer, so the key is released
         * rather than completed.
         */
        public void failedTransiently() {
            failedTransiently = true;
        }

        private void renew() {
            if (!store.renew(key, token, clock.getAsLong(), attemptMs, ttlMs)) {
                throw inUse();
            }
        }

        /** Stops a first attempt whose key the crash-test property names, until the test kills the replica. */
        private void testHook(String property, String where) {
            String prefix = System.getProperty(property, "");
            if (earlier.isPresent() || prefix.isEmpty() || !key.key().startsWith(prefix)) {
                return;
            }
            LOG.log(System.Logger.Level.WARNING, "krest test hook " + property + ": request " + requestId + " (key "
                    + key.key() + ") stops " + where);
            try {
                Thread.sleep(600_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private RestException inUse() {
            return new RestException(ErrorCode.IDEMPOTENCY_KEY_IN_USE, "Another request with Idempotency-Key "
                    + key.key() + " took it over; retry to get its answer.");
        }

        private ProduceRecord tagged(ProduceRecord record, int index) {
            List<ProduceRecord.Header> headers = new ArrayList<>(record.headers().size() + 1);
            headers.addAll(record.headers());
            headers.add(new ProduceRecord.Header(RECORD_HEADER,
                    Optional.of((requestId + ":" + index).getBytes(StandardCharsets.UTF_8))));
            return new ProduceRecord(record.topic(), record.partition(), record.key(), record.value(), headers,
                    record.timestamp());
        }

        /**
         * Ends the attempt with the answer the client gets (after every future of {@link #send} is done): stored
         * for retries, unless a record this attempt sent failed, which may or may not have been written; then the
         * key is released, and a retry looks for what was written before it sends the rest. A store failure is
         * logged, not thrown: the client still gets its answer, and a retry after the deadline finds the records.
         *
         * @param answer the answer
         */
        public void finish(StoredAnswer answer) {
            if (ended) {
                return;
            }
            ended = true;
            testHook(PAUSE_AFTER_ACK, "after Kafka acknowledged its records, before its answer is stored");
            boolean uncertain = failedTransiently
                    || sent.stream().anyMatch(CompletableFuture::isCompletedExceptionally);
            try {
                boolean owned = uncertain ? store.release(key, token, clock.getAsLong(), ttlMs)
                        : store.complete(key, token, answer, clock.getAsLong(), ttlMs);
                if (!owned) {
                    LOG.log(System.Logger.Level.WARNING, "Idempotency key of request " + requestId + " was taken "
                            + "over before its answer was stored (the attempt outlived its " + attemptMs + " ms)");
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not store the answer of request " + requestId
                        + "; a retry after " + attemptMs + " ms finds its records in Kafka: " + e);
            }
        }

        /**
         * Ends an attempt that has no answer (the request failed): the key is forgotten when nothing can have been
         * written, else released for the next retry. Does nothing after {@link #finish}.
         */
        public void abort() {
            if (ended) {
                return;
            }
            ended = true;
            try {
                if (sent.isEmpty() && !armed && earlier.isEmpty()) {
                    store.abandon(key, token);
                } else {
                    store.release(key, token, clock.getAsLong(), ttlMs);
                }
            } catch (RuntimeException e) {
                // the key stays running until its deadline; a retry then takes it over
                LOG.log(System.Logger.Level.DEBUG, "Could not end idempotency key attempt: " + e);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(Math.max(1, ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestException(ErrorCode.IDEMPOTENCY_KEY_IN_USE, "Interrupted while waiting for another "
                    + "request with the same Idempotency-Key.");
        }
    }
}
