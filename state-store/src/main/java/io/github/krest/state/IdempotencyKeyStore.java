package io.github.krest.state;

import java.util.Map;

/**
 * Where krest keeps the idempotency keys of produce requests (docs/architecture.md, "Effectively-once produce"), so
 * that a retry with the same key, on any replica, neither writes twice nor gets another answer.
 *
 * <h2>Model</h2>
 * A key ({@link IdempotencyKey}: a principal and the client's key) holds one request, identified by its
 * fingerprint, and goes through these states:
 * <ul>
 *   <li><b>running</b>: an attempt owns it under a token until a deadline ({@link #claim}). After the deadline another
 *       {@link #claim} takes the key over with a new token and learns when the key's first attempt started (no
 *       record of the request was sent before) and, if an attempt <b>armed</b> the key ({@link #arm}), the offsets it
 *       noted before it sent anything: the earlier attempts can write no more by then, so what they wrote can be
 *       found. {@link #renew} moves a running attempt's deadline.</li>
 *   <li><b>completed</b>: the attempt stored its answer ({@link #complete}); claims return it until the key expires
 *       {@code ttlMs} after completion.</li>
 * </ul>
 * An attempt that wrote nothing may {@link #abandon} the key (it is then unknown again); one whose outcome is
 * uncertain {@link #release}s it, so that the next claim takes it over at once.
 *
 * <h2>Time</h2>
 * Times are epoch milliseconds from the caller's clock ({@code nowMs}), durations milliseconds, as in
 * {@link ConsumerStateStore}. A running key is kept until {@code ttlMs} after its deadline, a released one
 * {@code ttlMs} after the release, then forgotten (the Redis implementation lets the key expire).
 *
 * <h2>Errors</h2>
 * Every operation may throw {@link StateStoreUnavailableException} (retriable; the operation may or may not have
 * been applied) and, after {@link #close()}, {@link IllegalStateException}. No method returns {@code null}.
 *
 * <p>Implementations: {@code memory.InMemoryIdempotencyKeyStore} (one replica) and
 * {@code redis.RedisIdempotencyKeyStore} (shared). Both are thread-safe; every operation is atomic.
 */
public interface IdempotencyKeyStore extends AutoCloseable {

    /**
     * Claims a key for a request, in one atomic step:
     * <ul>
     *   <li>an unknown key starts running under {@code token} and {@code requestId} until {@code nowMs + attemptMs}:
     *       {@link IdempotencyClaim.Started} without {@code earlier};</li>
     *   <li>a key of another fingerprint: {@link IdempotencyClaim.Mismatch};</li>
     *   <li>a completed key: {@link IdempotencyClaim.Completed} with its answer;</li>
     *   <li>a running key before its deadline: {@link IdempotencyClaim.Running}, nothing changed;</li>
     *   <li>a running key past its deadline (its attempt died, or released it): taken over under {@code token}
     *       until {@code nowMs + attemptMs}, {@link IdempotencyClaim.Started} with the key's own request id and
     *       {@code earlier}: when its first attempt started and, if the key was armed, the noted offsets.</li>
     * </ul>
     *
     * @param key         the key
     * @param fingerprint identifies the request (a hash of method, path, content type and body)
     * @param token       the new attempt's token, unique per attempt (a random number)
     * @param requestId   the request id to use if the key is new
     * @param nowMs       the current time
     * @param attemptMs   how long the new attempt may run before another may take over: longer than it can take to
     *                    send and have every record acknowledged or failed; {@code > 0}
     * @param ttlMs       how long the key is kept after its deadline; {@code > 0}
     * @return what was found
     */
    IdempotencyClaim claim(IdempotencyKey key, String fingerprint, long token, String requestId, long nowMs,
                           long attemptMs, long ttlMs);

    /**
     * Moves a running attempt's deadline to {@code nowMs + attemptMs}, before it sends (when it has run for a while)
     * or after a long step.
     *
     * @param key       the key
     * @param token     the attempt's token
     * @param nowMs     the current time
     * @param attemptMs as in {@link #claim}
     * @param ttlMs     as in {@link #claim}
     * @return true if the attempt still owns the key; false if another took it over (then it must not send)
     */
    boolean renew(IdempotencyKey key, long token, long nowMs, long attemptMs, long ttlMs);

    /**
     * Arms a running key before its attempt sends: notes where records of the request may start (kept from the
     * first arming on; later ones keep it) and moves the deadline as {@link #renew} does. Needed only where the
     * records' timestamps do not tell (a request that sets its records' timestamps may date them before its claim).
     *
     * @param key       the key
     * @param token     the attempt's token
     * @param scanFrom  the next offset of each partition the records may go to, read before the first send; may be
     *                  empty (a topic that does not exist yet: every partition is then read from its beginning)
     * @param nowMs     the current time
     * @param attemptMs as in {@link #claim}
     * @param ttlMs     as in {@link #claim}
     * @return true if the attempt still owns the key; false if another took it over (then it must not send)
     */
    boolean arm(IdempotencyKey key, long token, Map<PartitionRef, Long> scanFrom, long nowMs, long attemptMs,
                long ttlMs);

    /**
     * Stores the answer of a running key's attempt; the key is completed until {@code ttlMs} from now.
     *
     * @param key    the key
     * @param token  the attempt's token
     * @param answer the answer the client got
     * @param nowMs  the current time
     * @param ttlMs  how long the answer is kept; {@code > 0}
     * @return true if stored; false if another attempt owns the key (nothing changed)
     */
    boolean complete(IdempotencyKey key, long token, StoredAnswer answer, long nowMs, long ttlMs);

    /**
     * Ends an attempt whose outcome is uncertain (some records failed after they were handed to Kafka, so they may
     * or may not be written) without an answer: the key stays running with its request id and scan offsets, but its
     * deadline is {@code nowMs}, so the next claim takes it over at once and looks for what was written.
     *
     * @param key   the key
     * @param token the attempt's token
     * @param nowMs the current time
     * @param ttlMs how long the key is kept from now; {@code > 0}
     * @return true if released; false if another attempt owns the key
     */
    boolean release(IdempotencyKey key, long token, long nowMs, long ttlMs);

    /**
     * Forgets a key whose first attempt sent nothing (the request was refused before any record was sent), so that
     * the key is unknown again. A key taken over (an earlier attempt may have written), armed, or owned by another
     * attempt is left as it is.
     *
     * @param key   the key
     * @param token the attempt's token
     * @return true if the key was forgotten
     */
    boolean abandon(IdempotencyKey key, long token);

    /** Releases connections; later calls throw {@link IllegalStateException}. Idempotent. */
    @Override
    void close();
}
