package io.github.krest.proxy.limit;

import java.time.Duration;
import java.util.function.Supplier;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;

/**
 * Bounds the concurrent v2 long polls ({@code GET .../records}) of one replica to
 * {@code consumer.max.concurrent.polls} (a resilience4j semaphore bulkhead). A poll that finds the bulkhead full
 * waits up to {@code consumer.max.concurrent.polls.wait.ms} for a slot, then answers JSON 429/429 with
 * {@code Retry-After: 1}, so the client retries, possibly on a less busy replica. Confluent's analogue is the
 * {@code consumer.threads} worker pool, where a poll beyond the pool queues without bound instead.
 */
public final class PollBulkhead {
    private final Bulkhead bulkhead;

    /**
     * @param maxConcurrent most polls served at once
     * @param maxWait longest a poll waits for a slot
     */
    public PollBulkhead(int maxConcurrent, Duration maxWait) {
        this.bulkhead = Bulkhead.of("krest-consumer-polls", BulkheadConfig.custom()
                .maxConcurrentCalls(maxConcurrent)
                .maxWaitDuration(maxWait)
                .build());
    }

    /**
     * @param config krest configuration
     * @return the configured bulkhead
     */
    public static PollBulkhead of(KrestConfig config) {
        return new PollBulkhead(config.getInt(KrestConfig.CONSUMER_MAX_CONCURRENT_POLLS),
                Duration.ofMillis(config.getLong(KrestConfig.CONSUMER_MAX_CONCURRENT_POLLS_WAIT_MS)));
    }

    /**
     * Runs {@code poll} in the bulkhead.
     *
     * @param poll the poll
     * @param <T> its result
     * @return its result
     * @throws RestException 429/429 when no slot became free in time
     */
    public <T> T call(Supplier<T> poll) {
        if (!bulkhead.tryAcquirePermission()) {
            throw new RestException(ErrorCode.TOO_MANY_REQUESTS, "Too many concurrent consumer polls on this "
                    + "replica (consumer.max.concurrent.polls); retry later.");
        }
        try {
            return poll.get();
        } finally {
            bulkhead.onComplete();
        }
    }

    /** @return polls being served now */
    public int active() {
        BulkheadConfig config = bulkhead.getBulkheadConfig();
        return config.getMaxConcurrentCalls() - bulkhead.getMetrics().getAvailableConcurrentCalls();
    }
}
