package io.github.krest.proxy.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import io.github.krest.proxy.config.KrestConfig;
import io.opentelemetry.api.trace.Span;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/**
 * Where krest's spans go: nowhere by default, over OTLP/HTTP to {@code otel.exporter.otlp.endpoint} when it is set
 * (received here by a small HTTP server standing in for a collector).
 */
class KrestTracingTest {

    @SuppressWarnings("ArrayRecordComponent") // a received request, never compared or hashed
    private record Export(String method, String path, String contentType, String authorization, byte[] body) {
    }

    @Test
    void nothingIsRecordedByDefault() {
        try (KrestTracing tracing = KrestTracing.of(new KrestConfig(Map.of()), "r1")) {
            assertFalse(tracing.recording());
            Span span = tracing.tracer().spanBuilder("x").startSpan();
            assertFalse(span.isRecording());
            assertFalse(span.getSpanContext().isValid());
        }
    }

    @Test
    void spansGoToTheConfiguredEndpointWithItsHeaders() throws Exception {
        LinkedBlockingQueue<Export> exports = new LinkedBlockingQueue<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        collector.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            exports.add(new Export(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try {
            KrestConfig config = new KrestConfig(Map.of(
                    KrestConfig.OTEL_EXPORTER_OTLP_ENDPOINT, "http://127.0.0.1:" + collector.getAddress().getPort()
                            + "/",
                    KrestConfig.OTEL_EXPORTER_OTLP_HEADERS, "Authorization=Bearer%20abc",
                    KrestConfig.OTEL_SERVICE_NAME, "krest-under-test"));
            try (KrestTracing tracing = KrestTracing.of(config, "replica-7")) {
                assertTrue(tracing.recording());
                tracing.tracer().spanBuilder("api.v2.topics.list").startSpan().end();
            }
            // closing flushed the batch
            Export export = exports.poll(10, TimeUnit.SECONDS);
            assertTrue(export != null, "nothing exported");
            assertEquals("POST", export.method());
            assertEquals("/v1/traces", export.path());
            assertEquals("application/x-protobuf", export.contentType());
            assertEquals("Bearer abc", export.authorization());
            String body = new String(export.body(), StandardCharsets.ISO_8859_1);
            assertTrue(body.contains("api.v2.topics.list"), body);
            assertTrue(body.contains("krest-under-test"), body);
            assertTrue(body.contains("replica-7"), body);
        } finally {
            collector.stop(0);
        }
    }

    @Test
    void badSettingsStopStartUp() {
        assertThrows(ConfigException.class, () -> new KrestConfig(Map.of(
                KrestConfig.OTEL_EXPORTER_OTLP_ENDPOINT, "collector:4318")));
        assertThrows(ConfigException.class, () -> new KrestConfig(Map.of(
                KrestConfig.OTEL_TRACES_SAMPLER_ARG, "1.5")));
        KrestConfig headers = new KrestConfig(Map.of(KrestConfig.OTEL_EXPORTER_OTLP_ENDPOINT, "http://127.0.0.1:1",
                KrestConfig.OTEL_EXPORTER_OTLP_HEADERS, "no-equals-sign"));
        assertThrows(ConfigException.class, () -> KrestTracing.of(headers, "r1"));
    }
}
