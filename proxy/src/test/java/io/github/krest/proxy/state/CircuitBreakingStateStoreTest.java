package io.github.krest.proxy.state;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicReference;

import io.github.krest.state.ConsumerStateStore;
import io.github.krest.state.StateStoreBusyException;
import io.github.krest.state.StateStoreUnavailableException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The state store's circuit breaker opens when the store is unreachable, but not when this replica's own connection
 * pool runs dry: each such call still fails (503), the next ones are tried.
 */
class CircuitBreakingStateStoreTest {

    /** A store whose every call throws what {@code failure} holds. */
    private static ConsumerStateStore failing(AtomicReference<RuntimeException> failure) {
        return (ConsumerStateStore) Proxy.newProxyInstance(ConsumerStateStore.class.getClassLoader(),
                new Class<?>[] {ConsumerStateStore.class}, (proxy, method, args) -> {
                    throw failure.get();
                });
    }

    @Test
    void anExhaustedPoolFailsTheCallButDoesNotOpenTheBreaker() {
        AtomicReference<RuntimeException> failure = new AtomicReference<>(
                new StateStoreBusyException("pool exhausted", null));
        CircuitBreakingStateStore store = new CircuitBreakingStateStore(failing(failure), "test");
        for (int i = 0; i < 20; i++) {
            assertThrows(StateStoreBusyException.class, () -> store.instance("g", "i", 0));
        }
        assertEquals(CircuitBreaker.State.CLOSED, store.breaker().getState());

        failure.set(new StateStoreUnavailableException("connection refused", null));
        for (int i = 0; i < 10; i++) {
            assertThrows(StateStoreUnavailableException.class, () -> store.instance("g", "i", 0));
        }
        assertEquals(CircuitBreaker.State.OPEN, store.breaker().getState(), "an unreachable store opens it");
    }
}
