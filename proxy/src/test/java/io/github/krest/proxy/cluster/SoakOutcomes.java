package io.github.krest.proxy.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

import io.github.krest.proxy.testing.KrestHttp;

/**
 * What the soak's clients saw, shared by all of them (thread-safe): requests sent per operation, every answer
 * that was not a success (with its time, HTTP status and {@code error_code}), and when each client last succeeded,
 * from which the stalls are computed. Times are milliseconds since the soak started.
 */
final class SoakOutcomes {
    /** Which successes a stall is measured on. */
    enum Role {
        /** A produce request (or a client's retry) whose records were all acknowledged. */
        PRODUCE,
        /** A poll that delivered at least one record. */
        CONSUME
    }

    /**
     * One answer that was not a success: a whole request's, or one record's ({@code perRecord}: a v2
     * {@code offsets[i].error_code}, a v3 receipt or batch failure).
     *
     * @param atMs when it arrived
     * @param operation e.g. {@code produce v2}, {@code poll}
     * @param status the HTTP status; 0 when no answer came (connection refused or reset, timeout)
     * @param errorCode the JSON {@code error_code}, or {@code -} when the body had none
     * @param retryAfter whether the answer carried {@code Retry-After}
     * @param message the error message or exception, for examples
     */
    record Failure(long atMs, String operation, int status, String errorCode, boolean perRecord, boolean retryAfter,
                   String message) {
        /** @return the failure class: operation, status, code, per record or not */
        Kind kind() {
            return new Kind(operation, status, errorCode, perRecord);
        }
    }

    /** A class of failures, as the report counts them. */
    record Kind(String operation, int status, String errorCode, boolean perRecord) implements Comparable<Kind> {
        /**
         * @return whether a client must (and may) send the request or record again: the answers krest and nginx give
         *     for a component that is down for a moment. Everything else is a failure a client cannot fix by
         *     retrying, which the soak counts as a bug.
         */
        boolean retriable() {
            if (perRecord) {
                return errorCode.equals("50003");
            }
            return switch (status) {
                case 0, 502, 503, 504, 429 -> true;
                case 500 -> errorCode.equals("50003");
                case 408 -> errorCode.equals("408");
                default -> false;
            };
        }

        /** @return what a client does about it, for the report */
        String clientAction() {
            if (!retriable()) {
                return "none: a client cannot retry this (counted as a bug)";
            }
            if (perRecord || status == 500) {
                return "send the record again (Kafka's retriable error: its batch failed or expired)";
            }
            return switch (status) {
                case 0 -> "send again (no answer: connection refused or reset, or timed out)";
                case 502 -> "send again (nginx reached no replica)";
                case 504 -> "send again (nginx: the replica did not answer in time)";
                default -> "wait Retry-After, send again";
            };
        }

        @Override
        public int compareTo(Kind o) {
            return toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return operation + " " + (perRecord ? "record " : "") + (status == 0 ? "io" : status) + "/" + errorCode;
        }
    }

    /** A request that takes this long, in ms, is listed ({@link #slowRequests()}). */
    static final long SLOW_MS = 5_000;

    private final long startNanos = System.nanoTime();
    private final Queue<Slow> slow = new ConcurrentLinkedQueue<>();
    private final Map<String, LongAdder> sent = new ConcurrentSkipListMap<>();
    private final Queue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final Map<Role, Map<String, List<Long>>> successes = Map.of(Role.PRODUCE, new ConcurrentHashMap<>(),
            Role.CONSUME, new ConcurrentHashMap<>());

    /** @return milliseconds since the soak started */
    long nowMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Counts one request of {@code operation} sent. */
    void sent(String operation) {
        sent.computeIfAbsent(operation, k -> new LongAdder()).increment();
    }

    /** Notes a success of {@code client} now. */
    void success(Role role, String client) {
        successes.get(role).computeIfAbsent(client, c -> Collections.synchronizedList(new ArrayList<>()))
                .add(nowMs());
    }

    /**
     * Records an answer that was not a success, arrived now.
     *
     * @return the failure recorded
     */
    Failure failure(String operation, int status, String errorCode, boolean perRecord, boolean retryAfter,
                    String message) {
        Failure failure = new Failure(nowMs(), operation, status, errorCode, perRecord, retryAfter, message);
        failures.add(failure);
        return failure;
    }

    /**
     * Notes how long one request took, keeping those of {@value #SLOW_MS} ms and more.
     *
     * @param status its answer's status, 0 when none came
     */
    void took(String operation, String client, long ms, int status) {
        if (ms >= SLOW_MS) {
            slow.add(new Slow(nowMs() - ms, operation, client, ms, status));
        }
    }

    /** A request that took {@value #SLOW_MS} ms or more: when it was sent, by whom, how long, its status. */
    record Slow(long sentAtMs, String operation, String client, long ms, int status) {
    }

    /** @return the slow requests, in the order they ended */
    List<Slow> slowRequests() {
        return List.copyOf(slow);
    }

    /** @return the {@code Retry-After} delay of an answer in ms (delta seconds; 1 s for a date), if it has one */
    static Optional<Long> retryAfterMs(KrestHttp.Response r) {
        try {
            return r.headers().firstValue("Retry-After").map(s -> Long.parseLong(s.trim()) * 1000);
        } catch (NumberFormatException httpDate) {
            return Optional.of(1000L);
        }
    }

    /** @return requests sent per operation */
    Map<String, Long> sentByOperation() {
        Map<String, Long> counts = new ConcurrentSkipListMap<>();
        sent.forEach((op, n) -> counts.put(op, n.sum()));
        return counts;
    }

    /** @return every failure so far, in arrival order (roughly) */
    List<Failure> failures() {
        return List.copyOf(failures);
    }

    /**
     * A time without a success.
     *
     * @param client whose (empty for all clients together)
     * @param fromMs when it began: the last success before it
     * @param ms how long it lasted
     */
    record Stall(String client, long fromMs, long ms) {
    }

    /**
     * The longest time without a success that overlaps {@code [fromMs, toMs)}: by all clients of the role together
     * (nobody succeeded) or, with {@code perClient}, by any one of them. The soak's start and {@code endMs} count as
     * successes, so a client that never succeeds again stalls until the end.
     */
    Stall longestStall(Role role, long fromMs, long toMs, long endMs, boolean perClient) {
        Map<String, List<Long>> byClient = successes.get(role);
        if (!perClient) {
            List<Long> all = new ArrayList<>();
            byClient.values().forEach(times -> {
                synchronized (times) {
                    all.addAll(times);
                }
            });
            Collections.sort(all);
            return longestGap("", all, fromMs, toMs, endMs);
        }
        Stall longest = new Stall("", fromMs, 0);
        for (Map.Entry<String, List<Long>> e : byClient.entrySet()) {
            synchronized (e.getValue()) {
                Stall s = longestGap(e.getKey(), new ArrayList<>(e.getValue()), fromMs, toMs, endMs);
                if (s.ms() > longest.ms()) {
                    longest = s;
                }
            }
        }
        return longest;
    }

    private static Stall longestGap(String client, List<Long> sorted, long fromMs, long toMs, long endMs) {
        Stall longest = new Stall(client, fromMs, 0);
        long previous = 0;
        for (long t : sorted) {
            if (t > fromMs && previous < toMs && t - previous > longest.ms()) {
                longest = new Stall(client, previous, t - previous);
            }
            previous = t;
        }
        if (previous < toMs && endMs - previous > longest.ms()) {
            longest = new Stall(client, previous, endMs - previous);
        }
        return longest;
    }
}
