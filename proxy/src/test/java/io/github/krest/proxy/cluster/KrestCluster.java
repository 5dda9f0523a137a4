package io.github.krest.proxy.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.krest.proxy.cluster.NginxProcess.AccessLogEntry;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.state.redis.RedisSentinelProcess;
import io.github.krest.state.redis.RedisServerProcess;
import io.github.krest.testing.FreePorts;

/**
 * krest deployed as docs/architecture.md intends, for one test class: a real {@code redis-server} (or a
 * master and replica watched by Sentinels, {@link Options#withRedisSentinel()}), N krest replica processes sharing
 * it, and a real nginx running the shipped {@code loadbalancer-config/nginx.conf} in front of them, all on free
 * loopback ports, with Kafka from {@link TestKafka} (in the test JVM, reachable from
 * the child processes) unless {@link Options#withKafka} names another.
 *
 * <pre>{@code
 * try (KrestCluster cluster = KrestCluster.start("MyIT", KrestCluster.options())) {
 *     KrestHttp lb = cluster.lb();          // every request goes through nginx
 *     cluster.killReplica(0);               // SIGKILL
 *     cluster.stopReplica(1);               // SIGTERM, waits for the graceful exit
 *     cluster.restartReplica(0);            // same port, waits until it answers
 *     cluster.restartRedis();
 * }
 * }</pre>
 *
 * <p>Each replica gets {@code bootstrap.servers}, {@code listeners=http://127.0.0.1:<port>}, {@code id=replica-<n>},
 * {@code consumer.state.store=redis}, {@code redis.url} (and {@code redis.sentinel.master} with Sentinel),
 * {@code consumer.request.timeout.ms=1000} and
 * {@code producer.linger.ms=0} as {@code KAFKA_REST_*} environment variables, plus {@link Options#env} (which may
 * name another Kafka in {@code KAFKA_REST_BOOTSTRAP_SERVERS}; {@link TestKafka} is then not started). Output goes
 * to {@code proxy/target/cluster-it/<name>/}: {@code replica-<n>.log} and {@code nginx/} (configuration, logs).
 * {@link #close()} stops everything; a JVM shutdown hook kills whatever a failed or interrupted run left.
 * Replica indexes are 0-based; replica {@code i} has {@code id=replica-<i+1>}.
 */
public final class KrestCluster implements AutoCloseable {
    private static final String BOOTSTRAP_SERVERS = "KAFKA_REST_BOOTSTRAP_SERVERS";

    private final Path workDir;
    /** The state store's Redis: one server, or a Sentinel deployment (the other is null). */
    private final RedisServerProcess redis;
    private final RedisSentinelProcess sentinel;
    private final List<KrestReplica> replicas;
    private final NginxProcess nginx;
    private final Thread redisReaper;
    private final KrestHttp lb;

    private KrestCluster(Path workDir, RedisServerProcess redis, RedisSentinelProcess sentinel, Thread redisReaper,
            List<KrestReplica> replicas, NginxProcess nginx) {
        this.workDir = workDir;
        this.redis = redis;
        this.sentinel = sentinel;
        this.redisReaper = redisReaper;
        this.replicas = replicas;
        this.nginx = nginx;
        this.lb = new KrestHttp(nginx.url());
    }

    /** @return the defaults: three replicas, one Redis server without persistence, no extra settings */
    public static Options options() {
        return new Options(3, false, false, Map.of());
    }

    /**
     * What to start.
     *
     * @param replicas number of krest replicas, at least 1
     * @param redisAppendOnly whether Redis keeps an fsync-always append-only file, so its data survives
     *     {@link #restartRedis()}; with Sentinel also {@code min-replicas-to-write 1}, so that a failover loses
     *     nothing the master acknowledged ({@link RedisSentinelProcess#startDurable()})
     * @param redisSentinel whether Redis is a master with a replica watched by three Sentinels
     *     ({@link RedisSentinelProcess}, {@code redis.sentinel.master}) instead of one server
     * @param env extra {@code KAFKA_REST_*} variables for every replica (override the defaults)
     */
    public record Options(int replicas, boolean redisAppendOnly, boolean redisSentinel, Map<String, String> env) {
        public Options {
            if (replicas < 1) {
                throw new IllegalArgumentException("replicas < 1");
            }
            env = Map.copyOf(env);
        }

        /** @return these options with {@code n} replicas */
        public Options withReplicas(int n) {
            return new Options(n, redisAppendOnly, redisSentinel, env);
        }

