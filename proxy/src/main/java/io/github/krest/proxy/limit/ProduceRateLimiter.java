package io.github.krest.proxy.limit;

import java.time.Duration;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.resilience4j.ratelimiter.RateLimiter;

/**
 * Confluent's v3 produce rate limits ({@code api.v3.produce.rate.limit.*}, docs/configuration.md
 * on rate limits), counted per record of {@code POST .../records} (streaming) and {@code .../records:batch}, in
 * Confluent's order: global count, global bytes, per-cluster count, per-cluster bytes. krest serves one cluster,
 * so its per-cluster limits and the global ones both apply to every record. Bytes are the record's JSON size; a
 * record larger than a whole second's bytes budget takes that whole budget (it is never rejected for size alone).
 * Limits never wait: an exceeded limit rejects the record with an in-stream (or per-entry) 429 and the stream goes
 * on. Permits taken by an earlier limit are not returned when a later one rejects, as in Confluent.
 */
public final class ProduceRateLimiter {
    /** Enforces nothing ({@code api.v3.produce.rate.limit.enabled=false}). */
    public static final ProduceRateLimiter UNLIMITED = new ProduceRateLimiter(null);

    private final RateLimiter[] limiters;

    private ProduceRateLimiter(RateLimiter[] limiters) {
        this.limiters = limiters;
    }

    /**
     * @param globalCount records per second, whole replica
     * @param globalBytes bytes per second, whole replica
     * @param clusterCount records per second, per cluster
     * @param clusterBytes bytes per second, per cluster
     * @return a limiter enforcing all four
     */
    public static ProduceRateLimiter of(int globalCount, int globalBytes, int clusterCount, int clusterBytes) {
        return new ProduceRateLimiter(new RateLimiter[] {
                Limiters.perSecond("krest-produce-global-count", globalCount, Duration.ZERO),
                Limiters.perSecond("krest-produce-global-bytes", globalBytes, Duration.ZERO),
                Limiters.perSecond("krest-produce-cluster-count", clusterCount, Duration.ZERO),
                Limiters.perSecond("krest-produce-cluster-bytes", clusterBytes, Duration.ZERO)});
    }

    /**
     * @param config krest configuration
     * @return the configured limiter, {@link #UNLIMITED} unless {@code api.v3.produce.rate.limit.enabled}
     */
    public static ProduceRateLimiter of(KrestConfig config) {
        if (!config.getBoolean(KrestConfig.PRODUCE_RATE_LIMIT_ENABLED)) {
            return UNLIMITED;
        }
        return of(config.getInt(KrestConfig.PRODUCE_RATE_LIMIT_GLOBAL_COUNT),
                config.getInt(KrestConfig.PRODUCE_RATE_LIMIT_GLOBAL_BYTES),
                config.getInt(KrestConfig.PRODUCE_RATE_LIMIT_COUNT),
                config.getInt(KrestConfig.PRODUCE_RATE_LIMIT_BYTES));
    }

    /**
     * Counts one record.
     *
     * @param bytes the record's JSON size
     * @return whether it may be produced
     */
    public boolean tryAcquire(long bytes) {
        if (limiters == null) {
            return true;
        }
        return Limiters.acquire(limiters[0], 1) && Limiters.acquire(limiters[1], bytes)
                && Limiters.acquire(limiters[2], 1) && Limiters.acquire(limiters[3], bytes);
    }

    /**
     * Counts one record and throws when a limit is exceeded.
     *
     * @param bytes the record's JSON size
     * @throws RestException 429/429 with Confluent's message
     */
    public void acquire(long bytes) {
        if (!tryAcquire(bytes)) {
            throw exceeded();
        }
    }

    /** @return the 429/429 of a rate-limited record */
    public static RestException exceeded() {
        return new RestException(ErrorCode.TOO_MANY_REQUESTS, RequestRateLimiter.MESSAGE);
    }
}
