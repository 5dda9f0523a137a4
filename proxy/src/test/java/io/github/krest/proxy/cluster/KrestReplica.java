package io.github.krest.proxy.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One krest replica: {@code java -jar proxy/target/krest-proxy.jar} as its own operating-system process on a fixed
 * loopback port, configured through {@code KAFKA_REST_*} environment variables as in Confluent's Docker images.
 * It keeps its port across {@link #kill()} and {@link #start()}, so a load balancer sees the same server come back.
 *
 * <p>The JVM is the one running the test ({@code ProcessHandle.current().info().command()}). Output of every start
 * is appended to {@code <workDir>/replica-<n>.log}, each start headed by a marker line.
 */
final class KrestReplica {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final int number;
    private final int port;
    private final Map<String, String> env;
    private final Path log;
    private Process process;
    private int starts;

    /**
     * @param number 1-based replica number, used in its {@code id} ({@code replica-<n>}) and log name
     * @param port loopback port to listen on
     * @param env {@code KAFKA_REST_*} settings besides {@code listeners} and {@code id}
     * @param workDir where the log goes
     */
    KrestReplica(int number, int port, Map<String, String> env, Path workDir) {
        this.number = number;
        this.port = port;
        this.env = Map.copyOf(env);
        this.log = workDir.resolve("replica-" + number + ".log");
    }

    /** @return the replica's own URL, e.g. {@code http://127.0.0.1:41234} (tests talk to the load balancer) */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** @return {@code replica-<n>}, its {@code id} setting */
    String id() {
        return "replica-" + number;
    }

    /** @return whether the process is running */
    boolean alive() {
        return process != null && process.isAlive();
    }

    /** @return the running process's pid */
    long pid() {
        if (process == null) {
            throw new IllegalStateException(id() + " is not running");
        }
        return process.pid();
    }

    /** Launches the process without waiting for it; {@link #awaitReady()} waits. */
    void start() {
        if (alive()) {
            throw new IllegalStateException(id() + " is already running");
        }
        Path jar = ClusterProcesses.repoRoot().resolve("proxy/target/krest-proxy.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run mvn -DskipTests package (failsafe runs after it)");
        }
        String java = ProcessHandle.current().info().command().orElseThrow(
                () -> new IllegalStateException("cannot tell which java runs this test"));
        List<String> command = new ArrayList<>(List.of(java,
                // small and quick to start: up to three replicas share two cores with Kafka and the test
                "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(log.getParent().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(key -> key.startsWith("KAFKA_REST_") || key.startsWith("KAFKAREST_")
                || key.startsWith("KREST_"));
        environment.putAll(env);
        environment.put("KAFKA_REST_LISTENERS", url());
        environment.put("KAFKA_REST_ID", id());
        try {
            starts++;
            Files.writeString(log, "==== " + Instant.now() + " start #" + starts + " of " + id() + " on port " + port
                    + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = ClusterProcesses.started(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + id(), e);
        }
    }

    /** Waits until the replica answers {@code GET /} with 200 (or 401 behind authentication); fails with its log's tail if it exits or times out. */
    void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!alive()) {
                throw new IllegalStateException(id() + " exited with " + process.exitValue() + " before answering:\n"
                        + tail());
            }
            try {
                HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                // 401: it serves, behind authentication (the security tests' clusters)
                if (response.statusCode() == 200 || response.statusCode() == 401) {
                    return;
                }
            } catch (IOException notYetListening) {
                // keep polling
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            ClusterProcesses.sleep(100);
        }
        throw new IllegalStateException(id() + " did not answer GET / within " + START_TIMEOUT + ":\n" + tail());
    }

    /** SIGKILL: the JVM gets no chance to close anything (no shutdown hook, no lease release). Waits for the exit. */
    void kill() {
        if (process != null) {
            ClusterProcesses.kill(process);
        }
    }

    /**
     * Graceful stop: SIGTERM, then waits for the process to exit on its own (krest's shutdown hook drains in-flight
     * requests and releases its leases).
     *
     * @return the exit status
     * @throws IllegalStateException if it is not running, or still runs after {@code timeout} (it is then SIGKILLed)
     */
    int terminate(Duration timeout) {
        if (!alive()) {
            throw new IllegalStateException(id() + " is not running");
        }
        return ClusterProcesses.stopGracefully(process, timeout, id(), () -> ":\n" + tail());
    }

    /** SIGTERM, then SIGKILL after 15 s. */
    void stop() {
        if (process != null) {
            ClusterProcesses.terminate(process, 15);
        }
    }

    /** @return the last 40 lines of the log */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
