package io.github.krest.proxy.config;

import java.util.List;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;

/**
 * Rate limits: the generic per-endpoint limit with its costs, and the v3 produce limits counted per record.
 *
 * <p>One fragment of {@link KrestConfig#DEFINITION}, defined the way Kafka's {@code SslConfigs.addClientSslSupport}
 * adds its keys to a client's {@code ConfigDef}; callers name the keys through their {@link KrestConfig} aliases.
 */
final class RateLimitConfigs {

    static final String RATE_LIMIT_ENABLE = "rate.limit.enable";
    static final String RATE_LIMIT_PERMITS_PER_SEC = "rate.limit.permits.per.sec";
    static final String RATE_LIMIT_TIMEOUT_MS = "rate.limit.timeout.ms";
    static final String RATE_LIMIT_DEFAULT_COST = "rate.limit.default.cost";
    static final String RATE_LIMIT_COSTS = "rate.limit.costs";
    static final String PRODUCE_RATE_LIMIT_ENABLED = "api.v3.produce.rate.limit.enabled";
    static final String PRODUCE_RATE_LIMIT_COUNT = "api.v3.produce.rate.limit.max.requests.per.sec";
    static final String PRODUCE_RATE_LIMIT_GLOBAL_COUNT =
            "api.v3.produce.rate.limit.max.requests.global.per.sec";
    static final String PRODUCE_RATE_LIMIT_BYTES = "api.v3.produce.rate.limit.max.bytes.per.sec";
    static final String PRODUCE_RATE_LIMIT_GLOBAL_BYTES = "api.v3.produce.rate.limit.max.bytes.global.per.sec";

    private RateLimitConfigs() {
    }

    /**
     * Defines the rate-limit keys: type, default, validator and doc line of each.
     *
     * @param def the definition to add to
     * @return {@code def}
     */
    static ConfigDef addRateLimitSupport(ConfigDef def) {
        return def
            .define(RATE_LIMIT_ENABLE, ConfigDef.Type.BOOLEAN, false, Importance.LOW,
                    "Enable the generic per-endpoint rate limit (every endpoint but v3 produce): JSON 429 with "
                            + "Retry-After when exceeded. Per replica.")
            .define(RATE_LIMIT_PERMITS_PER_SEC, ConfigDef.Type.INT, 50, Range.atLeast(1), Importance.LOW,
                    "Permits per second of the generic rate limit, per replica; a request costs its "
                            + RATE_LIMIT_COSTS + " entry.")
            .define(RATE_LIMIT_TIMEOUT_MS, ConfigDef.Type.LONG, 0L, Range.atLeast(0), Importance.LOW,
                    "How long a request waits for permits of the generic rate limit before answering 429, in ms.")
            .define(RATE_LIMIT_DEFAULT_COST, ConfigDef.Type.INT, 1, Range.atLeast(0), Importance.LOW,
                    "Permits an endpoint without a " + RATE_LIMIT_COSTS + " entry costs; 0 = unlimited.")
            .define(RATE_LIMIT_COSTS, ConfigDef.Type.LIST, "", costsValidator(), Importance.LOW,
                    "Per-endpoint costs, resource name or prefix (.*) = permits, e.g. "
                            + "api.v3.clusters.*=1,api.v3.brokers.list=2; the exact name wins, then the longest "
                            + "prefix; 0 = unlimited.")
            .define(PRODUCE_RATE_LIMIT_ENABLED, ConfigDef.Type.BOOLEAN, false, Importance.LOW,
                    "Enable the v3 produce rate limits (records and records:batch), counted per record; an "
                            + "exceeded limit gives that record an in-stream 429 and the stream goes on.")
            .define(PRODUCE_RATE_LIMIT_COUNT, ConfigDef.Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
                    "v3 produce records per second per cluster (krest serves one: per replica).")
            .define(PRODUCE_RATE_LIMIT_GLOBAL_COUNT, ConfigDef.Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
                    "v3 produce records per second, whole replica.")
            .define(PRODUCE_RATE_LIMIT_BYTES, ConfigDef.Type.INT, 10_000_000, Range.atLeast(1), Importance.LOW,
                    "v3 produce bytes (record JSON size) per second per cluster (krest serves one: per replica).")
            .define(PRODUCE_RATE_LIMIT_GLOBAL_BYTES, ConfigDef.Type.INT, 10_000_000, Range.atLeast(1), Importance.LOW,
                    "v3 produce bytes (record JSON size) per second, whole replica.");
    }

    private static ConfigDef.Validator costsValidator() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                @SuppressWarnings("unchecked")
                List<String> list = (List<String>) value;
                RateLimitCosts.parse(list == null ? List.of() : list);
            }

            @Override
            public String toString() {
                return "name=cost,...";
            }
        };
    }
}
