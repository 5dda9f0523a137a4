package io.github.krest.state.memory;

import io.github.krest.state.IdempotencyClaim;
import io.github.krest.state.IdempotencyKey;
import io.github.krest.state.IdempotencyKeyStore;
import io.github.krest.state.IdempotencyKeyStoreContract;
import io.github.krest.state.StoredAnswer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Runs the contract against {@link InMemoryIdempotencyKeyStore}, and checks that expired keys leave the map. */
class InMemoryIdempotencyKeyStoreTest extends IdempotencyKeyStoreContract {

    @Override
    protected IdempotencyKeyStore newStore() {
        return new InMemoryIdempotencyKeyStore();
    }

    @Test
    void expiredKeysAreDroppedFromMemory() {
        InMemoryIdempotencyKeyStore memory = (InMemoryIdempotencyKeyStore) store;
        for (int i = 0; i < 1_000; i++) {
            IdempotencyKey key = new IdempotencyKey("", "k" + i);
            assertInstanceOf(IdempotencyClaim.Started.class, memory.claim(key, FP, i, "r" + i, t0, ATTEMPT, TTL));
            memory.complete(key, i, new StoredAnswer(200, "application/json", "{}"), t0, TTL);
        }
        assertEquals(1_000, memory.size());
        memory.claim(KEY, FP, 1, "r", t0 + TTL + 1, ATTEMPT, TTL);
        assertEquals(1, memory.size(), "only the new key is left");
    }
}
