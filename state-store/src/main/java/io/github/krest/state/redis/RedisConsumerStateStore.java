package io.github.krest.state.redis;

import io.github.krest.state.AssignmentUpdate;
import io.github.krest.state.ConsumerInstance;
import io.github.krest.state.ConsumerStateStore;
import io.github.krest.state.GroupAssignment;
import io.github.krest.state.GroupMembership;
import io.github.krest.state.InstanceDescription;
import io.github.krest.state.InstanceExistsException;
import io.github.krest.state.InstanceNotFoundException;
import io.github.krest.state.LeaseBusyException;
import io.github.krest.state.PartitionRef;
import io.github.krest.state.PollLease;
import io.github.krest.state.RemovedInstance;
import io.github.krest.state.StateStoreException;
import io.github.krest.state.StateStoreUnavailableException;
import io.github.krest.state.Subscription;
import io.github.krest.state.SubscriptionConflictException;
import io.github.krest.state.SubscriptionMode;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisBroadcastException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.resps.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A {@link ConsumerStateStore} in Redis, shared by all proxy replicas (design note, "State").
 *
 * <p>Every update is one Lua script run atomically by Redis (see the resources next to this class; the key
 * layout is in {@link RedisKeys}). All keys of a group share the hash tag {@code {G}}, and the two global keys have
 * scripts of their own, so every script touches one slot and runs on a Redis Cluster as well as on one server:
 * with {@link RedisStateStoreConfig#cluster()} the store is a cluster client (Jedis {@link RedisClusterClient},
 * which routes each call to the master of its slot and follows MOVED and ASK), else it connects to one server.
 *
 * <p>Expiry: an instance is gone for every operation once the caller's {@code nowMs} reaches its deadline (a hash
 * field, mirrored in the group's instance index). Its keys expire in Redis {@code ttlMs + expiryGraceMs} after its
 * last use, so nothing leaks even if no sweep runs; the grace lets a sweep commit the positions of expired
 * instances first. Leases and the sweep lock are also checked against {@code nowMs} and expire in Redis after their
 * duration.
 *
 * <p>Failures: connection problems, timeouts, an exhausted pool and transient server states (LOADING, BUSY, ...)
 * throw {@link StateStoreUnavailableException} within the configured timeouts; the pool is then emptied, so stale
 * connections (for example after a Redis restart) are not reused. On a cluster a call is retried on the slot's new
 * master (after a failover or resharding) for at most the socket timeout in all. Scripts are sent as EVALSHA with
 * an EVAL fallback on NOSCRIPT, so a restarted or flushed Redis (or a node new to a slot) needs no reload step.
 *
 * <p>Thread-safe: the connection pool serves concurrent callers.
 */
public final class RedisConsumerStateStore implements ConsumerStateStore {

    private static final LuaScript CREATE = LuaScript.groupScoped("create_instance");
    private static final LuaScript TOUCH = LuaScript.groupScoped("touch_instance");
    private static final LuaScript DELETE = LuaScript.groupScoped("delete_instance");
    private static final LuaScript UPDATE_SUBSCRIPTION = LuaScript.groupScoped("update_subscription");
    private static final LuaScript BEGIN_POLL = LuaScript.groupScoped("begin_poll");
    private static final LuaScript END_POLL = LuaScript.groupScoped("end_poll");
    private static final LuaScript POSITIONS = LuaScript.groupScoped("positions");
    private static final LuaScript MEMBERSHIP = LuaScript.groupScoped("membership");
    private static final LuaScript STORE_ASSIGNMENT = LuaScript.groupScoped("store_assignment");
    private static final LuaScript RECORD_COMMIT = LuaScript.groupScoped("record_commit");
    private static final LuaScript RELEASE_HANDOVER = LuaScript.groupScoped("release_handover");
    private static final LuaScript DESCRIBE_GROUP = LuaScript.groupScoped("describe_group");
    private static final LuaScript SWEEP_GROUP = LuaScript.groupScoped("sweep_group");
    private static final LuaScript SWEEP_LOCK = LuaScript.standalone("sweep_lock");
    private static final LuaScript UNINDEX_GROUP = LuaScript.standalone("unindex_group");

    /** Server errors that mean "not now" rather than "wrong": retriable. */
    private static final List<String> TRANSIENT_ERRORS =
            List.of("LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN", "OOM");

    private final RedisStateStoreConfig config;
    /** Builds the client; a cluster client connects while it is built (it reads the slots from a seed). */
    private final Supplier<UnifiedJedis> connect;
    private final Object connectLock = new Object();
    private volatile UnifiedJedis client;
    /** Guarded by connectLock: builds begun, and how the last one failed. */
    private volatile long connectAttempts;
    private StateStoreUnavailableException connectFailure;
    private volatile boolean closed;

