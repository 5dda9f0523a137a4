package io.github.krest.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The behaviour every {@link IdempotencyKeyStore} must have (docs/architecture.md, "Effectively-once produce").
 * Subclasses supply a fresh, empty store per test. Time starts at the real clock and only moves forward, as in
 * {@link ConsumerStateStoreContract}, so Redis's real key expiry never precedes the logical one.
 */
public abstract class IdempotencyKeyStoreContract {
    protected static final long ATTEMPT = 10_000;
    protected static final long TTL = 60_000;
    protected static final IdempotencyKey KEY = new IdempotencyKey("alice", "8e03978e-40d5-43e8-bc93-6894a57f9324");
    protected static final String FP = "fingerprint-1";
    private static final StoredAnswer ANSWER = new StoredAnswer(200, "application/vnd.kafka.v2+json",
            "{\"offsets\":[{\"partition\":0,\"offset\":7,\"error_code\":null,\"error\":null}],"
                    + "\"key_schema_id\":null,\"value_schema_id\":null}");
    private static final Map<PartitionRef, Long> FROM = Map.of(new PartitionRef("t", 0), 5L,
            new PartitionRef("t", 1), 0L, new PartitionRef("t.x-y_z", 12), 1234567890123L);

    protected IdempotencyKeyStore store;
    protected long t0;

    /** @return a new store over empty state */
    protected abstract IdempotencyKeyStore newStore();

