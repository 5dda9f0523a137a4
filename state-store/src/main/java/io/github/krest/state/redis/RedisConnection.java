package io.github.krest.state.redis;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import io.github.krest.state.StateStoreException;
import io.github.krest.state.StateStoreBusyException;
import io.github.krest.state.StateStoreUnavailableException;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisBroadcastException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.util.Pool;

/**
 * How {@link RedisConsumerStateStore} talks to Redis: the Jedis client for the configured
 * {@link RedisStateStoreConfig.Topology} (one server, a Redis Cluster, or a master found through Redis Sentinel),
 * built by the first call that needs it, and every call's failures mapped to the state store's exceptions.
 *
 * <p>Failures: connection problems, timeouts, an exhausted pool and transient server states (LOADING, BUSY,
 * READONLY after a failover, NOREPLICAS, ...) throw {@link StateStoreUnavailableException} within the configured timeouts; the
 * pool is then emptied, so stale connections (for example after a Redis restart) are not reused. Other server errors
 * throw {@link StateStoreException}. Scripts are sent as EVALSHA with an EVAL fallback on NOSCRIPT, so a restarted
 * or flushed Redis (or a node new to a slot, or a promoted replica) needs no reload step.
 *
 * <p>Thread-safe: the connection pool serves concurrent callers.
 */
final class RedisConnection implements AutoCloseable {
    /**
     * Server errors that mean "not now" rather than "wrong": retriable. NOREPLICAS: a master with
     * {@code min-replicas-to-write} refuses writes while too few replicas are in sync (one is restarting or
     * resyncing, or it was just promoted), so that a failover cannot lose what it acknowledged.
     */
    private static final List<String> TRANSIENT_ERRORS =
            List.of("LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN", "OOM", "NOREPLICAS");

    private final RedisStateStoreConfig config;
    /** Builds the client; cluster and Sentinel clients connect while they are built. */
    private final Supplier<UnifiedJedis> connect;
    private final Object connectLock = new Object();
    private volatile UnifiedJedis client;
    /** Guarded by connectLock: builds begun, and how the last one failed. */
    private volatile long connectAttempts;
    private StateStoreUnavailableException connectFailure;
    private volatile boolean closed;

    /**
     * Does not connect: the first call does, so the proxy can start while Redis is down.
     *
     * @param config where and how to connect
     * @param tls    for {@code rediss://}: the TLS context whose trust managers check the server certificate (the
     *               host name is verified too); empty: the JVM's default trust store
     */
    RedisConnection(RedisStateStoreConfig config, Optional<SSLContext> tls) {
        this.config = Objects.requireNonNull(config, "config");
        JedisClientConfig server = clientConfig(config, tls, config.user(), config.password(), config.database());
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(config.maxConnections());
        pool.setMaxIdle(config.maxConnections());
        pool.setMinIdle(0);
        pool.setMaxWait(Duration.ofMillis(config.connectTimeoutMs()));
        this.connect = switch (config.topology()) {
            case RedisStateStoreConfig.Topology.Server s -> () -> RedisClient.builder()
                    .hostAndPort(config.host(), config.port())
                    .clientConfig(server)
                    .poolConfig(pool)
                    .build();
            case RedisStateStoreConfig.Topology.Cluster c -> () -> cluster(config, server, pool);
            case RedisStateStoreConfig.Topology.Sentinel sentinel -> () -> RedisSentinelClient.builder()
                    .masterName(sentinel.master())
                    .sentinels(nodes(config))
                    .clientConfig(server)
                    .sentinelClientConfig(clientConfig(config, tls, Optional.empty(), sentinel.password(), 0))
                    .poolConfig(pool)
                    .build();
        };
    }

    // deprecation: Jedis's SslOptions builds its own SSL context from key and trust stores; krest's is already built
    // from its TLS settings, and only the socket-factory setters take one.
    @SuppressWarnings("deprecation")
    private static JedisClientConfig clientConfig(RedisStateStoreConfig config, Optional<SSLContext> tls,
                                                  Optional<String> user, Optional<String> password, int database) {
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(config.connectTimeoutMs())
                .socketTimeoutMillis(config.socketTimeoutMs())
                .database(database)
                .clientName("krest");
        if (config.tls() && tls.isPresent()) {
            SSLParameters parameters = new SSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            builder.ssl(true).sslSocketFactory(tls.get().getSocketFactory()).sslParameters(parameters);
        } else if (config.tls()) {
            // SslOptions.defaults(): the JVM's default trust store (javax.net.ssl.trustStore) and full host name
            // verification, the same as the deprecated ssl(true).
            builder.sslOptions(SslOptions.defaults());
        }
        user.ifPresent(builder::user);
        password.ifPresent(builder::password);
        return builder.build();
    }

    private static Set<HostAndPort> nodes(RedisStateStoreConfig config) {
        Set<HostAndPort> nodes = new LinkedHashSet<>();
        config.nodes().forEach(n -> nodes.add(new HostAndPort(n.getHostString(), n.getPort())));
        return nodes;
    }

    /**
     * A cluster client that fails within the socket timeout like the single-server one: Jedis retries a call on
     * another node (MOVED, ASK, a connection failure) up to 5 times, for at most the socket timeout in all, instead
     * of its default of 5 socket timeouts. Building it connects: it reads the slots from the first seed node that
     * answers (see {@link #client()}).
     */
    private static UnifiedJedis cluster(RedisStateStoreConfig config, JedisClientConfig clientConfig,
                                        ConnectionPoolConfig pool) {
        return RedisClusterClient.builder()
                .nodes(nodes(config))
                .clientConfig(clientConfig)
                .poolConfig(pool)
                .maxAttempts(5)
                .maxTotalRetriesDuration(Duration.ofMillis(config.socketTimeoutMs()))
                .build();
    }

