package io.github.krest.proxy.config;

import java.net.URI;
import java.util.Locale;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigException;

/**
 * Tracing: where krest exports its OpenTelemetry spans (OTLP over HTTP), and which new traces it records. The keys
 * are OpenTelemetry's own names (its SDK configuration: {@code otel.exporter.otlp.endpoint}, ...), read like every
 * other krest key (properties file, {@code KAFKA_REST_OTEL_...} environment variables), not OpenTelemetry's
 * {@code OTEL_*} variables. W3C trace headers reach the records whether or not spans are exported.
 *
 * <p>One fragment of {@link KrestConfig#DEFINITION}, defined the way Kafka's {@code SslConfigs.addClientSslSupport}
 * adds its keys to a client's {@code ConfigDef}; callers name the keys through their {@link KrestConfig} aliases.
 */
final class TracingConfigs {

    static final String OTEL_EXPORTER_OTLP_ENDPOINT = "otel.exporter.otlp.endpoint";
    static final String OTEL_EXPORTER_OTLP_HEADERS = "otel.exporter.otlp.headers";
    static final String OTEL_SERVICE_NAME = "otel.service.name";
    static final String OTEL_TRACES_SAMPLER_ARG = "otel.traces.sampler.arg";

    private TracingConfigs() {
    }

    /**
     * Defines the tracing keys: type, default, validator and doc line of each.
     *
     * @param def the definition to add to
     * @return {@code def}
     */
    static ConfigDef addTracingSupport(ConfigDef def) {
        return def
            .define(OTEL_EXPORTER_OTLP_ENDPOINT, ConfigDef.Type.STRING, "", TracingConfigs::checkEndpoint, Importance.LOW,
                    "OpenTelemetry: the OTLP/HTTP (protobuf) endpoint spans are exported to, e.g. "
                            + "http://otel-collector:4318 (krest posts to its /v1/traces). Empty: no spans are "
                            + "recorded or exported; traceparent / tracestate still pass from produce requests into "
                            + "their records. See docs/tracing.md.")
            .define(OTEL_EXPORTER_OTLP_HEADERS, ConfigDef.Type.PASSWORD, "", Importance.LOW,
                    "OpenTelemetry: headers sent with each export, key=value pairs separated by commas, values "
                            + "URL-encoded, e.g. Authorization=Bearer%20abc (masked in logs).")
            .define(OTEL_SERVICE_NAME, ConfigDef.Type.STRING, "krest", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "OpenTelemetry: the service.name of krest's spans; service.instance.id is the replica's id.")
            .define(OTEL_TRACES_SAMPLER_ARG, ConfigDef.Type.DOUBLE, 1.0, ConfigDef.Range.between(0.0, 1.0), Importance.LOW,
                    "OpenTelemetry: the share of new traces recorded (sampler parentbased_traceidratio): a request "
                            + "without traceparent starts a trace recorded with this probability; a request with one "
                            + "follows its sampled flag.");
    }

    private static void checkEndpoint(String name, Object value) {
        String text = ((String) value).trim();
        if (text.isEmpty()) {
            return;
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new ConfigException(name, value, "must be an http:// or https:// URL");
            }
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException(name, value, "must be an http:// or https:// URL: " + e.getMessage());
        }
    }
}