    @BeforeEach
    void openStore() {
        t0 = System.currentTimeMillis();
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private IdempotencyClaim claim(IdempotencyKey key, String fingerprint, long token, long nowMs) {
        return store.claim(key, fingerprint, token, "rid-" + token, nowMs, ATTEMPT, TTL);
    }

    private IdempotencyClaim.Started started(IdempotencyClaim claim) {
        return assertInstanceOf(IdempotencyClaim.Started.class, claim);
    }

    @Test
    void aNewKeyStartsItsFirstAttemptWithTheProposedRequestId() {
        IdempotencyClaim.Started started = started(claim(KEY, FP, 1, t0));
        assertEquals(1, started.token());
        assertEquals("rid-1", started.requestId());
        assertEquals(Optional.empty(), started.earlier());
    }

    @Test
    void aRunningKeyIsBusyUntilItsDeadline() {
        started(claim(KEY, FP, 1, t0));
        assertEquals(new IdempotencyClaim.Running(t0, t0 + ATTEMPT), claim(KEY, FP, 2, t0 + 100));
        assertEquals(new IdempotencyClaim.Running(t0, t0 + ATTEMPT), claim(KEY, FP, 3, t0 + ATTEMPT - 1));
    }

    @Test
    void aCompletedKeyAnswersItsStoredAnswerToEveryRetry() {
        started(claim(KEY, FP, 1, t0));
        assertTrue(store.complete(KEY, 1, ANSWER, t0 + 50, TTL));
        assertEquals(new IdempotencyClaim.Completed(ANSWER), claim(KEY, FP, 2, t0 + 100));
        assertEquals(new IdempotencyClaim.Completed(ANSWER), claim(KEY, FP, 3, t0 + ATTEMPT * 3));
    }

    @Test
    void anotherRequestUnderTheSameKeyIsAMismatchWhetherRunningOrCompleted() {
        started(claim(KEY, FP, 1, t0));
        assertEquals(new IdempotencyClaim.Mismatch(), claim(KEY, "other", 2, t0 + 1));
        assertTrue(store.complete(KEY, 1, ANSWER, t0 + 2, TTL));
        assertEquals(new IdempotencyClaim.Mismatch(), claim(KEY, "other", 3, t0 + 3));
    }

    @Test
    void keysAreScopedToTheirPrincipal() {
        started(claim(KEY, FP, 1, t0));
        IdempotencyKey bobs = new IdempotencyKey("bob", KEY.key());
        IdempotencyKey anonymous = new IdempotencyKey("", KEY.key());
        assertEquals("rid-2", started(claim(bobs, "bob's request", 2, t0)).requestId());
        assertEquals("rid-3", started(claim(anonymous, FP, 3, t0)).requestId());
        // a principal whose name ends where another's key begins still has a key of its own
        assertEquals("rid-4", started(claim(new IdempotencyKey("alice" + KEY.key().charAt(0),
                KEY.key().substring(1)), FP, 4, t0)).requestId());
    }

    @Test
    void anAttemptPastItsDeadlineIsTakenOverWithTheSameRequestIdAndItsTokenNoLongerHolds() {
        started(claim(KEY, FP, 1, t0));
        IdempotencyClaim.Started takeover = started(claim(KEY, FP, 2, t0 + ATTEMPT));
        assertEquals(2, takeover.token());
        assertEquals("rid-1", takeover.requestId());
        assertEquals(Optional.of(new IdempotencyClaim.Earlier(t0, Optional.empty())), takeover.earlier(),
                "it may have written, from its start on; it noted no offsets");
        assertEquals(new IdempotencyClaim.Running(t0 + ATTEMPT, t0 + 2 * ATTEMPT), claim(KEY, FP, 3, t0 + ATTEMPT + 1));

        assertFalse(store.arm(KEY, 1, FROM, t0 + ATTEMPT + 2, ATTEMPT, TTL));
        assertFalse(store.complete(KEY, 1, ANSWER, t0 + ATTEMPT + 2, TTL));
        assertFalse(store.release(KEY, 1, t0 + ATTEMPT + 2, TTL));
        assertFalse(store.abandon(KEY, 1));
        assertEquals(new IdempotencyClaim.Running(t0 + ATTEMPT, t0 + 2 * ATTEMPT), claim(KEY, FP, 4, t0 + ATTEMPT + 3));
        assertTrue(store.complete(KEY, 2, ANSWER, t0 + ATTEMPT + 4, TTL));
        assertEquals(new IdempotencyClaim.Completed(ANSWER), claim(KEY, FP, 5, t0 + ATTEMPT + 5));
    }

    @Test
    void aTakeoverOfAnArmedAttemptLearnsWhereToLookAndKeepsItWhenItArmsAgain() {
        started(claim(KEY, FP, 1, t0));
        assertTrue(store.arm(KEY, 1, FROM, t0 + 10, ATTEMPT, TTL));
        // arming moves the deadline: still busy just after the first one
        assertInstanceOf(IdempotencyClaim.Running.class, claim(KEY, FP, 2, t0 + ATTEMPT + 5));
        IdempotencyClaim.Started takeover = started(claim(KEY, FP, 3, t0 + ATTEMPT + 10));
        assertEquals(Optional.of(new IdempotencyClaim.Earlier(t0, Optional.of(FROM))), takeover.earlier());

        assertTrue(store.arm(KEY, 3, Map.of(new PartitionRef("t", 0), 99L), t0 + ATTEMPT + 20, ATTEMPT, TTL));
        IdempotencyClaim.Started again = started(claim(KEY, FP, 4, t0 + 2 * ATTEMPT + 20));
        assertEquals("rid-1", again.requestId());
        assertEquals(Optional.of(new IdempotencyClaim.Earlier(t0, Optional.of(FROM))), again.earlier(),
                "the first attempt's start and the first arming's offsets stay");
    }

    @Test
    void renewingMovesTheDeadlineWithoutArming() {
        started(claim(KEY, FP, 1, t0));
        assertTrue(store.renew(KEY, 1, t0 + ATTEMPT - 1, ATTEMPT, TTL));
        assertEquals(new IdempotencyClaim.Running(t0, t0 + 2 * ATTEMPT - 1), claim(KEY, FP, 2, t0 + ATTEMPT));
        IdempotencyClaim.Started takeover = started(claim(KEY, FP, 3, t0 + 2 * ATTEMPT));
        assertEquals(Optional.of(new IdempotencyClaim.Earlier(t0, Optional.empty())), takeover.earlier());
        assertFalse(store.renew(KEY, 1, t0 + 2 * ATTEMPT + 1, ATTEMPT, TTL), "a taken-over attempt may not renew");
        assertTrue(store.abandon(KEY, 1) == false && store.abandon(KEY, 3) == false,
                "a taken-over key is never forgotten: an earlier attempt may have written");
    }

    @Test
    void anAttemptArmedWithoutPartitionsIsStillKnownToHaveSent() {
        started(claim(KEY, FP, 1, t0));
        assertTrue(store.arm(KEY, 1, Map.of(), t0 + 1, ATTEMPT, TTL));
        assertEquals(Optional.of(Map.of()), started(claim(KEY, FP, 2, t0 + ATTEMPT + 1)).earlier().orElseThrow()
                .scanFrom());
    }

    @Test
    void aReleasedAttemptIsTakenOverAtOnceWithItsOffsets() {
        started(claim(KEY, FP, 1, t0));
        assertTrue(store.arm(KEY, 1, FROM, t0 + 1, ATTEMPT, TTL));
        assertTrue(store.release(KEY, 1, t0 + 2, TTL));
        IdempotencyClaim.Started takeover = started(claim(KEY, FP, 2, t0 + 3));
        assertEquals("rid-1", takeover.requestId());
        assertEquals(Optional.of(new IdempotencyClaim.Earlier(t0, Optional.of(FROM))), takeover.earlier());
    }

    @Test
    void anUnarmedAttemptMayAbandonItsKeyAndAnArmedOneMayNot() {
        started(claim(KEY, FP, 1, t0));
        assertTrue(store.abandon(KEY, 1));
        // unknown again: another request may use the key, under a new request id
        assertEquals("rid-2", started(claim(KEY, "other", 2, t0 + 1)).requestId());

        assertTrue(store.arm(KEY, 2, FROM, t0 + 2, ATTEMPT, TTL));
        assertFalse(store.abandon(KEY, 2));
        assertInstanceOf(IdempotencyClaim.Running.class, claim(KEY, "other", 3, t0 + 3));
    }

    @Test
    void aCompletedKeyIsForgottenAfterItsTimeToLive() throws InterruptedException {
        long shortTtl = 300;
        assertInstanceOf(IdempotencyClaim.Started.class, store.claim(KEY, FP, 1, "rid-1", t0, ATTEMPT, shortTtl));
        assertTrue(store.complete(KEY, 1, ANSWER, t0, shortTtl));
        assertEquals(new IdempotencyClaim.Completed(ANSWER), claim(KEY, FP, 2, t0 + shortTtl - 1));
        // Redis expires the key on its own clock; the memory store compares with nowMs
        Thread.sleep(shortTtl + 200);
        IdempotencyClaim.Started fresh = started(store.claim(KEY, "another request", 3, "rid-3",
                t0 + shortTtl + 1_000, ATTEMPT, shortTtl));
        assertEquals("rid-3", fresh.requestId());
    }

    @Test
    void answersSurviveTheRoundTripWhateverTheyHold() {
        StoredAnswer big = new StoredAnswer(207, "application/json",
                "{\"message\":\"naïve ☃ \\\"quoted\\\" \\n|,=:\"," + "\"pad\":\"" + "x".repeat(200_000) + "\"}");
        started(claim(KEY, FP, 1, t0));
        assertTrue(store.complete(KEY, 1, big, t0 + 1, TTL));
        assertEquals(new IdempotencyClaim.Completed(big), claim(KEY, FP, 2, t0 + 2));
    }

    @Test
    void concurrentClaimsOfANewKeyStartExactlyOneAttempt() throws Exception {
        int n = 8;
        CyclicBarrier barrier = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<IdempotencyClaim>> claims = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long token = 100L + i;
                Callable<IdempotencyClaim> call = () -> {
                    barrier.await(10, TimeUnit.SECONDS);
                    return claim(KEY, FP, token, t0);
                };
                claims.add(pool.submit(call));
            }
            int started = 0;
            int running = 0;
            for (Future<IdempotencyClaim> f : claims) {
                IdempotencyClaim c = f.get(20, TimeUnit.SECONDS);
                if (c instanceof IdempotencyClaim.Started) {
                    started++;
                } else if (c instanceof IdempotencyClaim.Running) {
                    running++;
                }
            }
            assertEquals(1, started);
            assertEquals(n - 1, running);
        } finally {
            pool.shutdownNow();
        }
    }
}
