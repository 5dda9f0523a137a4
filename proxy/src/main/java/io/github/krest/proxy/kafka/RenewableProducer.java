package io.github.krest.proxy.kafka;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownProducerIdException;

/**
 * A producer that is replaced when it can no longer send: the replica's shared producer, or one caller's (created on
 * its first send, so that a caller who only reads never starts a producer and its I/O thread).
 *
 * <p>Why: krest's producers are idempotent (Kafka's default since 3.0), so that the producer's own retries after a
 * broker dies or a leader moves write each record once and keep a partition's order. The 4.x clients recover from
 * the sequence errors that once ended an idempotent producer (since 2.6 they bump the producer epoch on
 * {@code OUT_OF_ORDER_SEQUENCE_NUMBER} and {@code UNKNOWN_PRODUCER_ID}, KIP-360 and KAFKA-8805) and from an
 * authorization failure of the producer-id request (since 3.6, KAFKA-13668: the batches fail, the producer asks
 * again). Two ways to an unusable producer remain (checked in the 4.3.1 client):
 * <ul>
 *   <li>the fatal state, after a protocol version the broker lacks, an unexpected answer to the producer-id request,
 *       or (on brokers before 2.8) a cluster authorization failure of a produce request: every later {@code send}
 *       throws at once and nothing more is sent ({@link #refusedToSend}, {@link #producerFailure}); the producer is
 *       replaced at once ({@link #replace});</li>
 *   <li>an authentication failure (SASL, or a TLS handshake) while the producer asks for its producer id leaves it
 *       waiting for an id it never asks for again (KAFKA-20237, open for 4.3.1): sends are accepted and expire after
 *       {@code delivery.timeout.ms}, even once the credential works. A producer whose send failed to authenticate,
 *       or whose batch expired unanswered, is therefore replaced too ({@link #suspect}), but not before it has lived
 *       {@value #SUSPECT_MIN_AGE_MS} ms (sends meanwhile wait for the replacement), so a credential that stays
 *       wrong does not cost a producer per request.</li>
 * </ul>
 * A replaced producer is closed in the background, letting what it still has in flight finish; its successor is
 * created on the next {@link #get}. See {@code core.ProduceService} for what requests see.
 */
public final class RenewableProducer implements Supplier<Producer<byte[], byte[]>> {
    /** How long a producer lives at least before a suspicion (not a certainty) replaces it, in ms. */
    static final long SUSPECT_MIN_AGE_MS = 2_000;
    private static final System.Logger LOG = System.getLogger(RenewableProducer.class.getName());
    /** How long a replaced producer may take to finish what it still had in flight (nothing, once fatal). */
    private static final Duration REPLACED_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Supplier<Producer<byte[], byte[]>> factory;
    private final String name;
    private final LongSupplier clock;
    private final LongConsumer sleeper;
    private final AtomicLong replacements = new AtomicLong();
    private volatile Producer<byte[], byte[]> current;
    /** The current producer, when a suspicion against it waits for it to reach {@link #SUSPECT_MIN_AGE_MS}. */
    private volatile Producer<byte[], byte[]> suspected;
    private Throwable suspicion;
    private long createdMs;
    private boolean closed;

