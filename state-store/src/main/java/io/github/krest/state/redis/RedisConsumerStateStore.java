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
import io.github.krest.state.Subscription;
import io.github.krest.state.SubscriptionConflictException;
import io.github.krest.state.SubscriptionMode;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.resps.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A {@link ConsumerStateStore} in Redis, shared by all proxy replicas (docs/architecture.md, "Redis data model").
 *
 * <p>Every update is one Lua script run atomically by Redis (see the resources next to this class; the key
 * layout is in {@link RedisKeys}). All keys of a group share the hash tag {@code {G}}, and the two global keys have
 * scripts of their own, so every script touches one slot and runs on a Redis Cluster as well as on one server or a
 * Sentinel-watched master. How calls reach Redis, and how their failures map to
 * {@link io.github.krest.state.StateStoreUnavailableException} and {@link io.github.krest.state.StateStoreException},
 * is {@link RedisConnection}'s part.
 *
 * <p>Expiry: an instance is gone for every operation once the caller's {@code nowMs} reaches its deadline (a hash
 * field, mirrored in the group's instance index). Its keys expire in Redis {@code ttlMs + expiryGraceMs} after its
 * last use, so nothing leaks even if no sweep runs; the grace lets a sweep commit the positions of expired
 * instances first. Leases and the sweep lock are also checked against {@code nowMs} and expire in Redis after their
 * duration.
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
    /**
     * Most groups one sweep pass visits (one script call each), so that a pass costs the same at 10,000 groups as at
     * 500; the next pass goes on where this one stopped. Expiry itself does not wait for the sweep (an expired
     * instance is absent to every operation at its deadline): a sweep frees memory and commits the positions of
     * auto-commit instances, at most groups / 500 passes (seconds) late.
     */
    static final int SWEEP_MAX_GROUPS = 500;

    private final RedisStateStoreConfig config;
    private final RedisConnection redis;
    /** Rank in the group index where this replica's next sweep pass starts. */
    private volatile long sweepCursor;

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
        this.redis = new RedisConnection(config, tls);
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
        redis.ping();
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
        // A sorted-set score is a double; epoch milliseconds stay below 2^53, so the cast is exact.
        redis.call(c -> c.zadd(RedisKeys.GROUPS, (double) now, instance.group()));
    }

    @Override
    public Optional<ConsumerInstance> instance(String group, String name, long nowMs) {
        Map<String, String> fields = redis.call(c -> c.hgetAll(RedisKeys.scriptKeys(group, name).get(0)));
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
                               OptionalLong waitMs, long leaseMarginMs, long sessionTimeoutMs, long ttlMs) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(replicaId, "replicaId");
        waitMs.ifPresent(w -> requirePositive(w, "waitMs"));
        if (leaseMarginMs < 0) {
            throw new IllegalArgumentException("leaseMarginMs must be >= 0: " + leaseMarginMs);
        }
        requirePositive(sessionTimeoutMs, "sessionTimeoutMs");
        requirePositive(ttlMs, "ttlMs");
        // an empty wait: the script takes the instance's request timeout from its hash
        List<String> args = args(group, name, nowMs, nowMs + ttlMs, keyTtl(ttlMs), principal, replicaId,
                waitMs.isPresent() ? Long.toString(waitMs.getAsLong()) : "", leaseMarginMs,
                nowMs - sessionTimeoutMs, Math.multiplyExact(nowMs, 1000L));
        List<?> reply = RedisCodec.list(eval(BEGIN_POLL, group, name, args));
        String status = RedisCodec.string(reply.get(0));
        return switch (status) {
            case "NOT_FOUND" -> throw new InstanceNotFoundException(group, name);
            case "BUSY" -> throw new LeaseBusyException(group, name, RedisCodec.string(reply.get(1)),
                    RedisCodec.number(reply.get(2)));
            default -> {
                Map<String, String> fields = RedisCodec.toMap(reply.get(3));
                yield new PollLease(RedisCodec.instance(fields), RedisCodec.number(reply.get(1)),
                        RedisCodec.partitions(RedisCodec.string(reply.get(2))), RedisCodec.positions(reply.get(4)),
                        RedisCodec.number(reply.get(5)), status.equals("REBALANCE"),
                        Long.parseLong(fields.get("last.commit.ms")));
            }
        };
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
        Map<String, String> fields = redis.call(c -> c.hgetAll(RedisKeys.assignment(group)));
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
        return redis.call(c -> c.zrange(RedisKeys.GROUPS, 0, -1)).stream().sorted().toList();
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

    /**
     * {@inheritDoc}
     *
     * <p>Visits at most {@value #SWEEP_MAX_GROUPS} groups of the index per pass, going on from where this replica's
     * last pass stopped.
     */
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
        long from = sweepCursor;
        List<Tuple> batch = redis.call(c -> c.zrangeWithScores(RedisKeys.GROUPS, from, from + SWEEP_MAX_GROUPS - 1));
        int unindexed = 0;
        for (Tuple entry : batch) {
            String group = entry.getElement();
            List<?> reply = RedisCodec.list(eval(SWEEP_GROUP, group, "",
                    args(group, "", nowMs, nowMs - sessionTimeoutMs)));
            for (Object instance : RedisCodec.list(reply.get(1))) {
                removed.add(removed(RedisCodec.list(instance)));
            }
            if (RedisCodec.number(reply.get(0)) == 0) {
                evalScript(UNINDEX_GROUP, List.of(RedisKeys.GROUPS),
                        List.of(group, Long.toString((long) entry.getScore())));
                unindexed++;
            }
        }
        // the next pass goes on after this batch (groups removed from the index moved the later ones up), and
        // starts over once the index was read to its end
        sweepCursor = batch.size() < SWEEP_MAX_GROUPS ? 0 : from + batch.size() - unindexed;
        return List.copyOf(removed);
    }

    @Override
    public void close() {
        redis.close();
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
        return redis.eval(script, keys, args);
    }

    private static void requirePositive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0: " + value);
        }
    }
}
