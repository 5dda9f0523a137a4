package io.github.krest.proxy.format.registry;

import java.time.Duration;
import java.util.function.Supplier;

import io.github.krest.proxy.error.ErrorCode;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

/**
 * Wraps the registry client in a resilience4j circuit breaker: after repeated "unavailable" failures (unreachable,
 * timing out, 5xx: 503/50304) calls fail at once with the same 503/50304 instead of waiting for the registry's
 * timeout, and a few calls are let through again after the open duration. Answers such as "not found" or
 * "invalid schema" are the registry working and never open the breaker. Sits under the cache, so cached schemas
 * keep serving while the registry is down.
 */
public final class CircuitBreakingSchemaRegistryClient implements SchemaRegistryClient {
    private final SchemaRegistryClient delegate;
    private final CircuitBreaker breaker;

    /**
     * @param delegate the client that calls the registry
     * @param openDuration how long the breaker stays open before trying the registry again
     */
    public CircuitBreakingSchemaRegistryClient(SchemaRegistryClient delegate, Duration openDuration) {
        this.delegate = delegate;
        this.breaker = CircuitBreaker.of("schema-registry", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(10)
                .minimumNumberOfCalls(3)
                .failureRateThreshold(50)
                .waitDurationInOpenState(openDuration)
                .permittedNumberOfCallsInHalfOpenState(2)
                .recordException(e -> e instanceof SchemaRegistryException sre
                        && sre.errorCode() == ErrorCode.SCHEMA_REGISTRY_UNAVAILABLE)
                .build());
    }

    /** @return the breaker, for metrics */
    public CircuitBreaker breaker() {
        return breaker;
    }

    private <T> T call(Supplier<T> call) {
        try {
            return breaker.executeSupplier(call);
        } catch (CallNotPermittedException open) {
            throw SchemaRegistryException.unavailable("it failed repeatedly (circuit open)", 0, 0);
        }
    }

    @Override
    public RegisteredSchema byId(int id) {
        return call(() -> delegate.byId(id));
    }

    @Override
    public RegisteredSchema version(String subject, String version) {
        return call(() -> delegate.version(subject, version));
    }

    @Override
    public int register(String subject, String type, String schema) {
        return call(() -> delegate.register(subject, type, schema));
    }

    @Override
    public int versionOf(String subject, String type, String schema) {
        return call(() -> delegate.versionOf(subject, type, schema));
    }
}
