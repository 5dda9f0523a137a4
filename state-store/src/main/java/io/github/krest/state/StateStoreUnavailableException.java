package io.github.krest.state;

/**
 * The store could not be reached or is temporarily unable to answer (connection refused or lost, timeout, pool
 * exhausted, server loading). Thrown fast so the proxy's circuit breaker can answer 503 with {@code Retry-After}
 * (docs/architecture.md, "Failure behaviour"). The operation may or may not have been applied.
 */
public class StateStoreUnavailableException extends RetriableStateStoreException {

    public StateStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
