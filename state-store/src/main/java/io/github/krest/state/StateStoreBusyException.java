package io.github.krest.state;

/**
 * This replica has more concurrent store calls than connections, and none came free in time (the connection pool
 * is exhausted). The store itself may be healthy: a circuit breaker should not count it as the store failing, only
 * answer the request 503 with {@code Retry-After}. The operation was not sent.
 */
public class StateStoreBusyException extends StateStoreUnavailableException {

    /**
     * @param message what was waited for
     * @param cause the client's exception
     */
    public StateStoreBusyException(String message, Throwable cause) {
        super(message, cause);
    }
}
