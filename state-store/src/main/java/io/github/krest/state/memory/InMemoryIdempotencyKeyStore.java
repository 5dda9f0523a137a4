package io.github.krest.state.memory;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import io.github.krest.state.IdempotencyClaim;
import io.github.krest.state.IdempotencyKey;
import io.github.krest.state.IdempotencyKeyStore;
import io.github.krest.state.PartitionRef;
import io.github.krest.state.StoredAnswer;

/**
 * An {@link IdempotencyKeyStore} in this process's memory, for a single replica (with
 * {@code consumer.state.store=memory}). Same semantics as the Redis store, checked by the same contract tests.
 *
 * <p>Expiry compares each key's expiry time with the caller's {@code nowMs}: an expired key counts as unknown at
 * once, and expired keys are dropped from the map by the claim that finds the map due for a purge (at most once a
 * second of the callers' time), so memory follows the keys alive rather than all keys ever used.
 *
 * <p>Thread-safe: one lock guards the map.
 */
public final class InMemoryIdempotencyKeyStore implements IdempotencyKeyStore {
    private static final long PURGE_INTERVAL_MS = 1_000;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<IdempotencyKey, Entry> keys = new HashMap<>();
    private long nextPurgeMs = Long.MIN_VALUE;
    private boolean closed;

    /** Creates an empty store. */
    public InMemoryIdempotencyKeyStore() {
    }

    /** One key's state; mutable, guarded by the store's lock. */
    private static final class Entry {
        final String fingerprint;
        final String requestId;
        final long sinceMs;
        final long firstToken;
        long token;
        long startedMs;
        long deadlineMs;
        Optional<Map<PartitionRef, Long>> scanFrom = Optional.empty();
        Optional<StoredAnswer> answer = Optional.empty();
        long expiresMs;

        Entry(String fingerprint, String requestId, long sinceMs, long firstToken) {
            this.fingerprint = fingerprint;
            this.requestId = requestId;
            this.sinceMs = sinceMs;
            this.firstToken = firstToken;
        }

        boolean runs(long token) {
            return answer.isEmpty() && this.token == token;
        }
    }

