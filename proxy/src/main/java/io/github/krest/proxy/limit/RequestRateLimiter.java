package io.github.krest.proxy.limit;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.config.RateLimitCosts;
import io.github.resilience4j.ratelimiter.RateLimiter;

/**
 * Confluent's generic per-endpoint rate limit ({@code rate.limit.*}): one replica-wide budget of
 * {@code rate.limit.permits.per.sec} permits; a request to a known endpoint costs what {@link RateLimitCosts} says
 * and waits up to {@code rate.limit.timeout.ms} for its permits. The HTTP side ({@code http.RateLimitFilter}) answers
 * 429/429 when {@link #tryAcquire} refuses.
 *
 * <p>v3 produce ({@code records} and {@code records:batch}) is exempt, as in Confluent ({@code @DoNotRateLimit}):
 * it has its own per-record limit, {@link ProduceRateLimiter}. v2 produce is an ordinary endpoint and costs per
 * request.
 */
public final class RequestRateLimiter {
    /** Confluent's message for every rate-limited request or record. */
    public static final String MESSAGE =
            "Request rate limit exceeded: The rate limit of requests per second has been exceeded.";

    private static final List<String> EXEMPT = List.of("api.v3.produce.produce-to-topic",
            "api.v3.batch-produce.produce-to-topic");

    private final RateLimiter limiter;
    private final RateLimitCosts costs;

    /**
     * @param permitsPerSecond {@code rate.limit.permits.per.sec}
     * @param timeout {@code rate.limit.timeout.ms}
     * @param costs what each endpoint costs
     */
    public RequestRateLimiter(int permitsPerSecond, Duration timeout, RateLimitCosts costs) {
        this.limiter = Limiters.perSecond("krest-rate-limit", permitsPerSecond, timeout);
        this.costs = costs;
    }

    /**
     * @param config krest configuration
     * @return the limiter, empty unless {@code rate.limit.enable}
     */
    public static Optional<RequestRateLimiter> of(KrestConfig config) {
        if (!config.getBoolean(KrestConfig.RATE_LIMIT_ENABLE)) {
            return Optional.empty();
        }
        return Optional.of(new RequestRateLimiter(config.getInt(KrestConfig.RATE_LIMIT_PERMITS_PER_SEC),
                Duration.ofMillis(config.getLong(KrestConfig.RATE_LIMIT_TIMEOUT_MS)), RateLimitCosts.of(config)));
    }

    /**
     * Takes a request's permits, waiting up to {@code rate.limit.timeout.ms}.
     *
     * @param resourceName the endpoint's resource name
     * @return whether the request may go on (always for exempt endpoints and cost 0)
     */
    public boolean tryAcquire(String resourceName) {
        if (EXEMPT.contains(resourceName)) {
            return true;
        }
        int cost = costs.cost(resourceName);
        return cost == 0 || Limiters.acquire(limiter, cost);
    }

    /** @return the costs this limiter charges */
    public RateLimitCosts costs() {
        return costs;
    }
}