    /**
     * The client, built by the first call that needs it. Building a cluster client connects to the seeds and a
     * Sentinel client asks the Sentinels for the master, so it waits for the first call (the proxy starts while
     * Redis is down, as with one server) and is tried again by a later call when it fails. Callers that waited while
     * another built it take that build's failure rather than each trying in turn, so an outage costs one connect
     * attempt per wave of calls.
     *
     * @throws StateStoreUnavailableException if no node answered (unreachable, TLS or login refused)
     */
    private UnifiedJedis client() {
        UnifiedJedis current = client;
        if (current != null) {
            return current;
        }
        long attemptsBefore = connectAttempts;
        synchronized (connectLock) {
            if (client != null) {
                return client;
            }
            if (connectAttempts != attemptsBefore) {
                throw connectFailure;
            }
            connectAttempts++;
            try {
                UnifiedJedis built = connect.get();
                if (closed) {
                    built.close();
                    throw new IllegalStateException("state store is closed");
                }
                client = built;
                return built;
            } catch (JedisException e) {
                StringBuilder reasons = new StringBuilder(String.valueOf(e.getMessage()));
                for (Throwable seed : e.getSuppressed()) {
                    reasons.append("; ").append(seed.getMessage());
                }
                connectFailure = new StateStoreUnavailableException(where()
                        + " could not be reached or refused krest: " + reasons, e);
                throw connectFailure;
            }
        }
    }

    /**
     * Runs one Redis call with its failures mapped. A caller's pending interrupt is set aside for the call and
     * restored after it: a virtual thread's socket I/O fails at once while the flag is set ("Closed by interrupt"),
     * which would break the pooled connection and could lose the reply of a script Redis already ran (a poll
     * interrupted at shutdown could not end its lease). The call is bounded by the socket timeout anyway.
     *
     * @param operation the call, on the client
     * @param <T> its result
     * @return its result
     * @throws StateStoreUnavailableException Redis unreachable, timed out or transiently refusing
     * @throws StateStoreException any other Redis error
     */
    <T> T call(Function<UnifiedJedis, T> operation) {
        if (closed) {
            throw new IllegalStateException("state store is closed");
        }
        boolean interrupted = Thread.interrupted();
        try {
            return operation.apply(client());
        } catch (JedisConnectionException e) {
            discardIdleConnections();
            throw new StateStoreUnavailableException(where() + " is unreachable: " + e.getMessage(), e);
        } catch (JedisBroadcastException e) {
            // a command sent to every master (PING on a cluster) that some master did not answer
            throw new StateStoreUnavailableException(where() + ": not every master answered: " + e.getMessage(), e);
        } catch (JedisDataException e) {
            String message = String.valueOf(e.getMessage());
            if (TRANSIENT_ERRORS.stream().anyMatch(message::startsWith)) {
                if (message.startsWith("READONLY")) {
                    // a demoted master (a Sentinel failover): its connections will not take writes again
                    discardIdleConnections();
                }
                throw new StateStoreUnavailableException("Redis is temporarily unavailable: " + message, e);
            }
            throw new StateStoreException("Redis error: " + message, e);
        } catch (JedisException e) {
            if (e.getCause() instanceof java.util.NoSuchElementException) {
                // the pool had no connection free within its wait: this replica's own load, not Redis failing
                throw new StateStoreBusyException("All " + config.maxConnections() + " Redis connections of this replica "
                        + "stayed busy: " + e.getMessage(), e);
            }
            throw new StateStoreUnavailableException("Redis client failure: " + e.getMessage(), e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Runs a script: EVALSHA, and EVAL when Redis does not know it (restarted, flushed, a new master).
     *
     * @param script the script
     * @param keys its KEYS
     * @param args its ARGV
     * @return its reply
     * @throws StateStoreUnavailableException as {@link #call}
     */
    Object eval(LuaScript script, List<String> keys, List<String> args) {
        return call(redis -> {
            try {
                return redis.evalsha(script.sha(), keys, args);
            } catch (JedisNoScriptException e) {
                return redis.eval(script.source(), keys, args);
            }
        });
    }

    /**
     * Checks that Redis answers. On a cluster the client sends {@code PING} to every master it knows, so one master
     * this replica cannot reach is enough to fail it; with Sentinel it pings the current master.
     *
     * @throws StateStoreUnavailableException if Redis, or any master of the cluster, does not answer
     */
    void ping() {
        call(UnifiedJedis::ping);
    }

    /**
     * @return {@code Redis at host:port}, {@code Redis Cluster at seed,seed} or
     *         {@code Redis master m via Sentinels at s1,s2}, for failure messages
     */
    String where() {
        return switch (config.topology()) {
            case RedisStateStoreConfig.Topology.Server s -> "Redis at " + config.describeNodes();
            case RedisStateStoreConfig.Topology.Cluster c -> "Redis Cluster at " + config.describeNodes();
            case RedisStateStoreConfig.Topology.Sentinel s -> "Redis master " + s.master() + " via Sentinels at "
                    + config.describeNodes();
        };
    }

    /** After a connection failure the idle connections are likely dead too (Redis restarted): do not reuse them. */
    private void discardIdleConnections() {
        try {
            if (client instanceof RedisClient single) {
                single.getPool().clear();
            } else if (client instanceof RedisClusterClient cluster) {
                cluster.getClusterNodes().values().forEach(ConnectionPool::clear);
            } else if (client instanceof RedisSentinelClient sentinel) {
                sentinel.getPrimaryNodesConnectionMap().values().forEach(Pool::clear);
            }
        } catch (RuntimeException ignored) {
            // best effort; a dead connection still fails and is discarded on its next use
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            synchronized (connectLock) {
                if (client != null) {
                    client.close();
                }
            }
        }
    }
}
