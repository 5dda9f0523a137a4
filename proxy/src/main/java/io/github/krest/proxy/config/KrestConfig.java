package io.github.krest.proxy.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.github.krest.state.redis.RedisStateStoreConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * krest's typed configuration, read once at start-up.
 *
 * <p>Every key is declared once in {@link #DEFINITION} with its type, default, validator and doc line; the
 * table in docs/configuration.md is checked against it by a test. Key names are Confluent's where Confluent has one
 * (Confluent REST Proxy {@code KafkaRestConfig} / rest-utils {@code RestConfig}); krest's own keys are marked so in
 * their doc. Client settings pass through by prefix, stripped: {@code client.*} to every Kafka client,
 * {@code producer.*}, {@code consumer.*} and {@code admin.*} to one kind each (later prefixes win).
 *
 * <p>Invalid values throw {@link ConfigException} naming the key, which stops start-up.
 *
 * <p>The keys are defined per concern in this package's {@code *Configs} fragments, Kafka's way
 * ({@code SslConfigs.addClientSslSupport(ConfigDef)}): each holds its keys' constants, definitions, docs and
 * validators, and the constants here are the keys' public names. This class assembles the fragments into
 * {@link #DEFINITION}, checks the rules that tie keys of several concerns together, and reads values into typed form.
 */
public final class KrestConfig extends AbstractConfig {

    // the HTTP server: listeners, APIs and endpoints served, request bodies, shutdown (ServerConfigs)
    public static final String LISTENERS = ServerConfigs.LISTENERS;
    public static final String ADVERTISED_LISTENERS = ServerConfigs.ADVERTISED_LISTENERS;
    public static final String API_V2_ENABLE = ServerConfigs.API_V2_ENABLE;
    public static final String API_V3_ENABLE = ServerConfigs.API_V3_ENABLE;
    public static final String API_ENDPOINTS_ALLOWLIST = ServerConfigs.API_ENDPOINTS_ALLOWLIST;
    public static final String API_ENDPOINTS_BLOCKLIST = ServerConfigs.API_ENDPOINTS_BLOCKLIST;
    public static final String RESOURCE_NAME_AUTHORITY = ServerConfigs.RESOURCE_NAME_AUTHORITY;
    public static final String REQUEST_BODY_MAX_BYTES = ServerConfigs.REQUEST_BODY_MAX_BYTES;
    public static final String SHUTDOWN_GRACEFUL_MS = ServerConfigs.SHUTDOWN_GRACEFUL_MS;

    // Kafka clients and principal propagation (KafkaClientConfigs)
    public static final String BOOTSTRAP_SERVERS = KafkaClientConfigs.BOOTSTRAP_SERVERS;
    public static final String EMBEDDED_KAFKA_PORT = KafkaClientConfigs.EMBEDDED_KAFKA_PORT;
    public static final String ID = KafkaClientConfigs.ID;
    public static final String METADATA_MAX_AGE_MS = KafkaClientConfigs.METADATA_MAX_AGE_MS;
    public static final String KAFKA_PRINCIPAL_PROPAGATION = KafkaClientConfigs.KAFKA_PRINCIPAL_PROPAGATION;
    public static final String KAFKA_PRINCIPAL_CACHE_MAX_SIZE = KafkaClientConfigs.KAFKA_PRINCIPAL_CACHE_MAX_SIZE;
    public static final String KAFKA_PRINCIPAL_CACHE_IDLE_MS = KafkaClientConfigs.KAFKA_PRINCIPAL_CACHE_IDLE_MS;

    // the Schema Registry (SchemaRegistryConfigs)
    public static final String SCHEMA_REGISTRY_URL = SchemaRegistryConfigs.SCHEMA_REGISTRY_URL;
    public static final String SCHEMA_REGISTRY_USER_INFO = SchemaRegistryConfigs.SCHEMA_REGISTRY_USER_INFO;
    public static final String SCHEMA_REGISTRY_CACHE_MAX_SIZE = SchemaRegistryConfigs.SCHEMA_REGISTRY_CACHE_MAX_SIZE;
    public static final String SCHEMA_REGISTRY_TIMEOUT_MS = SchemaRegistryConfigs.SCHEMA_REGISTRY_TIMEOUT_MS;
    public static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION =
            SchemaRegistryConfigs.SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION;
    public static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD =
            SchemaRegistryConfigs.SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD;
    public static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE =
            SchemaRegistryConfigs.SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE;
    public static final String SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION =
            SchemaRegistryConfigs.SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION;
    public static final String SCHEMA_REGISTRY_SSL_KEYSTORE_PASSWORD =
            SchemaRegistryConfigs.SCHEMA_REGISTRY_SSL_KEYSTORE_PASSWORD;
    public static final String SCHEMA_REGISTRY_SSL_KEYSTORE_TYPE =
            SchemaRegistryConfigs.SCHEMA_REGISTRY_SSL_KEYSTORE_TYPE;
    public static final String SCHEMA_REGISTRY_SSL_KEY_PASSWORD =
            SchemaRegistryConfigs.SCHEMA_REGISTRY_SSL_KEY_PASSWORD;

    // produce limits (ProduceConfigs)
    public static final String PRODUCE_RECORDS_MAX = ProduceConfigs.PRODUCE_RECORDS_MAX;
    public static final String IDEMPOTENCY_KEY_TTL_MS = ProduceConfigs.IDEMPOTENCY_KEY_TTL_MS;
    public static final String PRODUCE_RECORD_MAX_BYTES = ProduceConfigs.PRODUCE_RECORD_MAX_BYTES;
    public static final String PRODUCE_BATCH_MAX_ENTRIES = ProduceConfigs.PRODUCE_BATCH_MAX_ENTRIES;
    public static final String PRODUCE_STREAM_RECORD_MAX_BYTES = ProduceConfigs.PRODUCE_STREAM_RECORD_MAX_BYTES;
    public static final String STREAMING_MAX_DURATION_MS = ProduceConfigs.STREAMING_MAX_DURATION_MS;
    public static final String STREAMING_GRACE_MS = ProduceConfigs.STREAMING_GRACE_MS;

    // v2 consumers (ConsumerConfigs)
    public static final String CONSUMER_INSTANCE_TIMEOUT_MS = ConsumerConfigs.CONSUMER_INSTANCE_TIMEOUT_MS;
    public static final String CONSUMER_REQUEST_TIMEOUT_MS = ConsumerConfigs.CONSUMER_REQUEST_TIMEOUT_MS;
    public static final String CONSUMER_REQUEST_TIMEOUT_MAX_MS = ConsumerConfigs.CONSUMER_REQUEST_TIMEOUT_MAX_MS;
    public static final String CONSUMER_STREAM_MAX_DURATION_MS = ConsumerConfigs.CONSUMER_STREAM_MAX_DURATION_MS;
    public static final String CONSUMER_REQUEST_MAX_BYTES = ConsumerConfigs.CONSUMER_REQUEST_MAX_BYTES;
    public static final String FETCH_MIN_BYTES = ConsumerConfigs.FETCH_MIN_BYTES;
    public static final String CONSUMER_SESSION_TIMEOUT_MS = ConsumerConfigs.CONSUMER_SESSION_TIMEOUT_MS;
    public static final String AUTO_COMMIT_INTERVAL_MS = ConsumerConfigs.AUTO_COMMIT_INTERVAL_MS;
    public static final String CONSUMER_CACHE_MAX_SIZE = ConsumerConfigs.CONSUMER_CACHE_MAX_SIZE;
    public static final String CONSUMER_CACHE_IDLE_MS = ConsumerConfigs.CONSUMER_CACHE_IDLE_MS;
    public static final String CONSUMER_READ_WINDOW_BYTES = ConsumerConfigs.CONSUMER_READ_WINDOW_BYTES;
    public static final String CONSUMER_READ_WINDOWS_MAX_BYTES = ConsumerConfigs.CONSUMER_READ_WINDOWS_MAX_BYTES;
    public static final String CONSUMER_READ_WINDOWS_PER_PARTITION =
            ConsumerConfigs.CONSUMER_READ_WINDOWS_PER_PARTITION;
    public static final String CONSUMER_MAX_CONCURRENT_POLLS = ConsumerConfigs.CONSUMER_MAX_CONCURRENT_POLLS;
    public static final String CONSUMER_MAX_CONCURRENT_POLLS_WAIT_MS =
            ConsumerConfigs.CONSUMER_MAX_CONCURRENT_POLLS_WAIT_MS;

    // the consumer state store and Redis (StateStoreConfigs)
    public static final String CONSUMER_STATE_STORE = StateStoreConfigs.CONSUMER_STATE_STORE;
    public static final String REDIS_URL = StateStoreConfigs.REDIS_URL;
    public static final String REDIS_CLUSTER = StateStoreConfigs.REDIS_CLUSTER;
    public static final String REDIS_SENTINEL_MASTER = StateStoreConfigs.REDIS_SENTINEL_MASTER;
    public static final String REDIS_SENTINEL_PASSWORD = StateStoreConfigs.REDIS_SENTINEL_PASSWORD;
    public static final String REDIS_TIMEOUT_MS = StateStoreConfigs.REDIS_TIMEOUT_MS;
    public static final String REDIS_SSL_TRUSTSTORE_LOCATION = StateStoreConfigs.REDIS_SSL_TRUSTSTORE_LOCATION;
    public static final String REDIS_SSL_TRUSTSTORE_PASSWORD = StateStoreConfigs.REDIS_SSL_TRUSTSTORE_PASSWORD;
    public static final String REDIS_SSL_TRUSTSTORE_TYPE = StateStoreConfigs.REDIS_SSL_TRUSTSTORE_TYPE;

    // rate limits (RateLimitConfigs)
    public static final String RATE_LIMIT_ENABLE = RateLimitConfigs.RATE_LIMIT_ENABLE;
    public static final String RATE_LIMIT_PERMITS_PER_SEC = RateLimitConfigs.RATE_LIMIT_PERMITS_PER_SEC;
    public static final String RATE_LIMIT_TIMEOUT_MS = RateLimitConfigs.RATE_LIMIT_TIMEOUT_MS;
    public static final String RATE_LIMIT_DEFAULT_COST = RateLimitConfigs.RATE_LIMIT_DEFAULT_COST;
    public static final String RATE_LIMIT_COSTS = RateLimitConfigs.RATE_LIMIT_COSTS;
    public static final String PRODUCE_RATE_LIMIT_ENABLED = RateLimitConfigs.PRODUCE_RATE_LIMIT_ENABLED;
    public static final String PRODUCE_RATE_LIMIT_COUNT = RateLimitConfigs.PRODUCE_RATE_LIMIT_COUNT;
    public static final String PRODUCE_RATE_LIMIT_GLOBAL_COUNT = RateLimitConfigs.PRODUCE_RATE_LIMIT_GLOBAL_COUNT;
    public static final String PRODUCE_RATE_LIMIT_BYTES = RateLimitConfigs.PRODUCE_RATE_LIMIT_BYTES;
    public static final String PRODUCE_RATE_LIMIT_GLOBAL_BYTES = RateLimitConfigs.PRODUCE_RATE_LIMIT_GLOBAL_BYTES;

    // observability (ObserveConfigs)
    public static final String METRICS_ENABLE = ObserveConfigs.METRICS_ENABLE;
    public static final String OBSERVE_LISTENERS = ObserveConfigs.OBSERVE_LISTENERS;
    public static final String ACCESS_LOG_ENABLE = ObserveConfigs.ACCESS_LOG_ENABLE;

    // tracing: OpenTelemetry export and sampling (TracingConfigs)
    public static final String OTEL_EXPORTER_OTLP_ENDPOINT = TracingConfigs.OTEL_EXPORTER_OTLP_ENDPOINT;
    public static final String OTEL_EXPORTER_OTLP_HEADERS = TracingConfigs.OTEL_EXPORTER_OTLP_HEADERS;
    public static final String OTEL_SERVICE_NAME = TracingConfigs.OTEL_SERVICE_NAME;
    public static final String OTEL_TRACES_SAMPLER_ARG = TracingConfigs.OTEL_TRACES_SAMPLER_ARG;

    // TLS of the https:// listeners (TlsConfigs)
    public static final String SSL_KEYSTORE_LOCATION = TlsConfigs.SSL_KEYSTORE_LOCATION;
    public static final String SSL_KEYSTORE_PASSWORD = TlsConfigs.SSL_KEYSTORE_PASSWORD;
    public static final String SSL_KEYSTORE_TYPE = TlsConfigs.SSL_KEYSTORE_TYPE;
    public static final String SSL_KEY_PASSWORD = TlsConfigs.SSL_KEY_PASSWORD;
    public static final String SSL_TRUSTSTORE_LOCATION = TlsConfigs.SSL_TRUSTSTORE_LOCATION;
    public static final String SSL_TRUSTSTORE_PASSWORD = TlsConfigs.SSL_TRUSTSTORE_PASSWORD;
    public static final String SSL_TRUSTSTORE_TYPE = TlsConfigs.SSL_TRUSTSTORE_TYPE;
    public static final String SSL_PROTOCOL = TlsConfigs.SSL_PROTOCOL;
    public static final String SSL_ENABLED_PROTOCOLS = TlsConfigs.SSL_ENABLED_PROTOCOLS;
    public static final String SSL_CIPHER_SUITES = TlsConfigs.SSL_CIPHER_SUITES;
    public static final String SSL_CLIENT_AUTHENTICATION = TlsConfigs.SSL_CLIENT_AUTHENTICATION;
    public static final String SSL_PRINCIPAL_MAPPING_RULES = TlsConfigs.SSL_PRINCIPAL_MAPPING_RULES;

    // HTTP authentication (AuthenticationConfigs)
    public static final String AUTHENTICATION_METHOD = AuthenticationConfigs.AUTHENTICATION_METHOD;
    public static final String AUTHENTICATION_REALM = AuthenticationConfigs.AUTHENTICATION_REALM;
    public static final String AUTHENTICATION_SKIP_PATHS = AuthenticationConfigs.AUTHENTICATION_SKIP_PATHS;
    public static final String AUTHENTICATION_BASIC_PASSWORD_FILE =
            AuthenticationConfigs.AUTHENTICATION_BASIC_PASSWORD_FILE;
    public static final String AUTHENTICATION_VERIFIED_CACHE_MS =
            AuthenticationConfigs.AUTHENTICATION_VERIFIED_CACHE_MS;
    public static final String BEARER_JWKS_ENDPOINT_URL = AuthenticationConfigs.BEARER_JWKS_ENDPOINT_URL;
    public static final String BEARER_JWKS_REFRESH_MS = AuthenticationConfigs.BEARER_JWKS_REFRESH_MS;
    public static final String BEARER_PUBLIC_KEY_LOCATION = AuthenticationConfigs.BEARER_PUBLIC_KEY_LOCATION;
    public static final String BEARER_SECRET = AuthenticationConfigs.BEARER_SECRET;
    public static final String BEARER_EXPECTED_ISSUER = AuthenticationConfigs.BEARER_EXPECTED_ISSUER;
    public static final String BEARER_EXPECTED_AUDIENCE = AuthenticationConfigs.BEARER_EXPECTED_AUDIENCE;
    public static final String BEARER_CLOCK_SKEW_SECONDS = AuthenticationConfigs.BEARER_CLOCK_SKEW_SECONDS;
    public static final String BEARER_SUB_CLAIM_NAME = AuthenticationConfigs.BEARER_SUB_CLAIM_NAME;

    // response headers: CORS, HSTS, nosniff (ResponseHeaderConfigs)
    public static final String ACCESS_CONTROL_ALLOW_ORIGIN = ResponseHeaderConfigs.ACCESS_CONTROL_ALLOW_ORIGIN;
    public static final String ACCESS_CONTROL_ALLOW_METHODS = ResponseHeaderConfigs.ACCESS_CONTROL_ALLOW_METHODS;
    public static final String ACCESS_CONTROL_ALLOW_HEADERS = ResponseHeaderConfigs.ACCESS_CONTROL_ALLOW_HEADERS;
    public static final String ACCESS_CONTROL_EXPOSE_HEADERS = ResponseHeaderConfigs.ACCESS_CONTROL_EXPOSE_HEADERS;
    public static final String HSTS_HEADER_ENABLE = ResponseHeaderConfigs.HSTS_HEADER_ENABLE;
    public static final String NOSNIFF_PREVENTION_ENABLE = ResponseHeaderConfigs.NOSNIFF_PREVENTION_ENABLE;

    /** The client pass-through prefixes, in the order they are applied (a later prefix wins). */
    public static final List<String> CLIENT_PREFIXES = List.of("client.", "producer.", "consumer.", "admin.");

    /** Prefixes of keys that belong to features of later releases or to Kafka clients and are not warned about. */
    private static final List<String> QUIET_PREFIXES = List.of("client.", "producer.", "consumer.", "admin.",
            "schema.registry.");

    /** Every key krest reads, with its type, default, validator and doc: the fragments of each concern. */
    public static final ConfigDef DEFINITION = definition();

    /**
     * Assembles {@link #DEFINITION} from the fragments. The order is the order in which {@code AbstractConfig} parses
     * and validates the keys, so with several invalid values the first fragment's is reported.
     */
    private static ConfigDef definition() {
        ConfigDef def = new ConfigDef();
        ServerConfigs.addServerSupport(def);
        KafkaClientConfigs.addKafkaClientSupport(def);
        SchemaRegistryConfigs.addSchemaRegistrySupport(def);
        ProduceConfigs.addProduceSupport(def);
        ConsumerConfigs.addConsumerSupport(def);
        StateStoreConfigs.addStateStoreSupport(def);
        RateLimitConfigs.addRateLimitSupport(def);
        ObserveConfigs.addObserveSupport(def);
        TracingConfigs.addTracingSupport(def);
        TlsConfigs.addTlsSupport(def);
        AuthenticationConfigs.addAuthenticationSupport(def);
        ResponseHeaderConfigs.addResponseHeaderSupport(def);
        return def;
    }

    private final List<Listener> listeners;
    private final List<Listener> observeListeners;
    private final List<URI> advertised;

    /**
     * Parses and validates {@code props}.
     *
     * @param props raw properties (file overlaid by environment)
     * @throws ConfigException an invalid value; the message names the key
     */
    public KrestConfig(Map<String, ?> props) {
        super(DEFINITION, props, false);
        this.listeners = getList(LISTENERS).stream().map(l -> Listener.parse(LISTENERS, l)).toList();
        this.observeListeners = getList(OBSERVE_LISTENERS).stream()
                .map(l -> Listener.parse(OBSERVE_LISTENERS, l)).toList();
        this.advertised = getList(ADVERTISED_LISTENERS).stream()
                .map(s -> parseUri(ADVERTISED_LISTENERS, s)).toList();
        if (getString(CONSUMER_STATE_STORE).equals("redis")) {
            if (getPassword(REDIS_URL) == null) {
                throw new ConfigException(REDIS_URL, null, "required when consumer.state.store=redis");
            }
            try {
                RedisStateStoreConfig.checkUrl(getPassword(REDIS_URL).value(), redisTopology());
            } catch (IllegalArgumentException e) {
                // the value is a secret: ConfigException prints "[hidden]" for a password
                throw new ConfigException(REDIS_URL, getPassword(REDIS_URL), e.getMessage());
            }
        }
        if (getBoolean(REDIS_CLUSTER) && !getString(REDIS_SENTINEL_MASTER).isBlank()) {
            throw new ConfigException(REDIS_SENTINEL_MASTER, getString(REDIS_SENTINEL_MASTER),
                    "a Redis Cluster has no Sentinels: set " + REDIS_CLUSTER + "=false or leave this empty");
        }
        if (java.util.stream.Stream.concat(listeners.stream(), observeListeners.stream()).anyMatch(Listener::tls)
                && getString(SSL_KEYSTORE_LOCATION).isEmpty()) {
            throw new ConfigException(SSL_KEYSTORE_LOCATION, "", "required for an https:// listener");
        }
        checkAuthenticationForPropagation();
    }

    /**
     * Ties HTTP authentication to {@code kafka.principal.propagation}: SASL propagation needs Basic credentials and
     * OAUTHBEARER a bearer token, and BASIC without a password file (which lets Kafka verify the credentials) is only
     * safe when Kafka does verify them.
     */
    private void checkAuthenticationForPropagation() {
        String propagation = getString(KAFKA_PRINCIPAL_PROPAGATION);
        String method = getString(AUTHENTICATION_METHOD).toUpperCase(Locale.ROOT);
        boolean sasl = propagation.startsWith("SASL_");
        if (sasl && !method.equals("BASIC")) {
            throw new ConfigException(KAFKA_PRINCIPAL_PROPAGATION, propagation,
                    "needs " + AUTHENTICATION_METHOD + "=BASIC (the caller's Basic credentials become the SASL ones)");
        }
        if (propagation.equals("OAUTHBEARER") && !method.equals("BEARER")) {
            throw new ConfigException(KAFKA_PRINCIPAL_PROPAGATION, propagation,
                    "needs " + AUTHENTICATION_METHOD + "=BEARER (the caller's token becomes the OAUTHBEARER token)");
        }
        if (method.equals("BASIC") && !sasl && getString(AUTHENTICATION_BASIC_PASSWORD_FILE).isBlank()) {
            throw new ConfigException(AUTHENTICATION_BASIC_PASSWORD_FILE, "",
                    "required with " + AUTHENTICATION_METHOD + "=BASIC unless " + KAFKA_PRINCIPAL_PROPAGATION
                            + " is SASL_PLAIN or SASL_SCRAM_*, where Kafka verifies the credentials");
        }
    }

    /** A listener to bind: scheme (http or https), host and port. */
    public record Listener(String scheme, String host, int port) {
        static Listener parse(String key, String value) {
            URI uri = parseUri(key, value);
            String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new ConfigException(key, value, "only http:// and https:// listeners are supported");
            }
            if (uri.getHost() == null) {
                throw new ConfigException(key, value, "a listener needs a host, e.g. http://0.0.0.0:8082");
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
            return new Listener(scheme, uri.getHost(), port);
        }

        /** @return whether this listener serves TLS */
        public boolean tls() {
            return scheme.equals("https");
        }
    }

    private static URI parseUri(String key, String value) {
        try {
            URI uri = URI.create(value.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new ConfigException(key, value, "expected a URL such as http://host:8082");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, value, "not a valid URL: " + e.getMessage());
        }
    }

    /**
     * @return what {@code redis.url} names: a Redis Cluster ({@code redis.cluster}), Sentinels
     *         ({@code redis.sentinel.master}) or one server
     */
    public RedisStateStoreConfig.Topology redisTopology() {
        if (getBoolean(REDIS_CLUSTER)) {
            return RedisStateStoreConfig.Topology.CLUSTER;
        }
        String master = getString(REDIS_SENTINEL_MASTER).strip();
        if (master.isEmpty()) {
            return RedisStateStoreConfig.Topology.SERVER;
        }
        return new RedisStateStoreConfig.Topology.Sentinel(master,
                java.util.Optional.ofNullable(getPassword(REDIS_SENTINEL_PASSWORD)).map(p -> p.value()));
    }

    /** @return the listeners to bind, at least one */
    public List<Listener> listeners() {
        return listeners;
    }

    /** @return the listeners that serve only /observe ({@code observe.listeners}), empty when every listener does */
    public List<Listener> observeListeners() {
        return observeListeners;
    }

    /** @return the first advertised listener, the base of absolute URLs, if configured */
    public Optional<URI> advertisedListener() {
        return advertised.stream().findFirst();
    }

    /** @return the bootstrap servers, empty when krest should start its embedded broker */
    public String bootstrapServers() {
        return getString(BOOTSTRAP_SERVERS).trim();
    }

    /**
     * Client properties for one kind of Kafka client: {@code client.*} then {@code <kind>.*}, prefixes stripped,
     * with {@code bootstrap.servers} set.
     *
     * @param kind {@code producer}, {@code consumer} or {@code admin}
     * @return a new mutable map
     */
    public Map<String, Object> clientProperties(String kind) {
        Map<String, Object> props = new HashMap<>();
        for (String prefix : List.of("client.", kind + ".")) {
            // krest's own keys that share the prefix (consumer.request.timeout.ms, ...) are not Kafka settings
            originalsWithPrefix(prefix).forEach((k, v) -> {
                if (!DEFINITION.names().contains(prefix + k)) {
                    props.put(k, v);
                }
            });
        }
        props.put(BOOTSTRAP_SERVERS, bootstrapServers());
        return props;
    }

    /**
     * Keys that are neither defined nor under a known prefix, for a start-up warning.
     *
     * @return sorted unknown keys
     */
    public List<String> unknownKeys() {
        Set<String> defined = DEFINITION.names();
        List<String> unknown = new ArrayList<>();
        for (String key : originals().keySet()) {
            if (!defined.contains(key) && QUIET_PREFIXES.stream().noneMatch(key::startsWith)) {
                unknown.add(key);
            }
        }
        Collections.sort(unknown);
        return unknown;
    }

    /**
     * A copy of this configuration with some keys replaced, e.g. {@code bootstrap.servers} of the embedded broker.
     *
     * @param overrides keys to set
     * @return a new validated configuration
     */
    public KrestConfig with(Map<String, ?> overrides) {
        Map<String, Object> props = new HashMap<>(originals());
        props.putAll(overrides);
        return new KrestConfig(props);
    }
}
