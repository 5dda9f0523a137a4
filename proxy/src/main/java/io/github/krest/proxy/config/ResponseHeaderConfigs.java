package io.github.krest.proxy.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;

/**
 * Response headers: CORS (allowed origins, methods and headers, exposed headers), Strict-Transport-Security and
 * X-Content-Type-Options.
 *
 * <p>One fragment of {@link KrestConfig#DEFINITION}, defined the way Kafka's {@code SslConfigs.addClientSslSupport}
 * adds its keys to a client's {@code ConfigDef}; callers name the keys through their {@link KrestConfig} aliases.
 */
final class ResponseHeaderConfigs {

    static final String ACCESS_CONTROL_ALLOW_ORIGIN = "access.control.allow.origin";
    static final String ACCESS_CONTROL_ALLOW_METHODS = "access.control.allow.methods";
    static final String ACCESS_CONTROL_ALLOW_HEADERS = "access.control.allow.headers";
    static final String ACCESS_CONTROL_EXPOSE_HEADERS = "access.control.expose.headers";
    static final String HSTS_HEADER_ENABLE = "hsts.header.enable";
    static final String NOSNIFF_PREVENTION_ENABLE = "nosniff.prevention.enable";

    private ResponseHeaderConfigs() {
    }

    /**
     * Defines the response header keys: type, default, validator and doc line of each.
     *
     * @param def the definition to add to
     * @return {@code def}
     */
    static ConfigDef addResponseHeaderSupport(ConfigDef def) {
        return def
            .define(ACCESS_CONTROL_ALLOW_ORIGIN, ConfigDef.Type.STRING, "", Importance.LOW,
                    "CORS: allowed origins, comma-separated, or *; empty: CORS off.")
            .define(ACCESS_CONTROL_ALLOW_METHODS, ConfigDef.Type.STRING, "", Importance.LOW,
                    "CORS: allowed methods, comma-separated; empty: GET, POST, HEAD (Confluent's default).")
            .define(ACCESS_CONTROL_ALLOW_HEADERS, ConfigDef.Type.STRING, "", Importance.LOW,
                    "CORS: allowed request headers, comma-separated; empty: X-Requested-With, Content-Type, "
                            + "Accept, Origin (Confluent's default).")
            .define(ACCESS_CONTROL_EXPOSE_HEADERS, ConfigDef.Type.STRING, "", Importance.LOW,
                    "CORS: response headers exposed to scripts, comma-separated; empty: none.")
            .define(HSTS_HEADER_ENABLE, ConfigDef.Type.BOOLEAN, false, Importance.LOW,
                    "Send Strict-Transport-Security: max-age=31536000 on https:// responses.")
            .define(NOSNIFF_PREVENTION_ENABLE, ConfigDef.Type.BOOLEAN, false, Importance.LOW,
                    "Send X-Content-Type-Options: nosniff on every response.");
    }
}
