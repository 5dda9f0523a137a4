package io.github.krest.proxy.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;

/**
 * Produce limits: records per v2 request, bytes per record, entries per v3 batch, and the bounds of a v3 streaming
 * produce connection (record size, life and grace period); how long the answer to a produce request with an
 * {@code Idempotency-Key} is kept.
 *
 * <p>One fragment of {@link KrestConfig#DEFINITION}, defined the way Kafka's {@code SslConfigs.addClientSslSupport}
 * adds its keys to a client's {@code ConfigDef}; callers name the keys through their {@link KrestConfig} aliases.
 */
final class ProduceConfigs {

    static final String PRODUCE_RECORDS_MAX = "produce.request.max.records";
    static final String PRODUCE_RECORD_MAX_BYTES = "produce.record.max.bytes";
    static final String PRODUCE_BATCH_MAX_ENTRIES = "api.v3.produce.batch.maximum.entries";
    static final String PRODUCE_STREAM_RECORD_MAX_BYTES = "api.v3.produce.request.size.limit.max.bytes";
    static final String STREAMING_MAX_DURATION_MS = "streaming.connection.max.duration.ms";
    static final String STREAMING_GRACE_MS = "streaming.connection.max.duration.grace.period.ms";
    static final String IDEMPOTENCY_KEY_TTL_MS = "idempotency.key.ttl.ms";

    private ProduceConfigs() {
    }

    /**
     * Defines the produce keys: type, default, validator and doc line of each.
     *
     * @param def the definition to add to
     * @return {@code def}
     */
    static ConfigDef addProduceSupport(ConfigDef def) {
        return def
            .define(IDEMPOTENCY_KEY_TTL_MS, ConfigDef.Type.LONG, 3_600_000L, Range.atLeast(1_000), Importance.MEDIUM,
                    "krest: how long the answer of a produce request with an Idempotency-Key is kept, in ms: a "
                            + "retry with the key within this time gets it and writes nothing. Keys live in "
                            + "consumer.state.store (Redis: about 310 bytes a key for a one-record answer, 2.6 KB "
                            + "for 500).")
            .define(PRODUCE_RECORDS_MAX, ConfigDef.Type.INT, 10_000, Range.atLeast(1), Importance.MEDIUM,
                    "krest: most records in one v2 produce request; more answer 422/42206.")
            .define(PRODUCE_RECORD_MAX_BYTES, ConfigDef.Type.INT, 1024 * 1024, Range.atLeast(1), Importance.MEDIUM,
                    "krest: largest record accepted for produce (key + value + header bytes); a larger one "
                            + "answers 413 (v2: the whole request, before anything is produced; v3: that record).")
            .define(PRODUCE_BATCH_MAX_ENTRIES, ConfigDef.Type.INT, 10, Range.between(1, 10_000), Importance.LOW,
                    "Most entries in one v3 records:batch request; more answer 422/42208. Confluent caps the "
                            + "setting at 50; krest allows up to 10000.")
            .define(PRODUCE_STREAM_RECORD_MAX_BYTES, ConfigDef.Type.LONG, 4L * 1024 * 1024, Range.atLeast(0),
                    Importance.LOW,
                    "Largest JSON text of one record in a v3 produce request, in bytes; a larger record gets an "
                            + "in-stream 400 and the connection is closed. 0 = no limit (Confluent's default; "
                            + "krest defaults to 4 MiB).")
            .define(STREAMING_MAX_DURATION_MS, ConfigDef.Type.LONG, 86_400_000L, Range.atLeast(1), Importance.LOW,
                    "Longest a v3 streaming produce connection may stay open, in ms; later records get an "
                            + "in-stream 408 and the response ends after the grace period.")
            .define(STREAMING_GRACE_MS, ConfigDef.Type.LONG, 500L, Range.atLeast(0), Importance.LOW,
                    "Grace period after " + STREAMING_MAX_DURATION_MS + " before the stream is closed, in ms.");
    }
}
