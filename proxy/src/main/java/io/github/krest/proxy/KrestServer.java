package io.github.krest.proxy;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.core.MetadataService;
import io.github.krest.proxy.core.ProduceService;
import io.github.krest.proxy.core.consumer.ConsumerService;
import io.github.krest.proxy.core.consumer.ConsumerSettings;
import io.github.krest.proxy.core.consumer.KafkaOffsets;
import io.github.krest.proxy.kafka.ConsumerReaders;
import io.github.krest.proxy.state.StateStores;
import io.github.krest.state.ConsumerStateStore;
import io.github.krest.proxy.http.AccessListFilter;
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
    private static final System.Logger LOG = System.getLogger(KrestServer.class.getName());
    private static final long SWEEP_INTERVAL_MS = 1_000;

    private final KafkaClients clients;
    private final ConsumerStateStore store;
    private final ConsumerReaders readers;
    private final WebServer server;
    private final Thread sweeper;

    private KrestServer(KafkaClients clients, ConsumerStateStore store, ConsumerReaders readers, WebServer server,
                        Thread sweeper) {
        this.clients = clients;
        this.store = store;
        this.readers = readers;
        this.server = server;
        this.sweeper = sweeper;
    }

    /**
     * Creates the Kafka clients and services and starts listening.
     *
     * @param config validated configuration with {@code bootstrap.servers} set
     * @return the running server
     */
    public static KrestServer start(KrestConfig config) {
        KafkaClients clients = new KafkaClients(config);
        ConsumerStateStore store = null;
        ConsumerReaders readers = null;
        try {
            String replicaId = config.getString(KrestConfig.ID).isEmpty()
                    ? "krest-" + UUID.randomUUID().toString().substring(0, 8) : config.getString(KrestConfig.ID);
            MetadataService metadata = new MetadataService(clients.admin(),
                    Duration.ofMillis(config.getLong(KrestConfig.METADATA_MAX_AGE_MS)));
            ProduceService produce = new ProduceService(clients.producer(), metadata,
                    config.getInt(KrestConfig.PRODUCE_RECORD_MAX_BYTES));
            store = StateStores.create(config);
            readers = new ConsumerReaders(config, replicaId);
            ConsumerService consumers = new ConsumerService(store, readers, new KafkaOffsets(clients.admin()),
                    metadata, ConsumerSettings.of(config), replicaId, System::currentTimeMillis);
            Services services = new Services(config, metadata, produce, consumers, store);

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
            WebServer server = builder.build().start();
            Thread sweeper = Thread.ofVirtual().name("krest-consumer-sweeper").start(() -> sweep(consumers));
            return new KrestServer(clients, store, readers, server, sweeper);
        } catch (RuntimeException e) {
            if (readers != null) {
                readers.close();
            }
            if (store != null) {
                store.close();
            }
            clients.close();
            throw e;
        }
    }

    /** Every replica sweeps expired consumer instances (the store lets one at a time do the work). */
    private static void sweep(ConsumerService consumers) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(SWEEP_INTERVAL_MS);
                consumers.sweepExpired();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "Consumer expiry sweep failed: " + e.getMessage());
            }
        }
    }

    /** What the routes need. */
    record Services(KrestConfig config, MetadataService metadata, ProduceService produce,
                    ConsumerService consumers, ConsumerStateStore consumerState) {
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
        AccessListFilter accessList = new AccessListFilter(config.getList(KrestConfig.API_ENDPOINTS_ALLOWLIST),
                config.getList(KrestConfig.API_ENDPOINTS_BLOCKLIST));
        if (accessList.active()) {
            routing.addFilter(accessList);
        }
        if (config.getBoolean(KrestConfig.API_V3_ENABLE)) {
            V3Api.register(routing, config, services.metadata(), services.produce(), urls, services.consumerState());
        }
        if (config.getBoolean(KrestConfig.API_V2_ENABLE)) {
            V2Api.register(routing, config, services.metadata(), services.produce(), services.consumers(), urls);
        }
        routing.register(new io.github.krest.proxy.http.OpenApiService());
        HttpErrors.register(routing);
    }

    /** @return the port of the first listener (useful with port 0) */
    public int port() {
        return server.port();
    }

    /**
     * Stops accepting requests, lets in-flight ones finish, then closes the readers, the state store and the Kafka
     * clients (flushing the producer).
     */
    @Override
    public void close() {
        server.stop();
        sweeper.interrupt();
        readers.close();
        store.close();
        clients.close();
    }
}