    @Override
    public IdempotencyClaim claim(IdempotencyKey key, String fingerprint, long token, String requestId, long nowMs,
                                  long attemptMs, long ttlMs) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(requestId, "requestId");
        requirePositive(attemptMs, "attemptMs");
        requirePositive(ttlMs, "ttlMs");
        lock.lock();
        try {
            open();
            purgeIfDue(nowMs);
            Entry entry = live(key, nowMs);
            if (entry == null) {
                entry = new Entry(fingerprint, requestId, nowMs, token);
                keys.put(key, entry);
                run(entry, token, nowMs, attemptMs, ttlMs);
                return new IdempotencyClaim.Started(token, requestId, Optional.empty());
            }
            if (!entry.fingerprint.equals(fingerprint)) {
                return new IdempotencyClaim.Mismatch();
            }
            if (entry.answer.isPresent()) {
                return new IdempotencyClaim.Completed(entry.answer.get());
            }
            if (entry.deadlineMs > nowMs) {
                return new IdempotencyClaim.Running(entry.startedMs, entry.deadlineMs);
            }
            run(entry, token, nowMs, attemptMs, ttlMs);
            return new IdempotencyClaim.Started(token, entry.requestId,
                    Optional.of(new IdempotencyClaim.Earlier(entry.sinceMs, entry.scanFrom)));
        } finally {
            lock.unlock();
        }
    }

    private static void run(Entry entry, long token, long nowMs, long attemptMs, long ttlMs) {
        entry.token = token;
        entry.startedMs = nowMs;
        entry.deadlineMs = Math.addExact(nowMs, attemptMs);
        entry.expiresMs = Math.addExact(entry.deadlineMs, ttlMs);
    }

    @Override
    public boolean renew(IdempotencyKey key, long token, long nowMs, long attemptMs, long ttlMs) {
        return arm(key, token, Optional.empty(), nowMs, attemptMs, ttlMs);
    }

    @Override
    public boolean arm(IdempotencyKey key, long token, Map<PartitionRef, Long> scanFrom, long nowMs, long attemptMs,
                       long ttlMs) {
        Objects.requireNonNull(scanFrom, "scanFrom");
        return arm(key, token, Optional.of(scanFrom), nowMs, attemptMs, ttlMs);
    }

    private boolean arm(IdempotencyKey key, long token, Optional<Map<PartitionRef, Long>> scanFrom, long nowMs,
                        long attemptMs, long ttlMs) {
        requirePositive(attemptMs, "attemptMs");
        requirePositive(ttlMs, "ttlMs");
        return updateRunning(key, token, nowMs, entry -> {
            if (entry.scanFrom.isEmpty() && scanFrom.isPresent()) {
                entry.scanFrom = Optional.of(Map.copyOf(scanFrom.get()));
            }
            entry.deadlineMs = Math.addExact(nowMs, attemptMs);
            entry.expiresMs = Math.addExact(entry.deadlineMs, ttlMs);
        });
    }

    @Override
    public boolean complete(IdempotencyKey key, long token, StoredAnswer answer, long nowMs, long ttlMs) {
        Objects.requireNonNull(answer, "answer");
        requirePositive(ttlMs, "ttlMs");
        return updateRunning(key, token, nowMs, entry -> {
            entry.answer = Optional.of(answer);
            entry.scanFrom = Optional.empty();
            entry.expiresMs = Math.addExact(nowMs, ttlMs);
        });
    }

    @Override
    public boolean release(IdempotencyKey key, long token, long nowMs, long ttlMs) {
        requirePositive(ttlMs, "ttlMs");
        return updateRunning(key, token, nowMs, entry -> {
            entry.deadlineMs = nowMs;
            entry.expiresMs = Math.addExact(nowMs, ttlMs);
        });
    }

    /**
     * Applies {@code update} to the key's entry, under the lock, when the attempt holding {@code token} still runs
     * it (the step of {@code arm}, {@code renew}, {@code complete} and {@code release}).
     *
     * @return whether it did; {@code false} for an unknown or expired key, or another attempt's token
     */
    private boolean updateRunning(IdempotencyKey key, long token, long nowMs, Consumer<Entry> update) {
        lock.lock();
        try {
            open();
            Entry entry = live(key, nowMs);
            if (entry == null || !entry.runs(token)) {
                return false;
            }
            update.accept(entry);
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean abandon(IdempotencyKey key, long token) {
        lock.lock();
        try {
            open();
            Entry entry = keys.get(key);
            if (entry == null || !entry.runs(token) || token != entry.firstToken || entry.scanFrom.isPresent()) {
                return false;
            }
            keys.remove(key);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** @return the key's entry, null when unknown or expired */
    private Entry live(IdempotencyKey key, long nowMs) {
        Objects.requireNonNull(key, "key");
        Entry entry = keys.get(key);
        if (entry != null && entry.expiresMs <= nowMs) {
            keys.remove(key);
            return null;
        }
        return entry;
    }

    private void purgeIfDue(long nowMs) {
        if (nowMs < nextPurgeMs) {
            return;
        }
        nextPurgeMs = nowMs + PURGE_INTERVAL_MS;
        for (Iterator<Entry> it = keys.values().iterator(); it.hasNext(); ) {
            if (it.next().expiresMs <= nowMs) {
                it.remove();
            }
        }
    }

    /** @return how many keys the store holds now, expired ones not yet purged included (for tests) */
    int size() {
        lock.lock();
        try {
            return keys.size();
        } finally {
            lock.unlock();
        }
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("state store is closed");
        }
    }

    private static void requirePositive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0: " + value);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            keys.clear();
        } finally {
            lock.unlock();
        }
    }
}
