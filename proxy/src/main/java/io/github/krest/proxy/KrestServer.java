package io.github.krest.proxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.core.session.KafkaSessions;
import io.github.krest.proxy.core.IdempotentProduce;
import io.github.krest.proxy.core.PartitionReadService;
import io.github.krest.proxy.core.TrafficMeter;
import io.github.krest.proxy.core.consumer.ConsumerService;
import io.github.krest.proxy.core.consumer.ConsumerSettings;
import io.github.krest.proxy.format.SchemaFormats;
import io.github.krest.proxy.kafka.PartitionReaders;
import io.github.krest.proxy.kafka.PartitionWindows;
import io.github.krest.proxy.observe.AccessLog;
import io.github.krest.proxy.observe.KrestHealth;
import io.github.krest.proxy.observe.KrestMetrics;
import io.github.krest.proxy.observe.KrestTracing;
import io.github.krest.proxy.observe.MeteredStateStore;
import io.github.krest.proxy.observe.ObserveEndpoints;
import io.github.krest.proxy.observe.RequestObserver;
import io.github.krest.proxy.state.CircuitBreakingStateStore;
import io.github.krest.proxy.state.StateStores;
import io.github.krest.state.ConsumerStateStore;
import io.github.krest.state.IdempotencyKeyStore;
import io.github.krest.proxy.http.AccessListFilter;
import io.github.krest.proxy.http.BaseUrls;
import io.github.krest.proxy.http.CallerSessions;
import io.github.krest.proxy.http.HelidonMappers;
import io.github.krest.proxy.http.HttpErrors;
import io.github.krest.proxy.http.RateLimitFilter;
import io.github.krest.proxy.http.RequestTracing;
import io.github.krest.proxy.http.OptionsResource;
import io.github.krest.proxy.http.WebSocketUpgrades;
import io.github.krest.proxy.http.v2.V2Api;
import io.github.krest.proxy.http.v3.V3Api;
import io.github.krest.proxy.kafka.KafkaClients;
import io.github.krest.proxy.limit.Limits;
import io.github.krest.proxy.caller.Caller;
import io.github.krest.proxy.http.AuthenticationFilter;
import io.github.krest.proxy.security.CorsSettings;
import io.github.krest.proxy.security.SecurityHeadersFilter;
import io.github.krest.proxy.security.ServerTls;
import io.helidon.common.socket.SocketOptions;
import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;

/**
 * A running krest replica: the shared Kafka clients, the core services and the Helidon web server on every
 * configured listener ({@code listeners}, and {@code observe.listeners} when set).
 */
