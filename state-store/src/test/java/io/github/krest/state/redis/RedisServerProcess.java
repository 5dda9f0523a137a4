package io.github.krest.state.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.krest.testing.FreePorts;

/**
 * A real {@code redis-server} process on a free loopback port, for one test class: without persistence
 * ({@link #start()}), or with an fsync-always append-only file so its data survives a restart
 * ({@link #startWithAppendOnlyFile()}), or as a Redis Cluster node ({@link #startClusterNode(List)}).
 *
 * <p>The binary is, in order: {@code $KREST_REDIS_SERVER} (a path, or {@code embedded} to force the fallback);
 * {@code redis-server} on the {@code PATH} (Debian's package: {@code apt-get install redis-server}); else the one
 * shipped inside the embedded-redis test dependency (Redis 6.2), extracted once per JVM. Only the binary of
 * embedded-redis is used, not its Java API.
 *
 * <p>Public, and shipped in this module's test jar, so that the proxy's cluster tests start Redis the same way.
 */
public final class RedisServerProcess implements AutoCloseable {

    /** A cluster node's bus listens at its client port (the TLS one with {@code tls-cluster}) plus this. */
    static final int CLUSTER_BUS_OFFSET = 10_000;

    private static Path executable;

    private final Path dir;
    private final int port;
    private List<String> options;
    private Process process;

    private RedisServerProcess(Path dir, int port, List<String> options) {
        this.dir = dir;
        this.port = port;
        this.options = options;
    }

    /** Starts a server without persistence on a free port and waits until it answers PING. */
    public static RedisServerProcess start() {
        return start(List.of("--appendonly", "no"));
    }

    /**
     * Starts a server on a free port with {@code --appendonly yes --appendfsync always} in its temporary directory,
     * so that every acknowledged write survives {@link #stop()} and {@link #restart()}, and waits until it answers
     * PING.
     */
    public static RedisServerProcess startWithAppendOnlyFile() {
        return start(List.of("--appendonly", "yes", "--appendfsync", "always"));
    }

    /**
     * Starts a server without persistence in cluster mode ({@code --cluster-enabled yes}, its node file in its
     * temporary directory, a node timeout of 2 s) on a port whose cluster bus port is free too, and waits until it
     * answers PING; {@link RedisClusterProcess} joins such nodes into a cluster.
     *
     * @param moreOptions further {@code redis-server} arguments (TLS, ACL users)
     */
    static RedisServerProcess startClusterNode(List<String> moreOptions) {
        List<String> options = new ArrayList<>(List.of("--appendonly", "no", "--cluster-enabled", "yes",
                "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"));
        options.addAll(moreOptions);
        return start(options, FreePorts.nextWith(CLUSTER_BUS_OFFSET));
    }

    /**
     * Starts a server without persistence that replicates {@code master} ({@code --replicaof}), for
     * {@link RedisSentinelProcess}; it answers PING before it has synced.
     *
     * @param master the master's port on loopback
     */
    static RedisServerProcess startReplicaOf(int master) {
        return startReplicaOf(master, List.of("--appendonly", "no"));
    }

    /**
     * Starts a server with {@code options} that replicates {@code master} ({@code --replicaof}), for
     * {@link RedisSentinelProcess}; it answers PING before it has synced.
     *
     * @param master the master's port on loopback
     */
    static RedisServerProcess startReplicaOf(int master, List<String> options) {
        List<String> all = new ArrayList<>(options);
        all.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(master)));
        return start(all);
    }

    /** Starts a server with {@code options} (redis-server arguments) on a free port; waits until it answers PING. */
    static RedisServerProcess startWith(List<String> options) {
        return start(options);
    }

    private static RedisServerProcess start(List<String> options) {
        return start(options, FreePorts.next());
    }

    private static RedisServerProcess start(List<String> options, int port) {
        try {
            RedisServerProcess server = new RedisServerProcess(Files.createTempDirectory("krest-redis"), port,
                    options);
            server.launch();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the loopback port, the same across restarts */
    public int port() {
        return port;
    }

    /** @return {@code redis://127.0.0.1:port} */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Stops the server (SIGTERM, then SIGKILL after 5 s); without the append-only file its data is lost. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** SIGKILLs the server (no shutdown at all: no final write, no goodbye to replicas) and waits until it is gone. */
    public void kill() {
        if (process == null) {
            return;
        }
        try {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Starts the server again (also after {@link #stop()}) on the same port; empty without an append-only file. */
    public void restart() {
        stop();
        launch();
    }

    /**
     * Stops the server if it runs and starts it again on its port with its data (when it has an append-only file),
     * as the replica of the server on loopback port {@code master}, or as a master when empty; its other options stay.
     * Redis keeps a role set at run time ({@code REPLICAOF}, as Sentinel sends) only until it stops, so a restarted
     * server takes the role its command line names.
     */
    void restartAs(OptionalInt master) {
        stop();
        List<String> next = new ArrayList<>();
        for (int i = 0; i < options.size(); i++) {
            if (options.get(i).equals("--replicaof")) {
                i += 2;
            } else {
                next.add(options.get(i));
            }
        }
        master.ifPresent(p -> next.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(p))));
        options = List.copyOf(next);
        launch();
    }

    /** @return whether the process runs (it was not stopped or killed) */
    boolean running() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    private void launch() {
        try {
            Path log = dir.resolve("redis.log");
            List<String> command = new ArrayList<>(List.of(executable().toString(),
                    "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--dir", dir.toString()));
            command.addAll(options);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!answersPing()) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    stop();
                    throw new IllegalStateException("redis-server did not start on port " + port + ":\n"
                            + Files.readString(log));
                }
                Thread.sleep(10);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            // with the default user off, an unauthenticated PING is refused: the server is up all the same
            return "+PONG".equals(line) || (line != null && line.startsWith("-NOAUTH"));
        } catch (IOException e) {
            return false;
        }
    }

    /** @return the redis-server binary the tests run (see the class description) */
    static synchronized Path executable() throws IOException {
        if (executable == null) {
            Optional<String> configured = Optional.ofNullable(System.getenv("KREST_REDIS_SERVER"));
            executable = configured.filter(c -> c.equals("embedded")).isPresent() ? extractEmbedded()
                    : configured.map(Path::of).or(RedisServerProcess::onPath)
                            .orElseGet(RedisServerProcess::extractEmbedded);
        }
        return executable;
    }

    private static Optional<Path> onPath() {
        return Stream.of(Optional.ofNullable(System.getenv("PATH")).orElse("").split(java.io.File.pathSeparator))
                .filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, "redis-server"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static Path extractEmbedded() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        boolean arm = System.getProperty("os.arch").toLowerCase(Locale.ROOT).contains("aarch64");
        List<String> candidates = os.contains("mac")
                ? List.of(arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64")
                : List.of(arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64");
        for (String name : candidates) {
            try (InputStream in = RedisServerProcess.class.getClassLoader().getResourceAsStream(name)) {
                if (in == null) {
                    continue;
                }
                Path target = Files.createTempFile("krest-redis-server", "");
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                target.toFile().setExecutable(true);
                target.toFile().deleteOnExit();
                return target;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no redis-server: install it (apt-get install redis-server), set "
                + "KREST_REDIS_SERVER, or use a platform embedded-redis ships a binary for");
    }
}
