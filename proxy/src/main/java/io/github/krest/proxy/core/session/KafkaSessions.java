package io.github.krest.proxy.core.session;

import io.github.krest.proxy.core.MetadataService;
import io.github.krest.proxy.core.ProduceService;
import io.github.krest.proxy.core.TrafficMeter;


import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.core.admin.ConsumerGroupAdminService;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.ErrorTable;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.kafka.KafkaClients;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.proxy.kafka.PrincipalPropagation;
import io.github.krest.proxy.kafka.RenewableProducer;
import io.github.krest.state.ConsumerStateStore;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.AuthenticationException;

/**
 * Which {@link KafkaSession} serves a request ({@code kafka.principal.propagation}).
 *
 * <p>NONE: every request gets the one session of the service principal ({@link #service()}), without a lookup.
 * Otherwise each caller gets its own admin client and producer (the producer on its first send), created with the
 * caller's credential and kept in a bounded cache ({@code kafka.principal.cache.max.size}) keyed by principal and a
 * hash of the credential ({@link KafkaIdentity#cacheKey()}), so a wrong password never reuses a good caller's
 * clients. Entries
 * unused for {@code kafka.principal.cache.idle.ms} are evicted; evicted clients are closed on a virtual thread, off
 * the request thread. A session whose clients failed to authenticate is dropped at once ({@link #invalidate}).
 *
 * <p>With propagation on, {@link #verify} has Kafka check a caller's credential before any request of that caller
 * acts (the authentication filter calls it for every request): a credential Kafka accepted is remembered for
 * {@code authentication.verified.cache.ms}, one it refused for at most {@value #REFUSED_TTL_MS} ms, both by
 * {@link KafkaIdentity#cacheKey()}.
 */
