package io.github.krest.proxy.core.consumer;

import io.github.krest.proxy.config.KrestConfig;

/**
 * The replica-wide consumer settings, read once from configuration.
 *
 * @param instanceTimeoutMs {@code consumer.instance.timeout.ms}
 * @param requestTimeoutMs {@code consumer.request.timeout.ms}, the default poll wait
 * @param requestTimeoutMaxMs {@code consumer.request.timeout.max.ms}, the cap of {@code ?timeout=}
 * @param requestMaxBytes {@code consumer.request.max.bytes}
 * @param fetchMinBytes {@code fetch.min.bytes}, -1 for "any record"
 * @param sessionTimeoutMs {@code consumer.session.timeout.ms}
 * @param autoCommitIntervalMs {@code auto.commit.interval.ms}
 * @param metadataMaxAgeMs how often a group's assignment is checked against topic metadata
 * @param idPrefix the {@code id} setting, part of generated instance names
 */
public record ConsumerSettings(long instanceTimeoutMs, long requestTimeoutMs, long requestTimeoutMaxMs,
                               long requestMaxBytes, long fetchMinBytes, long sessionTimeoutMs,
                               long autoCommitIntervalMs, long metadataMaxAgeMs, String idPrefix) {

    /** Extra time a lease holds beyond the poll's own wait, in ms: fetching, converting and storing. */
    public static final long LEASE_MARGIN_MS = 5_000;

    /**
     * @param config krest configuration
     * @return the settings
     */
    public static ConsumerSettings of(KrestConfig config) {
        return new ConsumerSettings(
                config.getLong(KrestConfig.CONSUMER_INSTANCE_TIMEOUT_MS),
                config.getLong(KrestConfig.CONSUMER_REQUEST_TIMEOUT_MS),
                config.getLong(KrestConfig.CONSUMER_REQUEST_TIMEOUT_MAX_MS),
                config.getLong(KrestConfig.CONSUMER_REQUEST_MAX_BYTES),
                config.getLong(KrestConfig.FETCH_MIN_BYTES),
                config.getLong(KrestConfig.CONSUMER_SESSION_TIMEOUT_MS),
                config.getLong(KrestConfig.AUTO_COMMIT_INTERVAL_MS),
                config.getLong(KrestConfig.METADATA_MAX_AGE_MS),
                config.getString(KrestConfig.ID));
    }
}