    /**
     * Creates the store. Does not connect: the first operation does, so the proxy can start while Redis is down.
     *
     * @param config where and how to connect
     */
    public RedisConsumerStateStore(RedisStateStoreConfig config) {
        this(config, Optional.empty());
    }

    /**
     * Creates the store. Does not connect: the first operation does, so the proxy can start while Redis is down.
     *
     * @param config where and how to connect
     * @param tls    for {@code rediss://}: the TLS context whose trust managers check the server certificate (the
     *               host name is verified too); empty: the JVM's default trust store
     */
    public RedisConsumerStateStore(RedisStateStoreConfig config, Optional<javax.net.ssl.SSLContext> tls) {
        this.config = Objects.requireNonNull(config, "config");
        DefaultJedisClientConfig.Builder clientConfig = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(config.connectTimeoutMs())
                .socketTimeoutMillis(config.socketTimeoutMs())
                .database(config.database())
                .clientName("krest");
        if (config.tls() && tls.isPresent()) {
            javax.net.ssl.SSLParameters parameters = new javax.net.ssl.SSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            clientConfig.ssl(true).sslSocketFactory(tls.get().getSocketFactory()).sslParameters(parameters);
        } else if (config.tls()) {
            // SslOptions.defaults(): the JVM's default trust store (javax.net.ssl.trustStore) and full host name
            // verification, the same as the deprecated ssl(true).
            clientConfig.sslOptions(SslOptions.defaults());
        }
        config.user().ifPresent(clientConfig::user);
        config.password().ifPresent(clientConfig::password);
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(config.maxConnections());
        pool.setMaxIdle(config.maxConnections());
        pool.setMinIdle(0);
        pool.setMaxWait(Duration.ofMillis(config.connectTimeoutMs()));
        JedisClientConfig built = clientConfig.build();
        this.connect = config.cluster() ? () -> cluster(config, built, pool)
                : () -> RedisClient.builder()
                        .hostAndPort(config.host(), config.port())
                        .clientConfig(built)
                        .poolConfig(pool)
                        .build();
    }

    /**
     * The client, built by the first call that needs it. Building a cluster client connects to the seeds, so it
     * waits for the first call (the proxy starts while the cluster is down, as with one server) and is tried again
     * by a later call when it fails. Callers that waited while another built it take that build's failure rather
     * than each trying in turn, so an outage costs one connect attempt per wave of calls.
     *
     * @throws StateStoreUnavailableException if no seed node answered (unreachable, TLS or login refused)
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
     * A cluster client that fails within the socket timeout like the single-server one: Jedis retries a call on
     * another node (MOVED, ASK, a connection failure) up to 5 times, for at most the socket timeout in all, instead
     * of its default of 5 socket timeouts. Building it connects: it reads the slots from the first seed node that
     * answers (see {@link #client()}).
     */
    private static UnifiedJedis cluster(RedisStateStoreConfig config, JedisClientConfig clientConfig,
                                        ConnectionPoolConfig pool) {
        LinkedHashSet<HostAndPort> seeds = new LinkedHashSet<>();
        config.nodes().forEach(n -> seeds.add(new HostAndPort(n.getHostString(), n.getPort())));
        return RedisClusterClient.builder()
                .nodes(seeds)
                .clientConfig(clientConfig)
                .poolConfig(pool)
                .maxAttempts(5)
                .maxTotalRetriesDuration(Duration.ofMillis(config.socketTimeoutMs()))
                .build();
    }

    /** @return the configuration this store was created with */
    public RedisStateStoreConfig config() {
        return config;
    }

    /**
     * Checks that Redis answers, for a readiness probe. On a cluster the client sends {@code PING} to every master
     * it knows, so one master this replica cannot reach is enough to fail it.
     *
     * @throws StateStoreUnavailableException if Redis, or any master of the cluster, does not answer
     */
    @Override
    public void ping() {
        call(() -> client().ping());
    }

    @Override
    public void createInstance(ConsumerInstance instance, long ttlMs) {
        Objects.requireNonNull(instance, "instance");
        if (instance.subscription().mode() != SubscriptionMode.NONE) {
            throw new IllegalArgumentException("an instance is created without a subscription");
        }
        requirePositive(ttlMs, "ttlMs");
        long now = instance.createdMs();
        List<String> args = args(instance.group(), instance.name(), now, now + ttlMs, keyTtl(ttlMs));
        args.addAll(RedisCodec.instanceFields(instance));
        if (RedisCodec.number(eval(CREATE, instance.group(), instance.name(), args)) == 0) {
            throw new InstanceExistsException(instance.group(), instance.name());
        }
        // Indexed after the create: a sweep that found the group empty just before re-reads a changed score and
        // keeps the group (see unindex_group.lua).
        call(() -> client().zadd(RedisKeys.GROUPS, now, instance.group()));
    }

