package io.github.krest.proxy;

import java.time.Duration;
import java.util.List;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.core.MetadataService;
import io.github.krest.proxy.core.ProduceService;
import io.github.krest.proxy.http.BaseUrls;
import io.github.krest.proxy.http.HttpErrors;
import io.github.krest.proxy.http.v2.V2Api;
import io.github.krest.proxy.http.v3.V3Api;
import io.github.krest.proxy.kafka.KafkaClients;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;

/**
 * A running krest replica: the shared Kafka clients, the core services and the Helidon web server on every
 * configured listener.
 */
public final class KrestServer implements AutoCloseable {
    private final KafkaClients clients;
    private final WebServer server;

    private KrestServer(KafkaClients clients, WebServer server) {
        this.clients = clients;
        this.server = server;
    }

    /**
     * Creates the Kafka clients and services and starts listening.
     *
     * @param config validated configuration with {@code bootstrap.servers} set
     * @return the running server
     */
    public static KrestServer start(KrestConfig config) {
        KafkaClients clients = new KafkaClients(config);
        try {
            MetadataService metadata = new MetadataService(clients.admin(),
                    Duration.ofMillis(config.getLong(KrestConfig.METADATA_MAX_AGE_MS)));
            ProduceService produce = new ProduceService(clients.producer(), metadata,
                    config.getInt(KrestConfig.PRODUCE_RECORD_MAX_BYTES));
            Services services = new Services(config, metadata, produce);

            List<KrestConfig.Listener> listeners = config.listeners();
            WebServerConfig.Builder builder = WebServer.builder()
                    .shutdownHook(false)
                    .host(listeners.getFirst().host())
                    .port(listeners.getFirst().port())
                    .directHandlers(HttpErrors.directHandlers())
                    .routing(r -> routing(r, services));
            for (int i = 1; i < listeners.size(); i++) {
                KrestConfig.Listener listener = listeners.get(i);
                builder.putSocket("listener-" + i, socket -> socket
                        .host(listener.host())
                        .port(listener.port())
                        .directHandlers(HttpErrors.directHandlers())
                        .routing(r -> routing(r, services)));
            }
            return new KrestServer(clients, builder.build().start());
        } catch (RuntimeException e) {
            clients.close();
            throw e;
        }
    }

    /** What the routes need. */
    record Services(KrestConfig config, MetadataService metadata, ProduceService produce) {
    }

    /**
     * All of krest's routes and error handling.
     *
     * @param routing the routing to fill
     * @param services configuration and core services
     */
    static void routing(HttpRouting.Builder routing, Services services) {
        KrestConfig config = services.config();
        BaseUrls urls = new BaseUrls(config.advertisedListener());
        if (config.getBoolean(KrestConfig.API_V3_ENABLE)) {
            V3Api.register(routing, config, services.metadata(), services.produce(), urls);
        }
        if (config.getBoolean(KrestConfig.API_V2_ENABLE)) {
            V2Api.register(routing, config, services.metadata(), services.produce());
        }
        HttpErrors.register(routing);
    }

    /** @return the port of the first listener (useful with port 0) */
    public int port() {
        return server.port();
    }

    /** Stops accepting requests, lets in-flight ones finish, then flushes and closes the Kafka clients. */
    @Override
    public void close() {
        server.stop();
        clients.close();
    }
}