public final class KrestServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(KrestServer.class.getName());
    private static final long SWEEP_INTERVAL_MS = 1_000;
    /** Socket names of the {@code observe.listeners}: observe-0, observe-1, ... */
    private static final String OBSERVE_SOCKET = "observe-";
    /**
     * Accepted connections: Helidon's defaults plus TCP_NODELAY, as most HTTP servers set it (Netty, Jetty). krest
     * writes each answer in as few writes as it can (headers with the body, or a large body in two writes, see
     * {@code Responses}); with Nagle's algorithm on, the tail of a write could wait for the client's delayed ACK.
     */
    private static final SocketOptions CONNECTION_OPTIONS = SocketOptions.builder().tcpNoDelay(true).build();

    private final KafkaClients clients;
    private final KafkaSessions sessions;
    private final ConsumerStateStore store;
    private final PartitionWindows windows;
    private final Produced produced;
    private final ConsumerService consumers;
    private final WebServer server;
    private final Thread sweeper;
    private final Optional<KrestMetrics> metrics;
    private final KrestTracing tracing;
    private final long graceMs;

    private KrestServer(KafkaClients clients, KafkaSessions sessions, ConsumerStateStore store, PartitionWindows windows,
                        Produced produced, ConsumerService consumers, WebServer server, Thread sweeper,
                        Optional<KrestMetrics> metrics, KrestTracing tracing, long graceMs) {
        this.graceMs = graceMs;
        this.produced = produced;
        this.metrics = metrics;
        this.tracing = tracing;
        this.clients = clients;
        this.sessions = sessions;
        this.store = store;
        this.windows = windows;
        this.consumers = consumers;
        this.server = server;
        this.sweeper = sweeper;
    }

    /**
     * Creates the Kafka clients and services and starts listening.
     *
     * @param config validated configuration with {@code bootstrap.servers} set
     * @return the running server
     * @throws IllegalStateException when a listener cannot be opened (its port is in use, say); every client and
     *                               the state store created so far are closed again
     */
    public static KrestServer start(KrestConfig config) {
        return start(config, replicaId -> KrestTracing.of(config, replicaId));
    }

    /**
     * {@link #start(KrestConfig)} with the tracing given, e.g. spans exported to memory in tests.
     *
     * @param config validated configuration with {@code bootstrap.servers} set
     * @param tracing the tracing for the replica's id; closed with the server
     * @return the running server
     * @throws IllegalStateException as {@link #start(KrestConfig)}
     */
    public static KrestServer start(KrestConfig config, java.util.function.Function<String, KrestTracing> tracing) {
        HelidonMappers.pin();
        // security settings first: a bad key store or key fails start-up before any client is created
        Optional<Tls> tls = java.util.stream.Stream.concat(config.listeners().stream(),
                        config.observeListeners().stream()).anyMatch(KrestConfig.Listener::tls)
                ? Optional.of(ServerTls.of(config)) : Optional.empty();
        Optional<AuthenticationFilter> authentication = AuthenticationFilter.of(config);
        KafkaClients clients = new KafkaClients(config);
        ConsumerStateStore store = null;
        PartitionWindows windows = null;
        Produced produced = null;
        Optional<KrestMetrics> metrics = config.getBoolean(KrestConfig.METRICS_ENABLE)
                ? Optional.of(new KrestMetrics()) : Optional.empty();
        TrafficMeter traffic = metrics.<TrafficMeter>map(m -> m).orElse(TrafficMeter.NONE);
        KrestTracing traces = null;
        try {
            String replicaId = config.getString(KrestConfig.ID).isEmpty()
                    ? "krest-" + UUID.randomUUID().toString().substring(0, 8) : config.getString(KrestConfig.ID);
            traces = tracing.apply(replicaId);
            ConsumerStateStore rawStore = StateStores.create(config);
            store = metrics.<ConsumerStateStore>map(m -> new MeteredStateStore(rawStore, m)).orElse(rawStore);
            KafkaSessions sessions = new KafkaSessions(clients, store, config, traffic);
            if (sessions.propagating()) {
                // every request's credential is verified with Kafka before it acts, whatever route it is for
                authentication = authentication.map(filter -> filter.verifyingWith(sessions::verify));
            }
            windows = new PartitionWindows(config, replicaId);
            PartitionWindows shared = windows;
            metrics.ifPresent(m -> {
                m.readWindows(() -> (long) shared.fetcherCount(), () -> (long) shared.windowCount(),
                        shared::cachedBytes);
                m.producer(clients.producer());
                if (rawStore instanceof CircuitBreakingStateStore breaking) {
                    m.circuitBreaker("state-store", breaking.breaker());
                }
            });
            ConsumerService consumers = new ConsumerService(store, windows, sessions,
                    ConsumerSettings.of(config), replicaId, System::currentTimeMillis, traffic);
            produced = Produced.of(config, replicaId, traffic);
            Optional<SchemaFormats> schemas = SchemaFormats.of(config);
            metrics.ifPresent(m -> schemas.flatMap(SchemaFormats::registryBreaker)
                    .ifPresent(b -> m.circuitBreaker("schema-registry", b)));
            Services services = new Services(config, new CallerSessions(sessions), consumers, store,
                    Limits.of(config), schemas, new RequestObserver(metrics, config.getBoolean(
                            KrestConfig.ACCESS_LOG_ENABLE) ? Optional.of(new AccessLog()) : Optional.empty()),
                    authentication, produced.idempotent(), produced.reads(), new RequestTracing(traces.tracer()));

            List<KrestConfig.Listener> listeners = config.listeners();
            Duration grace = Duration.ofMillis(config.getInt(KrestConfig.SHUTDOWN_GRACEFUL_MS));
            WebServerConfig.Builder builder = WebServer.builder()
                    .shutdownHook(false)
                    .shutdownGracePeriod(grace)
                    .useNio(useNio(listeners.getFirst()))
                    .connectionOptions(CONNECTION_OPTIONS)
                    .host(listeners.getFirst().host())
                    .port(listeners.getFirst().port())
                    .directHandlers(HttpErrors.directHandlers())
                    .routing(r -> routing(r, services))
                    .addRouting(webSockets(config));
            builder.addProtocol(webSocketProtocol(config));
            if (listeners.getFirst().tls()) {
                builder.tls(tls.orElseThrow());
            }
            List<String> sockets = new ArrayList<>(List.of(WebServer.DEFAULT_SOCKET_NAME));
            for (int i = 1; i < listeners.size(); i++) {
                sockets.add("listener-" + i);
                addSocket(builder, "listener-" + i, listeners.get(i), grace, tls, r -> routing(r, services),
                        Optional.of(config));
            }
            List<KrestConfig.Listener> observeListeners = config.observeListeners();
            List<String> observeSockets = new ArrayList<>();
            for (int i = 0; i < observeListeners.size(); i++) {
                observeSockets.add(OBSERVE_SOCKET + i);
                addSocket(builder, OBSERVE_SOCKET + i, observeListeners.get(i), grace, tls,
                        r -> observeRouting(r, services), Optional.empty());
            }
            CorsSettings.feature(config, sockets).ifPresent(builder::addFeature);
            builder.addFeature(ObserveEndpoints.feature(metrics.map(KrestMetrics::registry),
                    KrestHealth.checks(clients.admin(), store), observeSockets.isEmpty() ? sockets : observeSockets));
            WebServer server = builder.build().start();
            if (!server.isRunning()) {
                // Helidon logs why (e.g. BindException: Address already in use), stops and returns normally
                throw new IllegalStateException("cannot listen on " + listeners.stream()
                        .map(l -> l.scheme() + "://" + l.host() + ":" + l.port()).toList()
                        + " (see the listener error above: is the port in use?)");
            }
            Thread sweeper = Thread.ofVirtual().name("krest-consumer-sweeper").start(() -> sweep(consumers));
            return new KrestServer(clients, sessions, store, windows, produced, consumers, server, sweeper, metrics,
                    traces, grace.toMillis());
        } catch (RuntimeException e) {
            if (traces != null) {
                traces.close();
            }
            if (windows != null) {
                windows.close();
            }
            if (produced != null) {
                produced.close();
            }
            if (store != null) {
                store.close();
            }
            clients.close();
            metrics.ifPresent(KrestMetrics::close);
            throw e;
        }
    }

    /** A named socket for a listener after the first, on the socket kind {@link #useNio} picks for it. */
    private static void addSocket(WebServerConfig.Builder builder, String name, KrestConfig.Listener listener,
                                  Duration grace, Optional<Tls> tls, Consumer<HttpRouting.Builder> routing,
                                  Optional<KrestConfig> api) {
        builder.putSocket(name, socket -> {
            socket.host(listener.host())
                    .port(listener.port())
                    .shutdownGracePeriod(grace)
                    .useNio(useNio(listener))
                    .connectionOptions(CONNECTION_OPTIONS)
                    .directHandlers(HttpErrors.directHandlers())
                    .routing(routing);
            api.ifPresent(config -> {
                socket.addRouting(webSockets(config));
                socket.addProtocol(webSocketProtocol(config));
            });
            if (listener.tls()) {
                socket.tls(tls.orElseThrow());
            }
        });
    }

    /**
     * The WebSocket side of the paths served as WebSockets too (see {@link WebSocketUpgrades}); their upgrade requests
     * pass the HTTP routing's filters first.
     */
    private static WsRouting.Builder webSockets(KrestConfig config) {
        WsRouting.Builder ws = WsRouting.builder();
        if (config.getBoolean(KrestConfig.API_V3_ENABLE)) {
            WebSocketUpgrades.endpoint(ws, V3Api.WEBSOCKET_PATH);
        }
        if (config.getBoolean(KrestConfig.API_V2_ENABLE)) {
            WebSocketUpgrades.endpoint(ws, V2Api.WEBSOCKET_PATH);
        }
        return ws;
    }

    /**
     * The WebSocket protocol settings of an API listener: the origins {@link CorsSettings#webSocketOrigins} allows
     * (Helidon answers 403 to an upgrade from any other, unless it names the request's {@code Host}), and frames as
     * long as the largest record a v3 stream takes ({@code api.v3.produce.request.size.limit.max.bytes}) plus 1 KiB,
     * so that a record over the limit gets its 400 receipt and not Helidon's close (1009) for a frame over its
     * default 1 MiB.
     */
    private static WsConfig webSocketProtocol(KrestConfig config) {
        long recordMax = config.getLong(KrestConfig.PRODUCE_STREAM_RECORD_MAX_BYTES);
        int frameMax = recordMax == 0 ? Integer.MAX_VALUE : (int) Math.min(recordMax + 1024, Integer.MAX_VALUE);
        return WsConfig.builder().origins(CorsSettings.webSocketOrigins(config)).maxFrameLength(frameMax).build();
    }

    /**
     * Whether a listener uses Helidon's NIO sockets. Helidon 4.4.0's plain NIO socket ({@code NioSocket.write})
     * writes each chunk with one channel write and drops what a partial write left, so multi-megabyte poll answers
     * arrived kilobytes short of their Content-Length (the client hung, and the records were lost to it while their
     * positions had advanced); plain {@code http://} listeners therefore use {@code java.net.Socket} streams, which
     * write everything. {@code https://} listeners keep NIO: its TLS socket loops until all is written, and 4.4.0's
     * non-NIO TLS socket ignores the configured protocols and client authentication. 4.5.0 fixed the partial write
     * (helidon#11340: its {@code NioSocket.write} loops while the buffer has bytes left); {@code http://} stays on
     * streams because a quick A/B on 4.5.0 measured NIO at 10-15% more replica CPU per record (within the run-to-run
     * noise, so not a verdict either way) and {@code LargeResponsesTest} guards both kinds.
     *
     * @param listener the listener
     * @return true for https:// listeners
     */
    static boolean useNio(KrestConfig.Listener listener) {
        return listener.tls();
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
    record Services(KrestConfig config, CallerSessions kafka,
                    ConsumerService consumers, ConsumerStateStore consumerState, Limits limits,
                    Optional<SchemaFormats> schemas, RequestObserver observer,
                    Optional<AuthenticationFilter> authentication, IdempotentProduce idempotent,
                    PartitionReadService reads, RequestTracing tracing) {
    }

    /**
     * Idempotent produce and reads by offset, with what they own: the idempotency key store (Redis or memory, as
     * {@code consumer.state.store}) and the partition readers.
     */
    private record Produced(IdempotencyKeyStore keys, PartitionReaders readers, IdempotentProduce idempotent,
                            PartitionReadService reads) implements AutoCloseable {
        static Produced of(KrestConfig config, String replicaId, TrafficMeter traffic) {
            PartitionReaders readers = new PartitionReaders(config, replicaId);
            IdempotencyKeyStore keys = StateStores.idempotencyKeys(config);
            return new Produced(keys, readers, IdempotentProduce.of(keys, readers, config),
                    new PartitionReadService(readers, PartitionReadService.Limits.of(config),
                            System::currentTimeMillis, traffic));
        }

        @Override
        public void close() {
            readers.close();
            keys.close();
        }
    }

    /**
     * The routing of an {@code observe.listeners} socket, where {@link ObserveEndpoints} serves {@code /observe/*}:
     * the same security headers and authentication as the API listeners (with {@code authentication.skip.paths},
     * which by default leaves the health probes open), and a JSON 404/404 for every other path.
     *
     * @param routing the routing to fill
     * @param services configuration and the authentication filter
     */
    static void observeRouting(HttpRouting.Builder routing, Services services) {
        SecurityHeadersFilter.of(services.config()).ifPresent(routing::addFilter);
        services.authentication().ifPresent(routing::addFilter);
        HttpErrors.register(routing);
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
        if (services.observer().active()) {
            // first, so that it measures and logs every request, also those the filters below answer
            routing.addFilter(services.observer());
        }
        // next, so that the request's span covers all that follows, also the answers of the filters below
        routing.addFilter(services.tracing());
        SecurityHeadersFilter.of(config).ifPresent(routing::addFilter);
        // after the observer, so that 401s are measured and logged; before the access lists and rate limits, so
        // that unauthenticated requests learn nothing about the endpoints and take no permits
        services.authentication().ifPresent(routing::addFilter);
        AccessListFilter accessList = new AccessListFilter(config.getList(KrestConfig.API_ENDPOINTS_ALLOWLIST),
                config.getList(KrestConfig.API_ENDPOINTS_BLOCKLIST));
        if (accessList.active()) {
            routing.addFilter(accessList);
        }
        // after the access lists, so that blocked requests take no permits; one budget for all listeners
        services.limits().requests().map(RateLimitFilter::new).ifPresent(routing::addFilter);
        if (config.getBoolean(KrestConfig.API_V3_ENABLE)) {
            V3Api.register(routing, config, services.kafka(), urls, services.limits().produce(), services.schemas(),
                    services.idempotent());
        }
        if (config.getBoolean(KrestConfig.API_V2_ENABLE)) {
            V2Api.register(routing, config, services.kafka(), services.consumers(), urls,
                    services.limits().polls(), services.schemas(), services.idempotent(), services.reads());
        }
        routing.register(new io.github.krest.proxy.http.OpenApiResource());
        // Kafka refused the caller's credentials: drop the caller's clients at once, so they neither linger nor
        // keep retrying, then answer 401/40101 as any other error
        routing.error(org.apache.kafka.common.errors.AuthenticationException.class, (req, res, t) -> {
            services.kafka().sessions().invalidate(Caller.of(req).kafkaIdentity());
            HttpErrors.send(req, res, HttpErrors.toResponse(t));
        });
        if (CorsSettings.enabled(config)) {
            CorsSettings.answerPreflights(routing);
        }
        routing.register(new OptionsResource());
        HttpErrors.register(routing);
    }

    /** @return the Kafka sessions: the service principal's and the cached callers' (tests observe the cache) */
    KafkaSessions kafkaSessions() {
        return sessions;
    }

    /** @return the port of the first listener (useful with port 0) */
    public int port() {
        return server.port();
    }

    /**
     * @param listener the listener's index, 0 for the first of the configured listeners
     * @return its bound port (useful with port 0)
     */
    public int port(int listener) {
        return listener == 0 ? server.port() : server.port("listener-" + listener);
    }

    /**
     * @param listener the index of a listener in {@code observe.listeners}
     * @return its bound port (useful with port 0)
     * @throws IllegalArgumentException when there is no such listener
     */
    public int observePort(int listener) {
        int port = server.port(OBSERVE_SOCKET + listener);
        if (port < 0) {
            throw new IllegalArgumentException("no observe listener " + listener);
        }
        return port;
    }

    /**
     * Lets record WebSockets close (1001) after the poll they are in, waiting up to {@code shutdown.graceful.ms};
     * stops accepting connections, lets in-flight requests finish for up to {@code shutdown.graceful.ms} (then
     * interrupts them; record streams end after their current poll), ends the consumer leases this replica still
     * holds so that other replicas take those instances over at once, then closes the read windows, the state store and
     * the Kafka clients (flushing the producer).
     */
    @Override
    public void close() {
        consumers.beginShutdown();
        // record WebSockets close themselves (1001) after their poll; the server's stop would cut them off
        consumers.awaitStreams(graceMs);
        server.stop();
        sweeper.interrupt();
        int released = consumers.releaseLeases();
        if (released > 0) {
            LOG.log(System.Logger.Level.INFO, "Released " + released + " consumer leases of requests that did not "
                    + "finish within " + KrestConfig.SHUTDOWN_GRACEFUL_MS);
        }
        windows.close();
        produced.close();
        sessions.close();
        store.close();
        clients.close();
        metrics.ifPresent(KrestMetrics::close);
        tracing.close();
    }
}
