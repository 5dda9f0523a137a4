package io.github.krest.proxy.limit;

import java.util.Optional;

import io.github.krest.proxy.config.KrestConfig;

/**
 * A replica's overload protection, built once and shared by all its listeners: the generic per-endpoint rate limit
 * (when {@code rate.limit.enable}), the v3 produce per-record limits and the long-poll bulkhead.
 *
 * @param requests the generic per-endpoint rate limit, empty when disabled
 * @param produce the v3 produce limits ({@link ProduceRateLimiter#UNLIMITED} when disabled)
 * @param polls the bulkhead of v2 {@code GET .../records}
 */
public record Limits(Optional<RequestRateLimiter> requests, ProduceRateLimiter produce, PollBulkhead polls) {
    /**
     * @param config krest configuration
     * @return the configured limits
     */
    public static Limits of(KrestConfig config) {
        return new Limits(RequestRateLimiter.of(config), ProduceRateLimiter.of(config), PollBulkhead.of(config));
    }
}
