package io.github.krest.state;

import java.util.Objects;

/**
 * The settings a v2 consumer instance is created with (the body of {@code POST /consumers/{group}}); they never
 * change afterwards. Defaults are resolved by the proxy before creation, so every replica serves the instance alike.
 *
 * @param format           the embedded format name as the proxy spells it (e.g. {@code binary}, {@code json},
 *                         {@code avro}); not blank
 * @param autoOffsetReset  {@code earliest}, {@code latest} or {@code none}; not blank (validated by the proxy)
 * @param autoCommitEnable whether positions are committed to Kafka automatically (interval, delete, expiry)
 * @param fetchMinBytes    minimum bytes a poll accumulates before answering, in bytes; {@code <= 0} disables it
 *                         (answer as soon as any record is available)
 * @param requestTimeoutMs the longest a poll waits for records, in ms; {@code > 0}
 */
public record InstanceConfig(String format, String autoOffsetReset, boolean autoCommitEnable, long fetchMinBytes,
                             long requestTimeoutMs) {

    /** @throws IllegalArgumentException if a string is blank or the request timeout is not positive */
    public InstanceConfig {
        if (Objects.requireNonNull(format, "format").isBlank()) {
            throw new IllegalArgumentException("format must not be blank");
        }
        if (Objects.requireNonNull(autoOffsetReset, "autoOffsetReset").isBlank()) {
            throw new IllegalArgumentException("autoOffsetReset must not be blank");
        }
        if (requestTimeoutMs <= 0) {
            throw new IllegalArgumentException("requestTimeoutMs must be > 0: " + requestTimeoutMs);
        }
    }
}