    @Override
    public Optional<ConsumerInstance> instance(String group, String name, long nowMs) {
        Map<String, String> fields = call(() -> client().hgetAll(RedisKeys.scriptKeys(group, name).get(0)));
        String expires = fields.get("expires.ms");
        if (expires == null || Long.parseLong(expires) <= nowMs) {
            return Optional.empty();
        }
        return Optional.of(RedisCodec.instance(fields));
    }

    @Override
    public void touch(String group, String name, long nowMs, long ttlMs) {
        requirePositive(ttlMs, "ttlMs");
        if (RedisCodec.number(eval(TOUCH, group, name, args(group, name, nowMs, nowMs + ttlMs, keyTtl(ttlMs))))
                == 0) {
            throw new InstanceNotFoundException(group, name);
        }
    }

    @Override
    public RemovedInstance deleteInstance(String group, String name, long nowMs) {
        List<?> reply = RedisCodec.list(eval(DELETE, group, name, args(group, name, nowMs)));
        if (reply.isEmpty()) {
            throw new InstanceNotFoundException(group, name);
        }
        return removed(reply);
    }

    @Override
    public Map<PartitionRef, Long> updateSubscription(String group, String name, Subscription subscription,
                                                      long nowMs, long ttlMs) {
        Objects.requireNonNull(subscription, "subscription");
        requirePositive(ttlMs, "ttlMs");
        List<String> args = args(group, name, nowMs, nowMs + ttlMs, keyTtl(ttlMs), subscription.mode().name(),
                String.join(",", subscription.topics()), subscription.pattern().orElse(""),
                RedisCodec.csv(subscription.partitions()));
        List<?> reply = RedisCodec.list(eval(UPDATE_SUBSCRIPTION, group, name, args));
        return switch (RedisCodec.string(reply.get(0))) {
            case "OK" -> Map.copyOf(RedisCodec.positions(reply.get(1)));
            case "CONFLICT" -> throw new SubscriptionConflictException(group, name,
                    SubscriptionMode.valueOf(RedisCodec.string(reply.get(1))), subscription.mode());
            default -> throw new InstanceNotFoundException(group, name);
        };
    }

