package io.github.krest.proxy.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;

/**
 * Observability: Prometheus metrics, the listeners that serve only /observe, and the access log.
 *
 * <p>One fragment of {@link KrestConfig#DEFINITION}, defined the way Kafka's {@code SslConfigs.addClientSslSupport}
 * adds its keys to a client's {@code ConfigDef}; callers name the keys through their {@link KrestConfig} aliases.
 */
final class ObserveConfigs {

    static final String METRICS_ENABLE = "metrics.enable";
    static final String OBSERVE_LISTENERS = "observe.listeners";
    static final String ACCESS_LOG_ENABLE = "access.log.enable";

    private ObserveConfigs() {
    }

    /**
     * Defines the observability keys: type, default, validator and doc line of each.
     *
     * @param def the definition to add to
     * @return {@code def}
     */
    static ConfigDef addObserveSupport(ConfigDef def) {
        return def
            .define(METRICS_ENABLE, ConfigDef.Type.BOOLEAN, true, Importance.LOW,
                    "krest: serve Prometheus metrics at /observe/metrics (per-endpoint requests, latency and errors, "
                            + "records and bytes, consumer and state store meters). Health at /observe/health is "
                            + "always served.")
            .define(OBSERVE_LISTENERS, ConfigDef.Type.LIST, "", ServerConfigs.listenersValidator(false), Importance.LOW,
                    "krest: listener URLs (as in " + ServerConfigs.LISTENERS + ") that serve only /observe/health and "
                            + "/observe/metrics, e.g. http://127.0.0.1:9090; the " + ServerConfigs.LISTENERS
                            + " then serve the API alone. Empty: every listener serves both.")
            .define(ACCESS_LOG_ENABLE, ConfigDef.Type.BOOLEAN, true, Importance.LOW,
                    "krest: log one line per request on the java.util.logging logger io.github.krest.access "
                            + "(method, resource name, status, error_code, duration, bytes, principal).");
    }
}
