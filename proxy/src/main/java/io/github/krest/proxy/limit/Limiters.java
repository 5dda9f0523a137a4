package io.github.krest.proxy.limit;

import java.time.Duration;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;

/** resilience4j rate limiters refreshed every second, shared by the limiters of this package. */
final class Limiters {
    /** Every limit is per second. */
    static final Duration PERIOD = Duration.ofSeconds(1);

    private Limiters() {
    }

    /**
     * @param name limiter name
     * @param perSecond permits per second
     * @param timeout longest wait for permits; zero: fail at once
     * @return a new limiter
     */
    static RateLimiter perSecond(String name, int perSecond, Duration timeout) {
        return RateLimiter.of(name, RateLimiterConfig.custom()
                .limitForPeriod(perSecond)
                .limitRefreshPeriod(PERIOD)
                .timeoutDuration(timeout)
                .build());
    }

    /**
     * Takes {@code permits} from {@code limiter}. A request for more than one period's permits is clamped to one
     * period's: resilience4j never grants more than {@code limitForPeriod} at once without waiting, so an
     * unclamped request could never succeed with a zero timeout. Such a request takes the whole second's budget.
     *
     * @param limiter the limiter
     * @param permits permits wanted, at least 1
     * @return whether they were granted (within the limiter's timeout)
     */
    static boolean acquire(RateLimiter limiter, long permits) {
        int limit = limiter.getRateLimiterConfig().getLimitForPeriod();
        int n = (int) Math.max(1, Math.min(permits, limit));
        return limiter.acquirePermission(n);
    }
}