    private RenewableProducer(Supplier<Producer<byte[], byte[]>> factory, String name, LongSupplier clock,
                              LongConsumer sleeper) {
        this.factory = factory;
        this.name = name;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * A producer created now (so that a bad configuration fails start-up).
     *
     * @param factory creates a producer: now, and again after each replacement
     * @param name names it in log lines
     * @return the holder
     */
    public static RenewableProducer of(Supplier<Producer<byte[], byte[]>> factory, String name) {
        RenewableProducer producer = new RenewableProducer(factory, name, System::currentTimeMillis,
                RenewableProducer::sleep);
        producer.get();
        return producer;
    }

    /**
     * A producer created on the first {@link #get}.
     *
     * @param factory creates a producer: on first use, and again after each replacement
     * @param name names it in log lines
     * @return the holder
     */
    public static RenewableProducer lazy(Supplier<Producer<byte[], byte[]>> factory, String name) {
        return lazy(factory, name, System::currentTimeMillis, RenewableProducer::sleep);
    }

    /** As {@link #lazy(Supplier, String)}, with the clock and the wait of the suspicion's minimum age (tests). */
    static RenewableProducer lazy(Supplier<Producer<byte[], byte[]>> factory, String name, LongSupplier clock,
                                  LongConsumer sleeper) {
        return new RenewableProducer(factory, name, clock, sleeper);
    }

    /**
     * @return the current producer, created if there is none yet (first use, or after a replacement). A suspected
     *         producer is not handed out again: it is replaced, after waiting until it has lived
     *         {@value #SUSPECT_MIN_AGE_MS} ms (if the caller is interrupted meanwhile, it gets the suspect)
     * @throws KafkaException (500/50002) after {@link #close}
     */
    @Override
    public Producer<byte[], byte[]> get() {
        while (true) {
            Producer<byte[], byte[]> producer = current;
            if (producer != null && suspected == null) {
                return producer;
            }
            long wait = 0;
            synchronized (this) {
                if (closed) {
                    if (current != null) {
                        return current;
                    }
                    throw new KafkaException("The " + name + " was closed; retry.");
                }
                if (suspected != null && isCurrent(suspected)) {
                    wait = createdMs + SUSPECT_MIN_AGE_MS - clock.getAsLong();
                    if (wait <= 0) {
                        retire(suspicion);
                    } else if (Thread.currentThread().isInterrupted()) {
                        return current;
                    }
                }
                if (wait <= 0) {
                    if (current == null) {
                        current = factory.get();
                        createdMs = clock.getAsLong();
                    }
                    return current;
                }
            }
            sleeper.accept(wait);
        }
    }

    /** @return the current producer, without creating one (for metrics) */
    public Optional<Producer<byte[], byte[]>> created() {
        return Optional.ofNullable(current);
    }

    /**
     * Replaces {@code failed} if it is still the current producer (however many requests saw it fail, it is
     * replaced once).
     *
     * @param failed a producer that can no longer send ({@link #refusedToSend}, {@link #producerFailure})
     * @param cause why, for the log
     * @return whether this call replaced it
     */
    public synchronized boolean replace(Producer<byte[], byte[]> failed, Throwable cause) {
        if (closed || !isCurrent(failed)) {
            return false;
        }
        retire(cause);
        return true;
    }

    /**
     * Replaces {@code failed} if it may be stuck ({@link #mayBeStuck}) and is still the current producer: at once
     * when it has lived {@value #SUSPECT_MIN_AGE_MS} ms, else by the next {@link #get}, which waits for that age
     * rather than hand out a producer that may take a record and never send it.
     *
     * @param failed the producer a send failed on
     * @param cause the failure
     */
    public synchronized void suspect(Producer<byte[], byte[]> failed, Throwable cause) {
        if (closed || !isCurrent(failed)) {
            return;
        }
        if (clock.getAsLong() - createdMs >= SUSPECT_MIN_AGE_MS) {
            retire(cause);
        } else {
            suspected = failed;
            suspicion = cause;
        }
    }

    /** @return how many times the producer was replaced */
    public long replacements() {
        return replacements.get();
    }

    /** @return whether {@code producer} is the very instance now current; callers hold the monitor */
    @SuppressWarnings("ReferenceEquality") // identity: the producer a request saw fail, not an equal one
    private boolean isCurrent(Producer<byte[], byte[]> producer) {
        return producer == current;
    }

    /** Drops the current producer (its successor comes with the next get) and closes it in the background. */
    private void retire(Throwable cause) {
        Producer<byte[], byte[]> failed = current;
        current = null;
        suspected = null;
        suspicion = null;
        long count = replacements.incrementAndGet();
        LOG.log(System.Logger.Level.WARNING, "Replacing the " + name + " (replacement " + count + ") after " + cause);
        Thread.ofVirtual().name("krest-close-producer").start(() -> {
            try {
                failed.close(REPLACED_CLOSE_TIMEOUT);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "Closing a replaced producer failed: " + e.getMessage());
            }
        });
    }