        /** @return these options with Redis persistence on */
        public Options withRedisAppendOnly() {
            return new Options(replicas, true, redisSentinel, env);
        }

        /** @return these options with a Sentinel-watched master and replica as the state store */
        public Options withRedisSentinel() {
            return new Options(replicas, redisAppendOnly, true, env);
        }

        /** @return these options with the replicas on another Kafka than {@link TestKafka} */
        public Options withKafka(String bootstrapServers) {
            return withEnv(BOOTSTRAP_SERVERS, bootstrapServers);
        }

        /** @return these options plus one {@code KAFKA_REST_*} variable */
        public Options withEnv(String name, String value) {
            Map<String, String> more = new HashMap<>(env);
            more.put(name, value);
            return new Options(replicas, redisAppendOnly, redisSentinel, more);
        }
    }

    /**
     * Starts Redis, the replicas (in parallel) and nginx, and waits until each replica answers {@code GET /} with
     * 200 and nginx accepts connections. Stops what it started if any step fails.
     *
     * @param name the test's name: its output directory under {@code proxy/target/cluster-it/}, emptied first
     * @param options what to start
     * @return the running cluster
     */
    public static KrestCluster start(String name, Options options) {
        Path workDir = ClusterProcesses.workDir(name);
        // the in-JVM test cluster starts only for replicas that use it
        String bootstrap = options.env().containsKey(BOOTSTRAP_SERVERS) ? options.env().get(BOOTSTRAP_SERVERS)
                : TestKafka.bootstrapServers();
        RedisServerProcess redis = null;
        RedisSentinelProcess sentinel = null;
        if (options.redisSentinel()) {
            sentinel = options.redisAppendOnly() ? RedisSentinelProcess.startDurable() : RedisSentinelProcess.start();
        } else {
            redis = options.redisAppendOnly() ? RedisServerProcess.startWithAppendOnlyFile()
                    : RedisServerProcess.start();
        }
        AutoCloseable redisDeployment = sentinel != null ? sentinel : redis;
        // replicas and nginx are reaped by ClusterProcesses; Redis is started by the state-store's own launcher
        Thread redisReaper = new Thread(() -> closeRedis(redisDeployment), "cluster-it-redis-reaper");
        Runtime.getRuntime().addShutdownHook(redisReaper);
        List<KrestReplica> replicas = new ArrayList<>();
        NginxProcess nginx = null;
        try {
            Map<String, String> env = new HashMap<>();
            env.put(BOOTSTRAP_SERVERS, bootstrap);
            env.put("KAFKA_REST_CONSUMER_STATE_STORE", "redis");
            if (sentinel != null) {
                env.put("KAFKA_REST_REDIS_URL", sentinel.url());
                env.put("KAFKA_REST_REDIS_SENTINEL_MASTER", RedisSentinelProcess.MASTER);
            } else {
                env.put("KAFKA_REST_REDIS_URL", redis.url());
            }
            env.put("KAFKA_REST_CONSUMER_REQUEST_TIMEOUT_MS", "1000");
            env.put("KAFKA_REST_PRODUCER_LINGER_MS", "0");
            env.putAll(options.env());
            for (int i = 0; i < options.replicas(); i++) {
                replicas.add(new KrestReplica(i + 1, FreePorts.next(), env, workDir));
            }
            replicas.forEach(KrestReplica::start);
            replicas.forEach(KrestReplica::awaitReady);
            nginx = NginxProcess.start(workDir, FreePorts.next(),
                    replicas.stream().map(KrestReplica::port).toList());
            return new KrestCluster(workDir, redis, sentinel, redisReaper, replicas, nginx);
        } catch (RuntimeException | Error e) {
            if (nginx != null) {
                nginx.close();
            }
            replicas.forEach(KrestReplica::stop);
            closeRedis(redisDeployment);
            removeHook(redisReaper);
            throw e;
        }
    }

    /** @return the load balancer's URL, e.g. {@code http://127.0.0.1:40123}; what clients (and base_uri) use */
    public String lbUrl() {
        return nginx.url();
    }

    /** @return an HTTP client for the load balancer */
    public KrestHttp lb() {
        return lb;
    }

    /** @return the number of replicas */
    public int replicaCount() {
        return replicas.size();
    }

    /** @return replica {@code i}'s own URL (for diagnosis; tests go through {@link #lbUrl()}) */
    public String replicaUrl(int i) {
        return replicas.get(i).url();
    }

    /** @return replica {@code i}'s port */
    public int replicaPort(int i) {
        return replicas.get(i).port();
    }

