package io.github.krest.state;

import java.util.Objects;

/**
 * A client's {@code Idempotency-Key} (IETF httpapi draft "The Idempotency-Key HTTP Header Field") in the scope of
 * the principal that sent it: two principals using the same key never see each other's requests.
 *
 * @param principal the authenticated principal, the empty string when authentication is off
 * @param key       the key as the client sent it, 1 to {@value #MAX_LENGTH} characters
 */
public record IdempotencyKey(String principal, String key) {
    /** The longest key accepted, in characters. */
    public static final int MAX_LENGTH = 255;

    /**
     * @throws IllegalArgumentException if the key is empty or longer than {@value #MAX_LENGTH} characters
     */
    public IdempotencyKey {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(key, "key");
        if (key.isEmpty() || key.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("an idempotency key has 1 to " + MAX_LENGTH + " characters");
        }
    }
}
