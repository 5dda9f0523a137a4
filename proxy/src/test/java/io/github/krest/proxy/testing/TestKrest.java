package io.github.krest.proxy.testing;

import java.util.HashMap;
import java.util.Map;

import io.github.krest.proxy.KrestServer;
import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.observe.KrestTracing;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * A real krest server on an ephemeral loopback port, connected to {@link TestKafka}. Start one per test class
 * ({@code @BeforeAll}) and close it in {@code @AfterAll}.
 */
public final class TestKrest implements AutoCloseable {
    private final KrestServer server;
    private final KrestHttp http;

    private TestKrest(KrestServer server) {
        this.server = server;
        this.http = new KrestHttp("http://127.0.0.1:" + server.port());
    }

    /** @return a server with the default configuration */
    public static TestKrest start() {
        return start(Map.of());
    }

    /**
     * @param overrides configuration keys to set
     * @return a running server
     */
    public static TestKrest start(Map<String, String> overrides) {
        KrestConfig config = config(overrides);
        return new TestKrest(KrestServer.start(config));
    }

    /**
     * @param overrides configuration keys to set
     * @param spans where the server's spans go as each ends, e.g. an {@code InMemorySpanExporter}
     * @return a running server that records every span (whatever {@code otel.*} says about export)
     */
    public static TestKrest start(Map<String, String> overrides, SpanExporter spans) {
        KrestConfig config = config(overrides);
        return new TestKrest(KrestServer.start(config, id -> KrestTracing.exportingTo(spans, config, id)));
    }

    private static KrestConfig config(Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>();
        props.put(KrestConfig.BOOTSTRAP_SERVERS, TestKafka.bootstrapServers());
        props.put(KrestConfig.LISTENERS, "http://127.0.0.1:0");
        props.put("producer.linger.ms", "0");
        props.putAll(overrides);
        return new KrestConfig(props);
    }

    /** @return an HTTP client for this server */
    public KrestHttp http() {
        return http;
    }

    /** @return the listening port */
    public int port() {
        return server.port();
    }

    /**
     * @param listener the listener's index, 0 for the first of the configured listeners
     * @return its port
     */
    public int port(int listener) {
        return server.port(listener);
    }

    /**
     * @param listener the index of a listener in {@code observe.listeners}
     * @return its port
     */
    public int observePort(int listener) {
        return server.observePort(listener);
    }

    @Override
    public void close() {
        server.close();
    }
}
