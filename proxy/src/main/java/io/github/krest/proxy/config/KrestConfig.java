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
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
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
 */
public final class KrestConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String ID = "id";
    public static final String API_V2_ENABLE = "api.v2.enable";
    public static final String API_V3_ENABLE = "api.v3.enable";
    public static final String API_ENDPOINTS_ALLOWLIST = "api.endpoints.allowlist";
    public static final String API_ENDPOINTS_BLOCKLIST = "api.endpoints.blocklist";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String SCHEMA_REGISTRY_USER_INFO = "schema.registry.basic.auth.user.info";
    public static final String SCHEMA_REGISTRY_CACHE_MAX_SIZE = "schema.registry.cache.max.size";
    public static final String SCHEMA_REGISTRY_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    public static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
    public static final String SCHEMA_REGISTRY_SSL_KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    public static final String SCHEMA_REGISTRY_SSL_KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    public static final String SCHEMA_REGISTRY_SSL_KEY_PASSWORD = "schema.registry.ssl.key.password";
    public static final String RESOURCE_NAME_AUTHORITY = "confluent.resource.name.authority";
    public static final String REQUEST_BODY_MAX_BYTES = "request.body.max.bytes";
    public static final String PRODUCE_RECORDS_MAX = "produce.request.max.records";
    public static final String PRODUCE_RECORD_MAX_BYTES = "produce.record.max.bytes";
    public static final String PRODUCE_BATCH_MAX_ENTRIES = "api.v3.produce.batch.maximum.entries";
    public static final String PRODUCE_STREAM_RECORD_MAX_BYTES = "api.v3.produce.request.size.limit.max.bytes";
    public static final String STREAMING_MAX_DURATION_MS = "streaming.connection.max.duration.ms";
    public static final String STREAMING_GRACE_MS = "streaming.connection.max.duration.grace.period.ms";
    public static final String METADATA_MAX_AGE_MS = "metadata.cache.max.age.ms";
    public static final String EMBEDDED_KAFKA_PORT = "embedded.kafka.port";
    public static final String CONSUMER_INSTANCE_TIMEOUT_MS = "consumer.instance.timeout.ms";
    public static final String CONSUMER_REQUEST_TIMEOUT_MS = "consumer.request.timeout.ms";
    public static final String CONSUMER_REQUEST_TIMEOUT_MAX_MS = "consumer.request.timeout.max.ms";
    public static final String CONSUMER_STREAM_MAX_DURATION_MS = "consumer.stream.max.duration.ms";
    public static final String CONSUMER_REQUEST_MAX_BYTES = "consumer.request.max.bytes";
    public static final String FETCH_MIN_BYTES = "fetch.min.bytes";
    public static final String CONSUMER_SESSION_TIMEOUT_MS = "consumer.session.timeout.ms";
    public static final String AUTO_COMMIT_INTERVAL_MS = "auto.commit.interval.ms";
    public static final String CONSUMER_CACHE_MAX_SIZE = "consumer.cache.max.size";
    public static final String CONSUMER_CACHE_IDLE_MS = "consumer.cache.idle.ms";
    public static final String CONSUMER_STATE_STORE = "consumer.state.store";
    public static final String IDEMPOTENCY_KEY_TTL_MS = "idempotency.key.ttl.ms";
    public static final String KAFKA_PRINCIPAL_PROPAGATION = "kafka.principal.propagation";
    public static final String KAFKA_PRINCIPAL_CACHE_MAX_SIZE = "kafka.principal.cache.max.size";
    public static final String KAFKA_PRINCIPAL_CACHE_IDLE_MS = "kafka.principal.cache.idle.ms";
    public static final String REDIS_URL = "redis.url";
    public static final String REDIS_TIMEOUT_MS = "redis.timeout.ms";
    public static final String REDIS_CLUSTER = "redis.cluster";
    public static final String REDIS_SENTINEL_MASTER = "redis.sentinel.master";
    public static final String REDIS_SENTINEL_PASSWORD = "redis.sentinel.password";
    public static final String SHUTDOWN_GRACEFUL_MS = "shutdown.graceful.ms";
    public static final String METRICS_ENABLE = "metrics.enable";
    public static final String OBSERVE_LISTENERS = "observe.listeners";
    public static final String ACCESS_LOG_ENABLE = "access.log.enable";

    public static final String SSL_KEYSTORE_LOCATION = "ssl.keystore.location";
    public static final String SSL_KEYSTORE_PASSWORD = "ssl.keystore.password";
    public static final String SSL_KEYSTORE_TYPE = "ssl.keystore.type";
    public static final String SSL_KEY_PASSWORD = "ssl.key.password";
    public static final String SSL_TRUSTSTORE_LOCATION = "ssl.truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD = "ssl.truststore.password";
    public static final String SSL_TRUSTSTORE_TYPE = "ssl.truststore.type";
    public static final String SSL_PROTOCOL = "ssl.protocol";
    public static final String SSL_ENABLED_PROTOCOLS = "ssl.enabled.protocols";
    public static final String SSL_CIPHER_SUITES = "ssl.cipher.suites";
    public static final String SSL_CLIENT_AUTHENTICATION = "ssl.client.authentication";
    public static final String SSL_PRINCIPAL_MAPPING_RULES = "ssl.principal.mapping.rules";
    public static final String AUTHENTICATION_METHOD = "authentication.method";
    public static final String AUTHENTICATION_REALM = "authentication.realm";
    public static final String AUTHENTICATION_SKIP_PATHS = "authentication.skip.paths";
    public static final String AUTHENTICATION_BASIC_PASSWORD_FILE = "authentication.basic.password.file";
    public static final String AUTHENTICATION_VERIFIED_CACHE_MS = "authentication.verified.cache.ms";
    public static final String BEARER_JWKS_ENDPOINT_URL = "authentication.bearer.jwks.endpoint.url";
    public static final String BEARER_JWKS_REFRESH_MS = "authentication.bearer.jwks.endpoint.refresh.ms";
    public static final String BEARER_PUBLIC_KEY_LOCATION = "authentication.bearer.public.key.location";
    public static final String BEARER_SECRET = "authentication.bearer.secret";
    public static final String BEARER_EXPECTED_ISSUER = "authentication.bearer.expected.issuer";
    public static final String BEARER_EXPECTED_AUDIENCE = "authentication.bearer.expected.audience";
    public static final String BEARER_CLOCK_SKEW_SECONDS = "authentication.bearer.clock.skew.seconds";
    public static final String BEARER_SUB_CLAIM_NAME = "authentication.bearer.sub.claim.name";
    public static final String ACCESS_CONTROL_ALLOW_ORIGIN = "access.control.allow.origin";
    public static final String ACCESS_CONTROL_ALLOW_METHODS = "access.control.allow.methods";
    public static final String ACCESS_CONTROL_ALLOW_HEADERS = "access.control.allow.headers";
    public static final String ACCESS_CONTROL_EXPOSE_HEADERS = "access.control.expose.headers";
    public static final String HSTS_HEADER_ENABLE = "hsts.header.enable";
    public static final String NOSNIFF_PREVENTION_ENABLE = "nosniff.prevention.enable";
    public static final String REDIS_SSL_TRUSTSTORE_LOCATION = "redis.ssl.truststore.location";
    public static final String REDIS_SSL_TRUSTSTORE_PASSWORD = "redis.ssl.truststore.password";
    public static final String REDIS_SSL_TRUSTSTORE_TYPE = "redis.ssl.truststore.type";

    public static final String RATE_LIMIT_ENABLE = "rate.limit.enable";
    public static final String RATE_LIMIT_PERMITS_PER_SEC = "rate.limit.permits.per.sec";
    public static final String RATE_LIMIT_TIMEOUT_MS = "rate.limit.timeout.ms";
    public static final String RATE_LIMIT_DEFAULT_COST = "rate.limit.default.cost";
    public static final String RATE_LIMIT_COSTS = "rate.limit.costs";
    public static final String PRODUCE_RATE_LIMIT_ENABLED = "api.v3.produce.rate.limit.enabled";
    public static final String PRODUCE_RATE_LIMIT_COUNT = "api.v3.produce.rate.limit.max.requests.per.sec";
    public static final String PRODUCE_RATE_LIMIT_GLOBAL_COUNT =
            "api.v3.produce.rate.limit.max.requests.global.per.sec";
    public static final String PRODUCE_RATE_LIMIT_BYTES = "api.v3.produce.rate.limit.max.bytes.per.sec";
    public static final String PRODUCE_RATE_LIMIT_GLOBAL_BYTES = "api.v3.produce.rate.limit.max.bytes.global.per.sec";
    public static final String CONSUMER_MAX_CONCURRENT_POLLS = "consumer.max.concurrent.polls";
    public static final String CONSUMER_MAX_CONCURRENT_POLLS_WAIT_MS = "consumer.max.concurrent.polls.wait.ms";

    /** The client pass-through prefixes, in the order they are applied (a later prefix wins). */
    public static final List<String> CLIENT_PREFIXES = List.of("client.", "producer.", "consumer.", "admin.");

    /** Prefixes of keys that belong to features of later releases or to Kafka clients and are not warned about. */
    private static final List<String> QUIET_PREFIXES = List.of("client.", "producer.", "consumer.", "admin.",
            "schema.registry.");

    /** Every key krest reads, with its type, default, validator and doc. */
    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.STRING, "", Importance.HIGH,
                    "Kafka bootstrap servers (host:port,...). Empty: krest starts an embedded single-node KRaft "
                            + "broker in-process, for trying krest out.")
            .define(LISTENERS, Type.LIST, "http://0.0.0.0:8082", listenersValidator(true), Importance.HIGH,
                    "Comma-separated listener URLs krest binds to, e.g. http://0.0.0.0:8082,http://127.0.0.1:9082; "
                            + "https:// listeners serve TLS with the ssl.* keys.")
            .define(ADVERTISED_LISTENERS, Type.LIST, "", Importance.MEDIUM,
                    "Base URL(s) used in absolute URLs (v2 base_uri, v3 self/related links): the load balancer's "
                            + "address. Empty: built from the request's Forwarded / X-Forwarded-* / Host headers.")
            .define(ID, Type.STRING, "", Importance.LOW,
                    "Replica id, appended to the Kafka client ids (krest-producer-{id}, krest-admin-{id}).")
            .define(API_V2_ENABLE, Type.BOOLEAN, true, Importance.MEDIUM, "Serve the v2 API.")
            .define(API_V3_ENABLE, Type.BOOLEAN, true, Importance.MEDIUM, "Serve the v3 API.")
            .define(API_ENDPOINTS_ALLOWLIST, Type.LIST, "", Importance.LOW,
                    "Resource names (e.g. api.v3.topics.list) or prefixes (api.v3.acls.*) of the only endpoints "
                            + "served; empty: all. A blocked GET answers 404, other methods 405.")
            .define(API_ENDPOINTS_BLOCKLIST, Type.LIST, "", Importance.LOW,
                    "Resource names or prefixes of endpoints not served (applied after the allowlist).")
            .define(RESOURCE_NAME_AUTHORITY, Type.STRING, "", Importance.LOW,
                    "Authority of the CRNs in v3 metadata.resource_name: crn://{authority}/kafka={cluster}/...")
            .define(SCHEMA_REGISTRY_URL, Type.STRING, "", Importance.MEDIUM,
                    "Schema Registry URL(s), comma-separated, e.g. http://registry:8081 or Apicurio's "
                            + "http://host:8080/apis/ccompat/v7. Empty: schema formats (avro, jsonschema, protobuf) "
                            + "answer 422/42206 (Confluent's default is http://localhost:8081).")
            .define(SCHEMA_REGISTRY_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM,
                    "user:password for HTTP basic authentication to the Schema Registry; unset: none.")
            .define(SCHEMA_REGISTRY_CACHE_MAX_SIZE, Type.INT, 1_000, Range.atLeast(1), Importance.LOW,
                    "krest: most schemas cached by id, by subject + version, and by registered schema text "
                            + "(each); ids and versions never change, so entries are only evicted for size.")
            .define(SCHEMA_REGISTRY_TIMEOUT_MS, Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
                    "krest: connect and request timeout of Schema Registry calls, in ms; a registry that does "
                            + "not answer in time gives 503/50304.")
            .define(SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION, Type.STRING, "", Importance.LOW,
                    "Trust store of an https:// Schema Registry; empty: the JVM's default trust.")
            .define(SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                    "Password of " + SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION + ".")
            .define(SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE, Type.STRING, "JKS", Importance.LOW,
                    "Type of " + SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION + " (JKS or PKCS12).")
            .define(SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION, Type.STRING, "", Importance.LOW,
                    "Key store with krest's client certificate for a Schema Registry that requires one (mutual "
                            + "TLS); empty: none.")
            .define(SCHEMA_REGISTRY_SSL_KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                    "Password of " + SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION + ".")
            .define(SCHEMA_REGISTRY_SSL_KEYSTORE_TYPE, Type.STRING, "JKS", Importance.LOW,
                    "Type of " + SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION + " (JKS or PKCS12).")
            .define(SCHEMA_REGISTRY_SSL_KEY_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                    "Password of the private key in " + SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION
                            + "; unset: the key store's password.")
            .define(REQUEST_BODY_MAX_BYTES, Type.LONG, 16L * 1024 * 1024, Range.atLeast(1), Importance.MEDIUM,
                    "krest: largest request body accepted by non-streaming endpoints, in bytes; larger ones "
                            + "answer 413. The v3 streaming produce body is unbounded in total and limited per "
                            + "record by " + PRODUCE_STREAM_RECORD_MAX_BYTES + ".")
            .define(PRODUCE_RECORDS_MAX, Type.INT, 10_000, Range.atLeast(1), Importance.MEDIUM,
                    "krest: most records in one v2 produce request; more answer 422/42206.")
            .define(PRODUCE_RECORD_MAX_BYTES, Type.INT, 1024 * 1024, Range.atLeast(1), Importance.MEDIUM,
                    "krest: largest record accepted for produce (key + value + header bytes); a larger one "
                            + "answers 413 (v2: the whole request, before anything is produced; v3: that record).")
            .define(PRODUCE_BATCH_MAX_ENTRIES, Type.INT, 10, Range.between(1, 10_000), Importance.LOW,
                    "Most entries in one v3 records:batch request; more answer 422/42208. Confluent caps the "
                            + "setting at 50; krest allows up to 10000.")
            .define(PRODUCE_STREAM_RECORD_MAX_BYTES, Type.LONG, 4L * 1024 * 1024, Range.atLeast(0),
                    Importance.LOW,
                    "Largest JSON text of one record in a v3 produce request, in bytes; a larger record gets an "
                            + "in-stream 400 and the connection is closed. 0 = no limit (Confluent's default; "
                            + "krest defaults to 4 MiB).")
            .define(STREAMING_MAX_DURATION_MS, Type.LONG, 86_400_000L, Range.atLeast(1), Importance.LOW,
                    "Longest a v3 streaming produce connection may stay open, in ms; later records get an "
                            + "in-stream 408 and the response ends after the grace period.")
            .define(STREAMING_GRACE_MS, Type.LONG, 500L, Range.atLeast(0), Importance.LOW,
                    "Grace period after " + STREAMING_MAX_DURATION_MS + " before the stream is closed, in ms.")
            .define(METADATA_MAX_AGE_MS, Type.LONG, 5_000L, Range.atLeast(0), Importance.LOW,
                    "krest: how long topic metadata (partition counts) fetched for produce validation is "
                            + "reused, in ms.")
            .define(CONSUMER_INSTANCE_TIMEOUT_MS, Type.LONG, 300_000L, Range.atLeast(1000), Importance.MEDIUM,
                    "How long a v2 consumer instance lives without a request, in ms; then every replica "
                            + "answers 404/40403 for it (and auto-commit instances commit their positions).")
            .define(CONSUMER_REQUEST_TIMEOUT_MS, Type.LONG, 1_000L, Range.atLeast(1), Importance.MEDIUM,
                    "Default longest wait of GET .../records for records, in ms (an instance may set its own "
                            + "consumer.request.timeout.ms). A poll answers as soon as records are available.")
            .define(CONSUMER_REQUEST_TIMEOUT_MAX_MS, Type.LONG, 30_000L, Range.atLeast(1), Importance.LOW,
                    "krest: largest ?timeout= accepted by GET .../records, in ms; the query may lengthen or "
                            + "shorten the wait up to this (Confluent's may only shorten it).")
            .define(CONSUMER_STREAM_MAX_DURATION_MS, Type.LONG, 300_000L, Range.atLeast(1_000), Importance.LOW,
                    "krest: longest life of a record stream (GET .../records with Accept: text/event-stream), in "
                            + "ms; ?duration= may shorten it. Then the stream ends and the client reconnects, to "
                            + "whichever replica the load balancer picks, at the stored positions.")
            .define(CONSUMER_REQUEST_MAX_BYTES, Type.LONG, 67_108_864L, Range.atLeast(1), Importance.MEDIUM,
                    "Most key + value bytes returned by one GET .../records; ?max_bytes= may lower it.")
            .define(FETCH_MIN_BYTES, Type.LONG, -1L, Range.between(-1, 10_000_000), Importance.LOW,
                    "Bytes a poll gathers before answering early (an instance may set its own); -1: answer as "
                            + "soon as any record is available. Not passed to Kafka (use consumer.fetch.min.bytes).")
            .define(CONSUMER_SESSION_TIMEOUT_MS, Type.LONG, 45_000L, Range.atLeast(100), Importance.MEDIUM,
                    "krest: a subscribed instance that has not polled for this long, in ms, loses its partitions "
                            + "to the live members of its group.")
            .define(AUTO_COMMIT_INTERVAL_MS, Type.LONG, 5_000L, Range.atLeast(0), Importance.LOW,
                    "How often, in ms, instances with auto.commit.enable=true commit their positions (checked "
                            + "on poll); they also commit when deleted or expired.")
            .define(CONSUMER_CACHE_MAX_SIZE, Type.INT, 1_000, Range.atLeast(1), Importance.LOW,
                    "krest: most Kafka consumers (readers) this replica keeps for active instances, and as many "
                            + "for reads by offset (GET /topics/{t}/partitions/{p}/records); the least recently "
                            + "used is closed, which costs a seek on its next poll.")
            .define(CONSUMER_CACHE_IDLE_MS, Type.LONG, 60_000L, Range.atLeast(1), Importance.LOW,
                    "krest: a cached reader unused for this long, in ms, is closed.")
            .define(KAFKA_PRINCIPAL_PROPAGATION, Type.STRING, "NONE",
                    ConfigDef.ValidString.in("NONE", "SASL_PLAIN", "SASL_SCRAM_SHA_256", "SASL_SCRAM_SHA_512",
                            "OAUTHBEARER"), Importance.HIGH,
                    "krest: whose identity requests reach Kafka with. NONE: every request uses the one service "
                            + "principal configured in client.* (and producer.*, consumer.*, admin.*). SASL_PLAIN, "
                            + "SASL_SCRAM_SHA_256, SASL_SCRAM_SHA_512: the caller's HTTP Basic user name and password "
                            + "become the SASL PLAIN or SCRAM credentials of Kafka clients created for that caller "
                            + "(client.security.protocol must be SASL_PLAINTEXT or SASL_SSL); OAUTHBEARER: the "
                            + "caller's bearer token is handed to Kafka as the OAUTHBEARER token. A request without "
                            + "such a credential answers 401/40101; Kafka's ACLs then decide (403/40301).")
            .define(KAFKA_PRINCIPAL_CACHE_MAX_SIZE, Type.INT, 100, Range.atLeast(1), Importance.LOW,
                    "krest: with kafka.principal.propagation on, most callers (principal and credential) whose "
                            + "producer and admin client this replica keeps; the least recently used are closed.")
            .define(KAFKA_PRINCIPAL_CACHE_IDLE_MS, Type.LONG, 300_000L, Range.atLeast(1), Importance.LOW,
                    "krest: with kafka.principal.propagation on, a caller's producer and admin client unused for "
                            + "this long, in ms, are closed.")
            .define(CONSUMER_STATE_STORE, Type.STRING, "memory", ConfigDef.ValidString.in("memory", "redis"),
                    Importance.HIGH,
                    "krest: where consumer instances, membership, assignment and positions live: memory (one "
                            + "replica only) or redis (shared by all replicas; needs redis.url).")
            .define(IDEMPOTENCY_KEY_TTL_MS, Type.LONG, 3_600_000L, Range.atLeast(1_000), Importance.MEDIUM,
                    "krest: how long the answer of a produce request with an Idempotency-Key is kept, in ms: a "
                            + "retry with the key within this time gets it and writes nothing. Keys live in "
                            + "consumer.state.store (Redis: about 310 bytes a key for a one-record answer, 2.6 KB for 500).")
            .define(REDIS_URL, Type.PASSWORD, null, Importance.HIGH,
                    "krest: the state store's Redis, redis://[user:password@]host:port[/db] or rediss://... "
                            + "(TLS); with redis.cluster, one or more of the cluster's nodes, comma-separated, with "
                            + "the same scheme and credentials; with redis.sentinel.master, the Sentinels "
                            + "(host:26379), comma-separated, with the master's credentials and database.")
            .define(REDIS_CLUSTER, Type.BOOLEAN, false, Importance.MEDIUM,
                    "krest: whether redis.url names nodes of a Redis Cluster: the store then routes each group's "
                            + "calls to the master of its slot and follows failovers and resharding.")
            .define(REDIS_SENTINEL_MASTER, Type.STRING, "", Importance.MEDIUM,
                    "krest: the name of the master that Redis Sentinel monitors (sentinel monitor <name> ...); "
                            + "when set, redis.url names the Sentinels, and the store asks them for the master and "
                            + "follows it through a failover. Empty: no Sentinel.")
            .define(REDIS_SENTINEL_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                    "krest: the Sentinels' own password (requirepass in sentinel.conf), if they have one; the "
                            + "master's is in redis.url.")
            .define(REDIS_TIMEOUT_MS, Type.INT, 2_000, Range.atLeast(1), Importance.LOW,
                    "krest: Redis socket timeout in ms; connecting times out after a quarter of it.")
            .define(SHUTDOWN_GRACEFUL_MS, Type.INT, 5_000, Range.atLeast(0), Importance.LOW,
                    "How long a replica stopping on SIGTERM lets in-flight requests finish, in ms, after it stops "
                            + "accepting connections (per listener); then it interrupts the rest, releases the "
                            + "consumer leases it holds and flushes the producer.")
            .define(RATE_LIMIT_ENABLE, Type.BOOLEAN, false, Importance.LOW,
                    "Enable the generic per-endpoint rate limit (every endpoint but v3 produce): JSON 429 with "
                            + "Retry-After when exceeded. Per replica.")
            .define(RATE_LIMIT_PERMITS_PER_SEC, Type.INT, 50, Range.atLeast(1), Importance.LOW,
                    "Permits per second of the generic rate limit, per replica; a request costs its "
                            + RATE_LIMIT_COSTS + " entry.")
            .define(RATE_LIMIT_TIMEOUT_MS, Type.LONG, 0L, Range.atLeast(0), Importance.LOW,
                    "How long a request waits for permits of the generic rate limit before answering 429, in ms.")
            .define(RATE_LIMIT_DEFAULT_COST, Type.INT, 1, Range.atLeast(0), Importance.LOW,
                    "Permits an endpoint without a " + RATE_LIMIT_COSTS + " entry costs; 0 = unlimited.")
            .define(RATE_LIMIT_COSTS, Type.LIST, "", costsValidator(), Importance.LOW,
                    "Per-endpoint costs, resource name or prefix (.*) = permits, e.g. "
                            + "api.v3.clusters.*=1,api.v3.brokers.list=2; the exact name wins, then the longest "
                            + "prefix; 0 = unlimited.")
            .define(PRODUCE_RATE_LIMIT_ENABLED, Type.BOOLEAN, false, Importance.LOW,
                    "Enable the v3 produce rate limits (records and records:batch), counted per record; an "
                            + "exceeded limit gives that record an in-stream 429 and the stream goes on.")
            .define(PRODUCE_RATE_LIMIT_COUNT, Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
                    "v3 produce records per second per cluster (krest serves one: per replica).")
            .define(PRODUCE_RATE_LIMIT_GLOBAL_COUNT, Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
                    "v3 produce records per second, whole replica.")
            .define(PRODUCE_RATE_LIMIT_BYTES, Type.INT, 10_000_000, Range.atLeast(1), Importance.LOW,
                    "v3 produce bytes (record JSON size) per second per cluster (krest serves one: per replica).")
            .define(PRODUCE_RATE_LIMIT_GLOBAL_BYTES, Type.INT, 10_000_000, Range.atLeast(1), Importance.LOW,
                    "v3 produce bytes (record JSON size) per second, whole replica.")
            .define(CONSUMER_MAX_CONCURRENT_POLLS, Type.INT, 256, Range.atLeast(1), Importance.LOW,
                    "krest: most v2 GET .../records polls one replica serves at once; more wait up to "
                            + CONSUMER_MAX_CONCURRENT_POLLS_WAIT_MS + ", then answer 429 with Retry-After. "
                            + "(Confluent bounds its consumer.threads pool instead.)")
            .define(CONSUMER_MAX_CONCURRENT_POLLS_WAIT_MS, Type.LONG, 500L, Range.atLeast(0), Importance.LOW,
                    "krest: how long a poll waits for a free slot of " + CONSUMER_MAX_CONCURRENT_POLLS
                            + " before answering 429, in ms.")
            .define(METRICS_ENABLE, Type.BOOLEAN, true, Importance.LOW,
                    "krest: serve Prometheus metrics at /observe/metrics (per-endpoint requests, latency and errors, "
                            + "records and bytes, consumer and state store meters). Health at /observe/health is "
                            + "always served.")
            .define(OBSERVE_LISTENERS, Type.LIST, "", listenersValidator(false), Importance.LOW,
                    "krest: listener URLs (as in " + LISTENERS + ") that serve only /observe/health and "
                            + "/observe/metrics, e.g. http://127.0.0.1:9090; the " + LISTENERS + " then serve the "
                            + "API alone. Empty: every listener serves both.")
            .define(ACCESS_LOG_ENABLE, Type.BOOLEAN, true, Importance.LOW,
                    "krest: log one line per request on the java.util.logging logger io.github.krest.access "
                            + "(method, resource name, status, error_code, duration, bytes, principal).")
            .define(EMBEDDED_KAFKA_PORT, Type.INT, 9092, Range.between(0, 65535), Importance.LOW,
                    "krest: port of the embedded broker's client listener when bootstrap.servers is empty "
                            + "(0 or a busy port: any free port).")
            .define(SSL_KEYSTORE_LOCATION, Type.STRING, "", Importance.HIGH,
                    "Key store with the server certificate and private key of the https:// listeners; required "
                            + "when a listener is https://.")
            .define(SSL_KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.HIGH,
                    "Password of " + SSL_KEYSTORE_LOCATION + " (for PEM: of the encrypted private key).")
            .define(SSL_KEYSTORE_TYPE, Type.STRING, "JKS", ConfigDef.CaseInsensitiveValidString.in("JKS", "PKCS12",
                    "PEM"), Importance.MEDIUM,
                    "Type of " + SSL_KEYSTORE_LOCATION + ": JKS, PKCS12 or PEM (a file with the private key and "
                            + "its certificate chain, read as Kafka reads ssl.keystore.type=PEM).")
            .define(SSL_KEY_PASSWORD, Type.PASSWORD, null, Importance.HIGH,
                    "Password of the private key in " + SSL_KEYSTORE_LOCATION + "; unset: the key store's "
                            + "password.")
            .define(SSL_TRUSTSTORE_LOCATION, Type.STRING, "", Importance.HIGH,
                    "Trust store of the CA certificates that sign client certificates (mutual TLS, "
                            + SSL_CLIENT_AUTHENTICATION + "); empty: the JVM's default trust.")
            .define(SSL_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.HIGH,
                    "Password of " + SSL_TRUSTSTORE_LOCATION + " (none for PEM).")
            .define(SSL_TRUSTSTORE_TYPE, Type.STRING, "JKS", ConfigDef.CaseInsensitiveValidString.in("JKS",
                    "PKCS12", "PEM"), Importance.MEDIUM,
                    "Type of " + SSL_TRUSTSTORE_LOCATION + ": JKS, PKCS12 or PEM (a file of certificates).")
            .define(SSL_PROTOCOL, Type.STRING, "TLS", Importance.LOW,
                    "The SSLContext protocol of the https:// listeners.")
            .define(SSL_ENABLED_PROTOCOLS, Type.LIST, "TLSv1.3,TLSv1.2", protocolsValidator(), Importance.MEDIUM,
                    "TLS versions the https:// listeners accept: TLSv1.3 and/or TLSv1.2; older versions are "
                            + "refused (Confluent's default is the JVM's).")
            .define(SSL_CIPHER_SUITES, Type.LIST, "", Importance.LOW,
                    "Cipher suites the https:// listeners accept; empty: the JVM's defaults.")
            .define(SSL_CLIENT_AUTHENTICATION, Type.STRING, "NONE", ConfigDef.CaseInsensitiveValidString.in("NONE",
                    "REQUESTED", "REQUIRED"), Importance.MEDIUM,
                    "Client certificates on https:// listeners (mutual TLS): NONE, REQUESTED (asked for, "
                            + "optional) or REQUIRED (a client without a valid one fails the TLS handshake).")
            .define(SSL_PRINCIPAL_MAPPING_RULES, Type.STRING, "DEFAULT", principalRulesValidator(),
                    Importance.LOW,
                    "krest: how a client certificate's subject (RFC 2253) becomes the principal when "
                            + AUTHENTICATION_METHOD + "=NONE; Kafka's ssl.principal.mapping.rules syntax, e.g. "
                            + "RULE:^CN=([^,]+),.*$/$1/L,DEFAULT. DEFAULT: the whole subject.")
            .define(AUTHENTICATION_METHOD, Type.STRING, "NONE", ConfigDef.CaseInsensitiveValidString.in("NONE",
                    "BASIC", "BEARER"), Importance.HIGH,
                    "HTTP authentication: NONE (the principal is the mutual-TLS client certificate's, if any), "
                            + "BASIC (Authorization: Basic) or BEARER (Authorization: Bearer with a JWT). "
                            + "Failures answer 401/40101 with WWW-Authenticate.")
            .define(AUTHENTICATION_REALM, Type.STRING, "krest", Importance.LOW,
                    "The realm in WWW-Authenticate challenges.")
            .define(AUTHENTICATION_SKIP_PATHS, Type.LIST, "/observe/health,/observe/health/*", Importance.LOW,
                    "Paths served without authentication: exact paths, or prefixes ending in /* (krest's default "
                            + "keeps the health probes of load balancers open; Confluent's is empty).")
            .define(AUTHENTICATION_BASIC_PASSWORD_FILE, Type.STRING, "", Importance.HIGH,
                    "krest: file of user:bcrypt-hash lines (bin/krest-passwd or htpasswd -B) that BASIC "
                            + "checks passwords against; re-read when it changes. Empty: BASIC checks nothing "
                            + "itself and passes the credentials on, for Kafka to verify under principal "
                            + "propagation. (Confluent uses a JAAS login module instead.)")
            .define(AUTHENTICATION_VERIFIED_CACHE_MS, Type.LONG, 60_000L, Range.atLeast(0), Importance.LOW,
                    "krest: how long a verified credential is remembered, in ms: a password checked against "
                            + AUTHENTICATION_BASIC_PASSWORD_FILE + " (bcrypt), or a credential Kafka accepted under "
                            + "principal propagation (every request is verified before it acts; a credential "
                            + "Kafka refused is remembered for at most 5 s). 0: verify every request.")
            .define(BEARER_JWKS_ENDPOINT_URL, Type.STRING, "", Importance.HIGH,
                    "krest: JWKS URL with the keys that sign bearer tokens (cached, refreshed as keys rotate); "
                            + "or set " + BEARER_PUBLIC_KEY_LOCATION + " or " + BEARER_SECRET + ".")
            .define(BEARER_JWKS_REFRESH_MS, Type.LONG, 3_600_000L, Range.atLeast(10_000), Importance.LOW,
                    "krest: how long keys from " + BEARER_JWKS_ENDPOINT_URL + " are cached, in ms; a token "
                            + "signed by an unknown key id refreshes them at once.")
            .define(BEARER_PUBLIC_KEY_LOCATION, Type.STRING, "", Importance.HIGH,
                    "krest: PEM file of the RSA or EC public key that signs bearer tokens.")
            .define(BEARER_SECRET, Type.PASSWORD, null, Importance.HIGH,
                    "krest: shared secret of HMAC-signed (HS256/384/512) bearer tokens, at least 32 bytes.")
            .define(BEARER_EXPECTED_ISSUER, Type.STRING, "", Importance.MEDIUM,
                    "krest: the iss a bearer token must have; empty: any.")
            .define(BEARER_EXPECTED_AUDIENCE, Type.LIST, "", Importance.MEDIUM,
                    "krest: audiences of which a bearer token's aud must contain one; empty: any.")
            .define(BEARER_CLOCK_SKEW_SECONDS, Type.INT, 30, Range.atLeast(0), Importance.LOW,
                    "krest: tolerance for exp and nbf of bearer tokens, in seconds.")
            .define(BEARER_SUB_CLAIM_NAME, Type.STRING, "sub", Importance.LOW,
                    "krest: the claim holding a bearer token's principal (a token without it answers 401).")
            .define(ACCESS_CONTROL_ALLOW_ORIGIN, Type.STRING, "", Importance.LOW,
                    "CORS: allowed origins, comma-separated, or *; empty: CORS off.")
            .define(ACCESS_CONTROL_ALLOW_METHODS, Type.STRING, "", Importance.LOW,
                    "CORS: allowed methods, comma-separated; empty: GET, POST, HEAD (Confluent's default).")
            .define(ACCESS_CONTROL_ALLOW_HEADERS, Type.STRING, "", Importance.LOW,
                    "CORS: allowed request headers, comma-separated; empty: X-Requested-With, Content-Type, "
                            + "Accept, Origin (Confluent's default).")
            .define(ACCESS_CONTROL_EXPOSE_HEADERS, Type.STRING, "", Importance.LOW,
                    "CORS: response headers exposed to scripts, comma-separated; empty: none.")
            .define(HSTS_HEADER_ENABLE, Type.BOOLEAN, false, Importance.LOW,
                    "Send Strict-Transport-Security: max-age=31536000 on https:// responses.")
            .define(NOSNIFF_PREVENTION_ENABLE, Type.BOOLEAN, false, Importance.LOW,
                    "Send X-Content-Type-Options: nosniff on every response.")
            .define(REDIS_SSL_TRUSTSTORE_LOCATION, Type.STRING, "", Importance.LOW,
                    "krest: trust store of the CA that signs the rediss:// server's certificate; empty: the "
                            + "JVM's default trust.")
            .define(REDIS_SSL_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                    "krest: password of " + REDIS_SSL_TRUSTSTORE_LOCATION + ".")
            .define(REDIS_SSL_TRUSTSTORE_TYPE, Type.STRING, "JKS", ConfigDef.CaseInsensitiveValidString.in("JKS",
                    "PKCS12", "PEM"), Importance.LOW,
                    "krest: type of " + REDIS_SSL_TRUSTSTORE_LOCATION + ": JKS, PKCS12 or PEM.");

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

    private static ConfigDef.Validator protocolsValidator() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                @SuppressWarnings("unchecked")
                List<String> list = (List<String>) value;
                if (list == null || list.isEmpty()) {
                    throw new ConfigException(name, value, "at least one of TLSv1.3, TLSv1.2 is required");
                }
                for (String protocol : list) {
                    if (!protocol.equals("TLSv1.3") && !protocol.equals("TLSv1.2")) {
                        throw new ConfigException(name, value, "only TLSv1.3 and TLSv1.2 are allowed");
                    }
                }
            }

            @Override
            public String toString() {
                return "[TLSv1.3, TLSv1.2]";
            }
        };
    }

    private static ConfigDef.Validator principalRulesValidator() {
        return (name, value) -> {
            try {
                org.apache.kafka.common.security.ssl.SslPrincipalMapper.fromRules((String) value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        };
    }

    /** @param required whether at least one listener is needed ({@code listeners}) or none is fine */
    private static ConfigDef.Validator listenersValidator(boolean required) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                @SuppressWarnings("unchecked")
                List<String> list = value == null ? List.of() : (List<String>) value;
                if (required && list.isEmpty()) {
                    throw new ConfigException(name, value, "at least one listener is required");
                }
                list.forEach(l -> Listener.parse(name, l));
            }

            @Override
            public String toString() {
                return required ? "http(s)://host:port,..." : "http(s)://host:port,... or empty";
            }
        };
    }

    private static ConfigDef.Validator costsValidator() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                @SuppressWarnings("unchecked")
                List<String> list = (List<String>) value;
                RateLimitCosts.parse(list == null ? List.of() : list);
            }

            @Override
            public String toString() {
                return "name=cost,...";
            }
        };
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
