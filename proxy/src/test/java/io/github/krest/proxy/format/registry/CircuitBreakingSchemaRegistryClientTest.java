package io.github.krest.proxy.format.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.krest.proxy.error.ErrorCode;
import org.junit.jupiter.api.Test;

/**
 * The registry's circuit breaker: repeated unavailability makes calls fail at once with 503/50304 without reaching
 * the registry, "not found" answers never open it, and calls reach the registry again after the open duration.
 */
class CircuitBreakingSchemaRegistryClientTest {

    /** A registry stand-in that counts calls and fails as told. */
    private static final class FakeRegistry implements SchemaRegistryClient {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicBoolean down = new AtomicBoolean(true);

        @Override
        public RegisteredSchema byId(int id) {
            calls.incrementAndGet();
            if (down.get()) {
                throw SchemaRegistryException.unavailable("connection refused", 0, 0);
            }
            return new RegisteredSchema(id, "AVRO", "\"string\"");
        }

        @Override
        public RegisteredSchema version(String subject, String version) {
            calls.incrementAndGet();
            throw new SchemaRegistryException(ErrorCode.SCHEMA_NOT_FOUND, "Not found: " + subject, 404, 40401);
        }

        @Override
        public int register(String subject, String type, String schema) {
            return byId(1).id();
        }

        @Override
        public int versionOf(String subject, String type, String schema) {
            return 1;
        }
    }

    @Test
    void opensAfterRepeatedUnavailabilityAndClosesWhenTheRegistryIsBack() throws Exception {
        FakeRegistry registry = new FakeRegistry();
        CircuitBreakingSchemaRegistryClient client = new CircuitBreakingSchemaRegistryClient(registry,
                Duration.ofMillis(300));
        for (int i = 0; i < 3; i++) {
            assertEquals(ErrorCode.SCHEMA_REGISTRY_UNAVAILABLE,
                    assertThrows(SchemaRegistryException.class, () -> client.byId(1)).errorCode());
        }
        int before = registry.calls.get();
        SchemaRegistryException open = assertThrows(SchemaRegistryException.class, () -> client.byId(1));
        assertEquals(ErrorCode.SCHEMA_REGISTRY_UNAVAILABLE, open.errorCode());
        assertEquals(503, open.errorCode().httpStatus());
        assertEquals(before, registry.calls.get(), "an open breaker does not call the registry");

        registry.down.set(false);
        Thread.sleep(400);
        assertEquals(7, client.byId(7).id());
        assertEquals(7, client.byId(7).id());
        assertEquals(7, client.byId(7).id());
    }

    @Test
    void notFoundAnswersDoNotOpenIt() {
        FakeRegistry registry = new FakeRegistry();
        CircuitBreakingSchemaRegistryClient client = new CircuitBreakingSchemaRegistryClient(registry,
                Duration.ofSeconds(30));
        for (int i = 0; i < 10; i++) {
            assertEquals(ErrorCode.SCHEMA_NOT_FOUND,
                    assertThrows(SchemaRegistryException.class, () -> client.version("s", "1")).errorCode());
        }
        assertEquals(10, registry.calls.get(), "every call reached the registry");
    }
}
