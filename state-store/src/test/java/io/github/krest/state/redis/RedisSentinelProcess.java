package io.github.krest.state.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.krest.testing.FreePorts;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A real Redis Sentinel deployment on loopback, for one test class: a master and one replica
 * ({@code redis-server} processes, without persistence unless asked) and three Sentinels
 * ({@code redis-server --sentinel}) that monitor the master as {@value #MASTER} with a quorum of two, declare it down after 1 s and fail over within
 * seconds. {@link #killMaster()} SIGKILLs the current master; the Sentinels then promote the replica.
 * {@link #failover()} does that and brings the killed server back as a replica; {@link #restartMaster()} restarts
 * the master in place. {@link #startDurable()} keeps data across restarts and acknowledged writes across failovers.
 *
 * <p>Public, and shipped in this module's test jar, so that the proxy's tests use the same deployment.
 */
public final class RedisSentinelProcess implements AutoCloseable {
    /** The name the Sentinels monitor the master under. */
    public static final String MASTER = "krest-master";

    private final List<RedisServerProcess> servers;
    private final List<Process> sentinels = new ArrayList<>();
    private final List<Integer> sentinelPorts = new ArrayList<>();
    private final Path dir;

    private RedisSentinelProcess(List<RedisServerProcess> servers, Path dir) {
        this.servers = servers;
        this.dir = dir;
    }

    /** Starts the master, the replica and three Sentinels, and waits until every Sentinel sees the replica. */
    public static RedisSentinelProcess start() {
        return start(List.of("--appendonly", "no"));
    }

    /**
     * As {@link #start()}, configured so that no restart or failover loses an acknowledged write:
     * <ul>
     *   <li>both servers keep an fsync-always append-only file, so that a master restarted in place
     *       ({@link #restartMaster()}) comes back with its data (one that came back empty would empty its replica
     *       too);</li>
     *   <li>{@code min-replicas-to-write 1}, {@code min-replicas-max-lag 10}: a master refuses writes (NOREPLICAS)
     *       while its replica is not in sync, so that nothing it acknowledges exists on it alone. Without it, a
     *       master restarted while the Sentinels fail over took writes that its promoted replica never saw, and
     *       lost them when it became that replica's replica (the soak saw 4 s of consumer positions roll back).</li>
     * </ul>
     */
    public static RedisSentinelProcess startDurable() {
        return start(List.of("--appendonly", "yes", "--appendfsync", "always", "--min-replicas-to-write", "1",
                "--min-replicas-max-lag", "10"));
    }

    private static RedisSentinelProcess start(List<String> options) {
        RedisServerProcess master = RedisServerProcess.startWith(options);
        RedisServerProcess replica = RedisServerProcess.startReplicaOf(master.port(), options);
        RedisSentinelProcess deployment;
        try {
            deployment = new RedisSentinelProcess(List.of(master, replica),
                    Files.createTempDirectory("krest-sentinel"));
        } catch (IOException e) {
            master.close();
            replica.close();
            throw new UncheckedIOException(e);
        }
        try {
            for (int i = 0; i < 3; i++) {
                deployment.startSentinel(i, master.port());
            }
            deployment.awaitReplicaSeen();
            return deployment;
        } catch (RuntimeException e) {
            deployment.close();
            throw e;
        }
    }

    private void startSentinel(int i, int masterPort) {
        int port = FreePorts.next();
        Path conf = dir.resolve("sentinel-" + i + ".conf");
        try {
            Files.writeString(conf, String.join("\n",
                    "port " + port,
                    "bind 127.0.0.1",
                    "dir " + dir,
                    "sentinel monitor " + MASTER + " 127.0.0.1 " + masterPort + " 2",
                    "sentinel down-after-milliseconds " + MASTER + " 1000",
                    "sentinel failover-timeout " + MASTER + " 5000",
                    "sentinel parallel-syncs " + MASTER + " 1", ""), StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(RedisServerProcess.executable().toString(), conf.toString(),
                    "--sentinel")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("sentinel-" + i + ".log").toFile())
                    .start();
            sentinels.add(process);
            sentinelPorts.add(port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReplicaSeen() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int port : sentinelPorts) {
            while (true) {
                try (Jedis sentinel = new Jedis("127.0.0.1", port, 500)) {
                    if (!sentinel.sentinelReplicas(MASTER).isEmpty()
                            && sentinel.sentinelSentinels(MASTER).size() == 2) {
                        break;
                    }
                } catch (RuntimeException notYet) {
                    // not up, or not yet told of the replica and the other Sentinels
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Sentinel on port " + port + " never saw the replica and its "
                            + "peers");
                }
                sleep(Duration.ofMillis(100));
            }
        }
    }

    /** @return {@code redis://127.0.0.1:s1,redis://127.0.0.1:s2,redis://127.0.0.1:s3}: the Sentinels */
    public String url() {
        return sentinelPorts.stream().map(p -> "redis://127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** @return the port of the master the Sentinels name now */
    public int masterPort() {
        try (Jedis sentinel = new Jedis("127.0.0.1", sentinelPorts.getFirst(), 1000)) {
            return HostAndPort.from(String.join(":", sentinel.sentinelGetMasterAddrByName(MASTER))).getPort();
        }
    }

    /** Waits until the master has sent everything it acknowledged to the replica ({@code WAIT 1}). */
    public void awaitReplicated() {
        awaitReplicated(Duration.ofSeconds(5));
    }

    /**
     * Waits until the master the Sentinels name has a replica online that holds everything the master acknowledged
     * ({@code WAIT 1}): after a restart or a failover, until the replica has synced.
     *
     * @throws IllegalStateException when that takes longer than {@code timeout}
     */
    public void awaitReplicated(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try (Jedis master = new Jedis("127.0.0.1", masterPort(), 1000)) {
                if (master.waitReplicas(1, 500) >= 1) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // the master or a Sentinel is (re)starting
                last = notYet;
            }
            sleep(Duration.ofMillis(100));
        }
        throw new IllegalStateException("the replica did not acknowledge the master's writes in " + timeout, last);
    }

    /**
     * Restarts the current master in place, as an operator restarts a server: SIGTERM (Redis lets its replica
     * catch up, then exits), then the same server on its port as a master, with its data when it has an
     * append-only file; waits until the replica has synced again. Should the Sentinels fail over meanwhile (the
     * master gone longer than their {@code down-after-milliseconds}), they make the restarted server a replica of
     * the new master, and this waits for that.
     *
     * @return the restarted server's port
     */
    public int restartMaster() {
        int port = masterPort();
        server(port).restartAs(OptionalInt.empty());
        awaitReplicated(Duration.ofSeconds(60));
        return port;
    }

    /**
     * A failover as the Sentinels do it when the master dies: SIGKILLs the current master, waits until they promote
     * the replica, then starts the killed server again on its port as a replica of the new master (the Sentinels
     * would make it one anyway; started as one it never serves as a master meanwhile) and waits until it has synced,
     * so that the deployment can fail over again.
     *
     * @return the new master's port
     */
    public int failover() {
        int old = masterPort();
        int now = killMaster();
        server(old).restartAs(OptionalInt.of(now));
        awaitReplicated(Duration.ofSeconds(60));
        return now;
    }

    private RedisServerProcess server(int port) {
        return servers.stream().filter(s -> s.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("no server of this deployment on port " + port));
    }

    /**
     * SIGKILLs the current master and waits until the Sentinels name another one.
     *
     * @return the new master's port
     */
    public int killMaster() {
        int old = masterPort();
        server(old).kill();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                int now = masterPort();
                if (now != old) {
                    return now;
                }
            } catch (RuntimeException notYet) {
                // a Sentinel busy with the failover
            }
            sleep(Duration.ofMillis(100));
        }
        throw new IllegalStateException("the Sentinels did not promote the replica within 30 s");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (Process sentinel : sentinels) {
            sentinel.destroyForcibly();
        }
        servers.forEach(RedisServerProcess::close);
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
