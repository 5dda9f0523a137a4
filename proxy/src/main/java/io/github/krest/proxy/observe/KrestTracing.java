package io.github.krest.proxy.observe;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.krest.proxy.config.KrestConfig;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.apache.kafka.common.config.ConfigException;

/**
 * The replica's OpenTelemetry tracer: an SDK tracer that exports spans over OTLP/HTTP when
 * {@code otel.exporter.otlp.endpoint} is set, else OpenTelemetry's no-op tracer. The no-op tracer records nothing
 * and exports nothing, but a span it "starts" under an incoming {@code traceparent} carries that context on, so the
 * request's trace context still reaches its records unchanged (docs/tracing.md).
 *
 * <p>The tracer is the replica's own, not OpenTelemetry's global one: krest registers nothing globally, so an
 * application that embeds it keeps its own.
 */
public final class KrestTracing implements AutoCloseable {
    /** The instrumentation scope name of krest's spans. */
    public static final String SCOPE = "io.github.krest";
    private static final String TRACES_PATH = "/v1/traces";

    private final Tracer tracer;
    private final boolean recording;
    private final AutoCloseable close;

    private KrestTracing(Tracer tracer, boolean recording, AutoCloseable close) {
        this.tracer = tracer;
        this.recording = recording;
        this.close = close;
    }

    /** @return the no-op tracing: no spans, trace context passed through */
    public static KrestTracing none() {
        return new KrestTracing(OpenTelemetry.noop().getTracer(SCOPE), false, () -> { });
    }

    /**
     * The tracing that the configuration asks for.
     *
     * @param config validated configuration
     * @param replicaId the replica's id, the spans' {@code service.instance.id}
     * @return OTLP export when {@code otel.exporter.otlp.endpoint} is set, else {@link #none()}
     * @throws ConfigException when {@code otel.exporter.otlp.headers} is not a list of key=value pairs
     */
    public static KrestTracing of(KrestConfig config, String replicaId) {
        String endpoint = config.getString(KrestConfig.OTEL_EXPORTER_OTLP_ENDPOINT).trim();
        if (endpoint.isEmpty()) {
            return none();
        }
        var exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(endpoint.replaceAll("/+$", "") + TRACES_PATH);
        headers(config).forEach(exporter::addHeader);
        // batched: a request never waits for an export, and a collector that is down costs dropped spans only
        return exporting(BatchSpanProcessor.builder(exporter.build()).build(), config, replicaId);
    }

    /**
     * Tracing that hands every span to {@code exporter} as it ends, e.g. an in-memory exporter in tests.
     *
     * @param exporter where ended spans go
     * @param config validated configuration (service name, sampler ratio)
     * @param replicaId the replica's id
     * @return recording tracing
     */
    public static KrestTracing exportingTo(SpanExporter exporter, KrestConfig config, String replicaId) {
        return exporting(SimpleSpanProcessor.create(exporter), config, replicaId);
    }

    private static KrestTracing exporting(SpanProcessor processor, KrestConfig config, String replicaId) {
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), config.getString(KrestConfig.OTEL_SERVICE_NAME),
                AttributeKey.stringKey("service.instance.id"), replicaId)));
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(resource)
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(
                        config.getDouble(KrestConfig.OTEL_TRACES_SAMPLER_ARG))))
                .addSpanProcessor(processor)
                .build();
        // flushes what is batched on shutdown, for at most a few seconds
        return new KrestTracing(provider.get(SCOPE), true,
                () -> provider.shutdown().join(5, TimeUnit.SECONDS));
    }

    /** {@code otel.exporter.otlp.headers}: {@code k=v,k2=v2}, as OpenTelemetry's SDK reads it. */
    private static Map<String, String> headers(KrestConfig config) {
        Map<String, String> headers = new LinkedHashMap<>();
        var value = config.getPassword(KrestConfig.OTEL_EXPORTER_OTLP_HEADERS);
        String text = value == null ? "" : value.value().trim();
        if (text.isEmpty()) {
            return headers;
        }
        for (String pair : text.split(",", -1)) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(KrestConfig.OTEL_EXPORTER_OTLP_HEADERS, "[hidden]",
                        "must be key=value pairs separated by commas");
            }
            headers.put(pair.substring(0, eq).trim(),
                    java.net.URLDecoder.decode(pair.substring(eq + 1).trim(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return headers;
    }

    /** @return the tracer of krest's spans */
    public Tracer tracer() {
        return tracer;
    }

    /** @return whether spans are recorded and exported (an exporter is configured) */
    public boolean recording() {
        return recording;
    }

    /** Flushes and stops the exporter, if there is one. */
    @Override
    public void close() {
        try {
            close.close();
        } catch (Exception e) {
            System.getLogger(KrestTracing.class.getName()).log(System.Logger.Level.DEBUG,
                    "Closing the span exporter failed: " + e);
        }
    }
}
