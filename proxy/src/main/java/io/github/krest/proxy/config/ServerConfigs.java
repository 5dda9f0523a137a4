package io.github.krest.proxy.config;

import java.util.List;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigException;

/**
 * The HTTP server's keys: the listeners krest binds and the base URL it advertises, which APIs and endpoints it
 * serves, how large a request body may be, and how long a stopping replica lets requests finish.
 *
 * <p>One fragment of {@link KrestConfig#DEFINITION}, defined the way Kafka's {@code SslConfigs.addClientSslSupport}
 * adds its keys to a client's {@code ConfigDef}; callers name the keys through their {@link KrestConfig} aliases.
 */
final class ServerConfigs {

    static final String LISTENERS = "listeners";
    static final String ADVERTISED_LISTENERS = "advertised.listeners";
    static final String API_V2_ENABLE = "api.v2.enable";
    static final String API_V3_ENABLE = "api.v3.enable";
    static final String API_ENDPOINTS_ALLOWLIST = "api.endpoints.allowlist";
    static final String API_ENDPOINTS_BLOCKLIST = "api.endpoints.blocklist";
    static final String RESOURCE_NAME_AUTHORITY = "confluent.resource.name.authority";
    static final String REQUEST_BODY_MAX_BYTES = "request.body.max.bytes";
    static final String SHUTDOWN_GRACEFUL_MS = "shutdown.graceful.ms";

    private ServerConfigs() {
    }

    /**
     * Defines the server keys: type, default, validator and doc line of each.
     *
     * @param def the definition to add to
     * @return {@code def}
     */
    static ConfigDef addServerSupport(ConfigDef def) {
        return def
            .define(LISTENERS, ConfigDef.Type.LIST, "http://0.0.0.0:8082", listenersValidator(true), Importance.HIGH,
                    "Comma-separated listener URLs krest binds to, e.g. http://0.0.0.0:8082,http://127.0.0.1:9082; "
                            + "https:// listeners serve TLS with the ssl.* keys.")
            .define(ADVERTISED_LISTENERS, ConfigDef.Type.LIST, "", Importance.MEDIUM,
                    "Base URL(s) used in absolute URLs (v2 base_uri, v3 self/related links): the load balancer's "
                            + "address. Empty: built from the request's Forwarded / X-Forwarded-* / Host headers.")
            .define(API_V2_ENABLE, ConfigDef.Type.BOOLEAN, true, Importance.MEDIUM, "Serve the v2 API.")
            .define(API_V3_ENABLE, ConfigDef.Type.BOOLEAN, true, Importance.MEDIUM, "Serve the v3 API.")
            .define(API_ENDPOINTS_ALLOWLIST, ConfigDef.Type.LIST, "", Importance.LOW,
                    "Resource names (e.g. api.v3.topics.list) or prefixes (api.v3.acls.*) of the only endpoints "
                            + "served; empty: all. A blocked GET answers 404, other methods 405.")
            .define(API_ENDPOINTS_BLOCKLIST, ConfigDef.Type.LIST, "", Importance.LOW,
                    "Resource names or prefixes of endpoints not served (applied after the allowlist).")
            .define(RESOURCE_NAME_AUTHORITY, ConfigDef.Type.STRING, "", Importance.LOW,
                    "Authority of the CRNs in v3 metadata.resource_name: crn://{authority}/kafka={cluster}/...")
            .define(REQUEST_BODY_MAX_BYTES, ConfigDef.Type.LONG, 16L * 1024 * 1024, Range.atLeast(1), Importance.MEDIUM,
                    "krest: largest request body accepted by non-streaming endpoints, in bytes; larger ones "
                            + "answer 413. The v3 streaming produce body is unbounded in total and limited per "
                            + "record by " + ProduceConfigs.PRODUCE_STREAM_RECORD_MAX_BYTES + ".")
            .define(SHUTDOWN_GRACEFUL_MS, ConfigDef.Type.INT, 5_000, Range.atLeast(0), Importance.LOW,
                    "How long a replica stopping on SIGTERM lets in-flight requests finish, in ms, after it stops "
                            + "accepting connections (per listener); then it interrupts the rest, releases the "
                            + "consumer leases it holds and flushes the producer.");
    }

    /** @param required whether at least one listener is needed ({@code listeners}) or none is fine */
    static ConfigDef.Validator listenersValidator(boolean required) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                @SuppressWarnings("unchecked")
                List<String> list = value == null ? List.of() : (List<String>) value;
                if (required && list.isEmpty()) {
                    throw new ConfigException(name, value, "at least one listener is required");
                }
                list.forEach(l -> KrestConfig.Listener.parse(name, l));
            }

            @Override
            public String toString() {
                return required ? "http(s)://host:port,..." : "http(s)://host:port,... or empty";
            }
        };
    }
}