    @Override
    public PollLease beginPoll(String group, String name, String principal, String replicaId, long nowMs,
                               long leaseMs, long sessionTimeoutMs, long ttlMs) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(replicaId, "replicaId");
        requirePositive(leaseMs, "leaseMs");
        requirePositive(sessionTimeoutMs, "sessionTimeoutMs");
        requirePositive(ttlMs, "ttlMs");
        List<String> args = args(group, name, nowMs, nowMs + ttlMs, keyTtl(ttlMs), principal, replicaId,
                nowMs + leaseMs, leaseMs, nowMs - sessionTimeoutMs, Math.multiplyExact(nowMs, 1000L));
        List<?> reply = RedisCodec.list(eval(BEGIN_POLL, group, name, args));
        String status = RedisCodec.string(reply.get(0));
        switch (status) {
            case "NOT_FOUND" -> throw new InstanceNotFoundException(group, name);
            case "BUSY" -> throw new LeaseBusyException(group, name, RedisCodec.string(reply.get(1)),
                    RedisCodec.number(reply.get(2)));
            default -> {
                Map<String, String> fields = RedisCodec.toMap(reply.get(3));
                return new PollLease(RedisCodec.instance(fields), RedisCodec.number(reply.get(1)),
                        RedisCodec.partitions(RedisCodec.string(reply.get(2))), RedisCodec.positions(reply.get(4)),
                        RedisCodec.number(reply.get(5)), status.equals("REBALANCE"),
                        Long.parseLong(fields.get("last.commit.ms")));
            }
        }
    }

    @Override
    public boolean endPoll(String group, String name, long fencingToken, Map<PartitionRef, Long> positions) {
        List<String> args = args(group, name, fencingToken);
        args.addAll(RedisCodec.positionArgs(positions));
        return RedisCodec.number(eval(END_POLL, group, name, args)) == 1;
    }

    @Override
    public Map<PartitionRef, Long> positions(String group, String name, long nowMs) {
        List<?> reply = RedisCodec.list(eval(POSITIONS, group, name, args(group, name, nowMs)));
        if (!RedisCodec.string(reply.get(0)).equals("OK")) {
            throw new InstanceNotFoundException(group, name);
        }
        return Map.copyOf(RedisCodec.positions(reply.get(1)));
    }

    @Override
    public GroupMembership membership(String group) {
        List<?> reply = RedisCodec.list(eval(MEMBERSHIP, group, "", args(group, "")));
        Map<String, Subscription> members = new HashMap<>();
        RedisCodec.toMap(reply.get(1)).forEach((member, d) -> members.put(member, RedisCodec.descriptor(d)));
        return new GroupMembership(group, members, RedisCodec.string(reply.get(0)));
    }

    @Override
    public GroupAssignment assignment(String group) {
        Map<String, String> fields = call(() -> client().hgetAll(RedisKeys.assignment(group)));
        if (!fields.containsKey("generation")) {
            return GroupAssignment.EMPTY;
        }
        Map<String, List<PartitionRef>> partitions = new HashMap<>();
        fields.forEach((field, value) -> {
            if (field.startsWith("m:")) {
                partitions.put(field.substring(2), RedisCodec.partitions(value));
            }
        });
        return new GroupAssignment(Long.parseLong(fields.get("generation")), fields.get("fingerprint"), partitions);
    }

    @Override
    public AssignmentUpdate storeAssignment(String group, String expectedFingerprint, long newGeneration,
                                            Map<String, List<PartitionRef>> partitions) {
        Objects.requireNonNull(expectedFingerprint, "expectedFingerprint");
        // Validates and normalises (sorted, distinct) the proposal the same way the in-memory store does.
        GroupAssignment proposed = new GroupAssignment(newGeneration, expectedFingerprint, partitions);
        List<String> args = args(group, "", expectedFingerprint, newGeneration);
        proposed.partitions().forEach((member, list) -> {
            if (member.isEmpty()) {
                throw new IllegalArgumentException("member name must not be empty");
            }
            args.add(member);
            args.add(RedisCodec.csv(list));
        });
        List<?> reply = RedisCodec.list(eval(STORE_ASSIGNMENT, group, "", args));
        if (RedisCodec.number(reply.get(0)) == 0) {
            return AssignmentUpdate.REJECTED;
        }
        Map<String, Map<PartitionRef, Long>> revoked = new HashMap<>();
        List<?> triples = RedisCodec.list(reply.get(1));
        for (int i = 0; i + 2 < triples.size(); i += 3) {
            revoked.computeIfAbsent(RedisCodec.string(triples.get(i)), m -> new HashMap<>())
                    .put(RedisCodec.partition(RedisCodec.string(triples.get(i + 1))),
                            RedisCodec.number(triples.get(i + 2)));
        }
        return new AssignmentUpdate(true, revoked);
    }

    @Override
    public void releaseHandover(String group, Map<PartitionRef, Long> committed) {
        List<String> args = args(group, "");
        args.addAll(RedisCodec.positionArgs(committed));
        if (!committed.isEmpty()) {
            eval(RELEASE_HANDOVER, group, "", args);
        }
    }

    @Override
    public void recordCommit(String group, String name, long commitMs) {
        if (RedisCodec.number(eval(RECORD_COMMIT, group, name, args(group, name, commitMs))) == 0) {
            throw new InstanceNotFoundException(group, name);
        }
    }

    @Override
    public List<String> groups() {
        return call(() -> client().zrange(RedisKeys.GROUPS, 0, -1)).stream().sorted().toList();
    }

    @Override
    public List<InstanceDescription> instances(String group, long nowMs) {
        List<InstanceDescription> instances = new ArrayList<>();
        for (Object entry : RedisCodec.list(eval(DESCRIBE_GROUP, group, "", args(group, "", nowMs)))) {
            List<?> pair = RedisCodec.list(entry);
            Map<String, String> fields = RedisCodec.toMap(pair.get(0));
            instances.add(new InstanceDescription(RedisCodec.instance(fields),
                    Long.parseLong(fields.get("expires.ms")), Long.parseLong(fields.get("last.commit.ms")),
                    RedisCodec.partitions(RedisCodec.string(pair.get(1)))));
        }
        instances.sort((a, b) -> a.instance().name().compareTo(b.instance().name()));
        return List.copyOf(instances);
    }

    @Override
    public List<RemovedInstance> sweepExpired(String replicaId, long nowMs, long lockMs, long sessionTimeoutMs) {
        Objects.requireNonNull(replicaId, "replicaId");
        requirePositive(lockMs, "lockMs");
        requirePositive(sessionTimeoutMs, "sessionTimeoutMs");
        Object locked = evalScript(SWEEP_LOCK, List.of(RedisKeys.SWEEP_LOCK),
                List.of(replicaId, Long.toString(nowMs), Long.toString(nowMs + lockMs), Long.toString(lockMs)));
        if (RedisCodec.number(locked) == 0) {
            return List.of();
        }
        List<RemovedInstance> removed = new ArrayList<>();
        for (Tuple entry : call(() -> client().zrangeWithScores(RedisKeys.GROUPS, 0, -1))) {
            String group = entry.getElement();
            List<?> reply = RedisCodec.list(eval(SWEEP_GROUP, group, "",
                    args(group, "", nowMs, nowMs - sessionTimeoutMs)));
            for (Object instance : RedisCodec.list(reply.get(1))) {
                removed.add(removed(RedisCodec.list(instance)));
            }
            if (RedisCodec.number(reply.get(0)) == 0) {
                evalScript(UNINDEX_GROUP, List.of(RedisKeys.GROUPS),
                        List.of(group, Long.toString((long) entry.getScore())));
            }
        }
        return List.copyOf(removed);
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

    private static RemovedInstance removed(List<?> pair) {
        return new RemovedInstance(RedisCodec.instance(RedisCodec.toMap(pair.get(0))),
                RedisCodec.positions(pair.get(1)));
    }

    /** @return ARGV of a group-scoped script: the key prefix, the instance name, then {@code rest} as strings */
    private static List<String> args(String group, String name, Object... rest) {
        List<String> args = new ArrayList<>(rest.length + 8);
        args.add(RedisKeys.groupPrefix(group));
        args.add(name);
        for (Object value : rest) {
            args.add(value.toString());
        }
        return args;
    }

    private long keyTtl(long ttlMs) {
        return Math.addExact(ttlMs, config.expiryGraceMs());
    }

    private Object eval(LuaScript script, String group, String name, List<String> args) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(name, "name");
        return evalScript(script, RedisKeys.scriptKeys(group, name), args);
    }

    private Object evalScript(LuaScript script, List<String> keys, List<String> args) {
        return call(() -> {
            try {
                return client().evalsha(script.sha(), keys, args);
            } catch (JedisNoScriptException e) {
                return client().eval(script.source(), keys, args);
            }
        });
    }

    /**
     * Runs one Redis call with its failures mapped. A caller's pending interrupt is set aside for the call and
     * restored after it: a virtual thread's socket I/O fails at once while the flag is set ("Closed by interrupt"),
     * which would break the pooled connection and could lose the reply of a script Redis already ran (a poll
     * interrupted at shutdown could not end its lease). The call is bounded by the socket timeout anyway.
     */
    private <T> T call(Supplier<T> operation) {
        if (closed) {
            throw new IllegalStateException("state store is closed");
        }
        boolean interrupted = Thread.interrupted();
        try {
            return operation.get();
        } catch (JedisConnectionException e) {
            discardIdleConnections();
            throw new StateStoreUnavailableException(where() + " is unreachable: " + e.getMessage(), e);
        } catch (JedisBroadcastException e) {
            // a command sent to every master (PING on a cluster) that some master did not answer
            throw new StateStoreUnavailableException(where() + ": not every master answered: " + e.getMessage(), e);
        } catch (JedisDataException e) {
            String message = String.valueOf(e.getMessage());
            if (TRANSIENT_ERRORS.stream().anyMatch(message::startsWith)) {
                throw new StateStoreUnavailableException("Redis is temporarily unavailable: " + message, e);
            }
            throw new StateStoreException("Redis error: " + message, e);
        } catch (JedisException e) {
            // Pool exhausted (no connection within connectTimeoutMs) and other client-side failures.
            throw new StateStoreUnavailableException("Redis client failure: " + e.getMessage(), e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return {@code Redis at host:port} or {@code Redis Cluster at seed,seed}, for failure messages */
    private String where() {
        return (config.cluster() ? "Redis Cluster at " : "Redis at ") + config.describeNodes();
    }

    /** After a connection failure the idle connections are likely dead too (Redis restarted): do not reuse them. */
    private void discardIdleConnections() {
        try {
            if (client instanceof RedisClient single) {
                single.getPool().clear();
            } else if (client instanceof RedisClusterClient cluster) {
                cluster.getClusterNodes().values().forEach(ConnectionPool::clear);
            }
        } catch (RuntimeException ignored) {
            // best effort; a dead connection still fails and is discarded on its next use
        }
    }

    private static void requirePositive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0: " + value);
        }
    }
}