    /** @return whether replica {@code i}'s process runs */
    public boolean replicaAlive(int i) {
        return replicas.get(i).alive();
    }

    /** @return replica {@code i}'s pid while it runs */
    public long replicaPid(int i) {
        return replicas.get(i).pid();
    }

    /** @return the index of the replica listening on {@code upstream} ({@code 127.0.0.1:port}), if any */
    public Optional<Integer> replicaIndex(String upstream) {
        for (int i = 0; i < replicas.size(); i++) {
            if (upstream.equals("127.0.0.1:" + replicas.get(i).port())) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    /** SIGKILLs replica {@code i} (no graceful shutdown at all) and waits until the process is gone. */
    public void killReplica(int i) {
        replicas.get(i).kill();
    }

    /**
     * Stops replica {@code i} gracefully, as an orchestrator does in a rolling restart: SIGTERM, then waits until the
     * process has exited on its own (it stops accepting, drains in-flight requests for {@code shutdown.graceful.ms},
     * releases its consumer leases and flushes its producer).
     *
     * @return the exit status (143 for a JVM ended by SIGTERM)
     * @throws IllegalStateException if it still runs 30 s after the signal (it is then SIGKILLed)
     */
    public int stopReplica(int i) {
        return replicas.get(i).terminate(java.time.Duration.ofSeconds(30));
    }

    /** Starts replica {@code i} again on its port (after {@link #killReplica} or {@link #stopReplica}) and waits until it answers. */
    public void restartReplica(int i) {
        KrestReplica replica = replicas.get(i);
        if (replica.alive()) {
            replica.stop();
        }
        replica.start();
        replica.awaitReady();
    }

    /** @return the tail of replica {@code i}'s log (all its starts) */
    public String replicaLogTail(int i) {
        return replicas.get(i).tail();
    }

    /**
     * @return {@code redis://127.0.0.1:<port>}, the same across restarts; with {@link Options#withRedisSentinel()} the
     *     Sentinels' URLs, comma-separated
     */
    public String redisUrl() {
        return sentinel != null ? sentinel.url() : redis.url();
    }

    /** Stops Redis (SIGTERM): consumer requests see the outage until {@link #startRedis()}. One server only. */
    public void stopRedis() {
        singleRedis().stop();
    }

    /**
     * Starts Redis again on the same port and waits for PING; its data is back when it has an append-only file. One
     * server only.
     */
    public void startRedis() {
        singleRedis().restart();
    }

    /**
     * {@link #stopRedis()} then {@link #startRedis()}; with Sentinel, the master restarted in place and its replica
     * synced again ({@link RedisSentinelProcess#restartMaster()}).
     */
    public void restartRedis() {
        if (sentinel != null) {
            sentinel.restartMaster();
        } else {
            redis.restart();
        }
    }

    /**
     * A Sentinel failover ({@link Options#withRedisSentinel()} only): the master SIGKILLed, its replica promoted, the
     * killed server back as the new master's replica and synced ({@link RedisSentinelProcess#failover()}).
     *
     * @return the new master's port
     */
    public int failoverRedis() {
        if (sentinel == null) {
            throw new IllegalStateException("no Sentinel: start the cluster with Options.withRedisSentinel()");
        }
        return sentinel.failover();
    }

    /** @return the port of the Redis server that is the master now (the one server without Sentinel) */
    public int redisMasterPort() {
        return sentinel != null ? sentinel.masterPort() : redis.port();
    }

    private RedisServerProcess singleRedis() {
        if (redis == null) {
            throw new IllegalStateException("Redis runs under Sentinel: use restartRedis() or failoverRedis()");
        }
        return redis;
    }

    /** @return every request nginx logged so far, oldest first, with the replica(s) that served it */
    public List<AccessLogEntry> accessLog() {
        return nginx.accessLogEntries();
    }

    /** @return the nginx master's pid */
    public long nginxPid() {
        return nginx.pid();
    }

    /** @return the output directory */
    public Path workDir() {
        return workDir;
    }

    /** Stops nginx, every replica and Redis; safe to call twice. */
    @Override
    public void close() {
        try {
            nginx.close();
        } finally {
            try {
                replicas.forEach(KrestReplica::stop);
            } finally {
                closeRedis(sentinel != null ? sentinel : redis);
                removeHook(redisReaper);
            }
        }
    }

    private static void closeRedis(AutoCloseable redisDeployment) {
        try {
            redisDeployment.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop Redis", e);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to
        }
    }
}