    /**
     * Whether {@code send} threw because the producer cannot send any more: it was closed, or it is in Kafka's fatal
     * state (a non-API {@link KafkaException}, "Cannot execute transactional method because we are in an error
     * state"). Such a producer sends nothing more, not even the record it was given, so that record may go to a new
     * producer without being written twice.
     *
     * @param thrown what {@code send} threw
     * @return true if the producer, not the record, is the problem
     */
    public static boolean refusedToSend(RuntimeException thrown) {
        return thrown instanceof IllegalStateException || producerFailure(thrown);
    }

    /**
     * Whether a send failed because of the producer's own state rather than the record or the broker's answer to
     * it: the producer's fencing and sequence errors, which a non-transactional producer only reports once it is
     * unusable, and errors that are not Kafka API errors ("The producer closed forcefully", an unexpected answer to
     * its producer-id request).
     *
     * @param failure a send failure
     * @return true if a new producer would not have failed this way
     */
    public static boolean producerFailure(Throwable failure) {
        if (failure instanceof ProducerFencedException || failure instanceof InvalidPidMappingException
                || failure instanceof InvalidProducerEpochException || failure instanceof OutOfOrderSequenceException
                || failure instanceof UnknownProducerIdException) {
            return true;
        }
        return failure instanceof KafkaException && !(failure instanceof ApiException)
                && !(failure instanceof InterruptException) && !(failure instanceof SerializationException)
                && refusedAuthorization(failure).isEmpty();
    }

    /**
     * The caller's authorization failure behind a producer's error state, which is about the caller, not the
     * producer. Kafka refuses the producer-id request of a caller who may not write
     * ({@code ClusterAuthorizationException}); the producer then fails its pending records with that error and asks
     * again (since 3.6, KAFKA-13668), but a send made between the refusal and that reset throws
     * {@code KafkaException("Cannot execute transactional method because we are in an error state", cause)}. A
     * producer asks for its id as soon as it starts, so a new producer's first send races the refusal, and a
     * replacement would be refused the same way: the record is answered with the cause (403/40301) and the producer
     * is kept.
     *
     * @param failure a send failure, thrown by {@code send} or given to its callback
     * @return the authorization error to answer the record with, or empty if {@code failure} is not one
     */
    public static Optional<AuthorizationException> refusedAuthorization(Throwable failure) {
        if (failure instanceof KafkaException && !(failure instanceof ApiException)
                && failure.getCause() instanceof AuthorizationException cause) {
            return Optional.of(cause);
        }
        return Optional.empty();
    }

    /**
     * Whether a send failure may have left the producer stuck without a producer id (KAFKA-20237): it failed to
     * authenticate, or its batch expired unanswered ("... ms has passed since batch creation"), which is also how a
     * stuck producer's records end. Not a full buffer, nor a topic missing from the metadata.
     *
     * @param failure a send failure
     * @return true if the producer should be replaced, not too often
     */
    public static boolean mayBeStuck(Throwable failure) {
        if (failure instanceof AuthenticationException) {
            return true;
        }
        return failure instanceof TimeoutException && !(failure instanceof BufferExhaustedException)
                && failure.getMessage() != null && failure.getMessage().contains("since batch creation");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            // get() sees the flag and hands out the producer it has
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the current producer, waiting until it has sent what it holds. Idempotent. */
    public void close() {
        close(Duration.ofMillis(Long.MAX_VALUE));
    }

    /**
     * Closes the current producer if one was created, sending what it holds first for up to {@code timeout}; later
     * {@link #get} calls return it (its sends then fail at once) or, if none was created, throw.
     *
     * @param timeout longest wait
     */
    public void close(Duration timeout) {
        Producer<byte[], byte[]> producer;
        synchronized (this) {
            closed = true;
            producer = current;
        }
        if (producer != null) {
            producer.close(timeout);
        }
    }
}
