package io.github.krest.proxy.http;

import java.util.Optional;

import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.ErrorResponse;
import io.github.krest.proxy.limit.RequestRateLimiter;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Applies {@link RequestRateLimiter} to every request to a known endpoint: one the limiter refuses answers JSON
 * 429/429 with {@code Retry-After: 1} (Confluent's {@code rate.limit.*}). Unknown paths (answered 404) and
 * {@code OPTIONS} are not counted.
 */
public final class RateLimitFilter implements Filter {
    private final RequestRateLimiter limiter;

    /** @param limiter the replica's request rate limiter */
    public RateLimitFilter(RequestRateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!req.prologue().method().equals(Method.OPTIONS)) {
            Optional<String> name = ResourceNames.of(req);
            if (name.isPresent() && !limiter.tryAcquire(name.get())) {
                HttpErrors.send(req, res, ErrorResponse.of(ErrorCode.TOO_MANY_REQUESTS, RequestRateLimiter.MESSAGE));
                return;
            }
        }
        chain.proceed();
    }
}
