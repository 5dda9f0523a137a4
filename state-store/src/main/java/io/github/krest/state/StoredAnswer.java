package io.github.krest.state;

import java.util.Objects;

/**
 * The answer a request with an idempotency key got, kept so that a retry with the same key gets it again.
 *
 * @param status      the HTTP status, e.g. 200 or 207
 * @param contentType the response's media type, e.g. {@code application/vnd.kafka.v2+json}
 * @param body        the response body, JSON text
 */
public record StoredAnswer(int status, String contentType, String body) {
    public StoredAnswer {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
    }
}