public final class KafkaSessions implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(KafkaSessions.class.getName());
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /**
     * How long a credential Kafka refused is answered 401 without asking Kafka again, in ms: a client retrying with
     * a wrong password costs no new clients and handshakes, and a user Kafka learns of shortly after is not shut
     * out for long.
     */
    static final long REFUSED_TTL_MS = 5_000;

    private final KafkaClients clients;
    private final ConsumerStateStore state;
    private final Duration metadataMaxAge;
    private final int recordMaxBytes;
    private final TrafficMeter traffic;
    private final KafkaSession service;
    private final Cache<String, KafkaSession> callers;
    private final Cache<String, Boolean> verified;
    private final Cache<String, String> refused;

    /**
     * @param clients the replica's client factory and the service principal's shared clients
     * @param state krest's consumer state (the v3 consumer group views)
     * @param config {@code metadata.cache.max.age.ms}, {@code produce.record.max.bytes} and the cache settings
     * @param traffic produce traffic counter
     */
    public KafkaSessions(KafkaClients clients, ConsumerStateStore state, KrestConfig config, TrafficMeter traffic) {
        this.clients = clients;
        this.state = state;
        this.metadataMaxAge = Duration.ofMillis(config.getLong(KrestConfig.METADATA_MAX_AGE_MS));
        this.recordMaxBytes = config.getInt(KrestConfig.PRODUCE_RECORD_MAX_BYTES);
        this.traffic = traffic;
        this.service = KafkaSession.of(clients.admin(), clients.producer(),
                new ConsumerGroupAdminService(clients.admin(), state), metadataMaxAge, recordMaxBytes, traffic);
        this.callers = Caffeine.newBuilder()
                .maximumSize(config.getInt(KrestConfig.KAFKA_PRINCIPAL_CACHE_MAX_SIZE))
                .expireAfterAccess(Duration.ofMillis(config.getLong(KrestConfig.KAFKA_PRINCIPAL_CACHE_IDLE_MS)))
                .removalListener((String key, KafkaSession session, RemovalCause cause) -> {
                    if (session != null) {
                        Thread.ofVirtual().name("krest-close-clients").start(() -> closeQuietly(session));
                    }
                })
                .build();
        long verifiedMs = config.getLong(KrestConfig.AUTHENTICATION_VERIFIED_CACHE_MS);
        this.verified = Caffeine.newBuilder().maximumSize(10_000)
                .expireAfterWrite(Duration.ofMillis(verifiedMs)).build();
        this.refused = Caffeine.newBuilder().maximumSize(10_000)
                .expireAfterWrite(Duration.ofMillis(Math.min(verifiedMs, REFUSED_TTL_MS))).build();
    }

    /** @return whether requests act as their callers in Kafka */
    public boolean propagating() {
        return clients.propagation() != PrincipalPropagation.NONE;
    }

    /**
     * The session of the service principal: every request's under NONE; with propagation on, what krest does
     * without a request (expiry sweeps and the commits they make, group assignment, health checks).
     *
     * @return the shared session
     */
    public KafkaSession service() {
        return service;
    }

    /**
     * The session a request runs in.
     *
     * @param identity the request's caller
     * @return {@link #service()} under NONE, else the caller's cached session (created on a miss)
     * @throws io.github.krest.proxy.error.RestException 401/40101 when propagation is on and the caller has no
     *         credential it can use
     */
    public KafkaSession session(KafkaIdentity identity) {
        if (!propagating()) {
            return service;
        }
        return callers.get(identity.cacheKey(), key -> create(identity));
    }

    /**
     * Has Kafka verify a caller's credential, unless it did within {@code authentication.verified.cache.ms}: the
     * caller's session (created on a miss) asks for the cluster id, which needs a completed SASL handshake as the
     * caller and no ACL. A verified session's clients are those the caller's requests then use; Kafka
     * re-authenticates their connections as its {@code connections.max.reauth.ms} says. Concurrent requests with the
     * same credential share one check.
     *
     * @param identity the caller
     * @throws RestException 401/40101 when Kafka refuses the credential (the caller's session is dropped), or when
     *         the propagation mode cannot use the caller's kind of credential; a Kafka failure (unreachable cluster,
     *         time-out) as the error table maps it. Nothing is checked, and nothing thrown, under NONE.
     */
    public void verify(KafkaIdentity identity) {
        if (!propagating()) {
            return;
        }
        String key = identity.cacheKey();
        String refusal = refused.getIfPresent(key);
        if (refusal != null) {
            throw new RestException(ErrorCode.AUTHENTICATION_FAILED, refusal);
        }
        // The cached value is only a marker: a computation that returns (rather than throws) is the verification.
        Boolean unused = verified.get(key, k -> {
            try {
                session(identity).metadata().clusterId();
                return Boolean.TRUE;
            } catch (AuthenticationException e) {
                callers.invalidate(k); // not invalidate(): this runs inside verified's computation of k
                String message = ErrorTable.toResponse(e).message();
                refused.put(k, message);
                throw new RestException(ErrorCode.AUTHENTICATION_FAILED, message);
            }
        });
    }

    /**
     * Drops a caller's session, e.g. after Kafka refused its credentials; its clients are closed, and the next
     * request with that credential is verified again.
     *
     * @param identity the caller
     */
    public void invalidate(KafkaIdentity identity) {
        if (propagating()) {
            callers.invalidate(identity.cacheKey());
            verified.invalidate(identity.cacheKey());
        }
    }

    /** @return how many callers' sessions this replica holds, after evicting idle ones and those over the bound */
    public long size() {
        callers.cleanUp();
        return callers.estimatedSize();
    }

    private KafkaSession create(KafkaIdentity identity) {
        Admin admin = clients.createAdmin(identity);
        return KafkaSession.of(admin, RenewableProducer.lazy(() -> clients.createProducer(identity),
                        "producer of " + identity.principal()),
                new ConsumerGroupAdminService(admin, state, identity.principal()),
                metadataMaxAge, recordMaxBytes, traffic);
    }

    private static void closeQuietly(KafkaSession session) {
        try {
            session.producer().close(CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Closing a caller's producer failed: " + e.getMessage());
        }
        try {
            session.admin().close(CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Closing a caller's admin client failed: " + e.getMessage());
        }
    }

    /** Closes every caller's clients (the shared clients belong to {@link KafkaClients}). */
    @Override
    public void close() {
        callers.asMap().values().forEach(KafkaSessions::closeQuietly);
        callers.asMap().clear();
    }
}
