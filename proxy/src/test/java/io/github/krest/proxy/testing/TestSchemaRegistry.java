package io.github.krest.proxy.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.krest.testing.FreePorts;

/**
 * A real Confluent-compatible Schema Registry for tests: Apicurio Registry 3.3.3 ({@code quarkus-run.jar}) in a
 * separate JVM (this test JVM's {@code java}, 21+), bound to loopback on free ports (HTTP and management), with
 * in-memory storage. Like {@link TestKafka}, one registry serves the whole test run ({@link #shared()}, started on
 * first use and killed when the JVM exits), so the tests that use it keep apart by subject: subjects named after
 * topics of their own, record names in namespaces of their own. A test that must stop a registry starts its own
 * ({@link #start()}) and closes it.
 *
 * <p>The distribution is fetched once into {@code target/apicurio-registry-3.3.3} with
 * {@code mvn dependency:copy -Dartifact=io.apicurio:apicurio-registry-app:3.3.3:tar.gz:all} and unpacked there.
 * The Confluent API is at {@link #url()}, i.e. {@code http://127.0.0.1:<port>/apis/ccompat/v7}.
 */
public final class TestSchemaRegistry implements AutoCloseable {
    private static final String VERSION = "3.3.3";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private static TestSchemaRegistry shared;

    private final Process process;
    private final Thread hook;
    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestSchemaRegistry(Process process, Thread hook, String url) {
        this.process = process;
        this.hook = hook;
        this.url = url;
    }

    /**
     * The registry shared by the whole test run, started on first use; a shutdown hook kills it when the JVM exits.
     * Do not close it.
     *
     * @return the running shared registry
     */
    public static synchronized TestSchemaRegistry shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    /** @return a running registry of the caller's own, after its Confluent API answers; close it when done */
    public static TestSchemaRegistry start() {
        Path dist = distribution();
        int port = FreePorts.next();
        int management = FreePorts.next();
        Path log = dist.getParent().resolve("apicurio-" + port + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            Process process = new ProcessBuilder(java, "-Xmx512m",
                    "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                    "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + management,
                    "-jar", dist.resolve("quarkus-run.jar").toString())
                    .directory(dist.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Thread hook = new Thread(process::destroyForcibly, "apicurio-killer");
            Runtime.getRuntime().addShutdownHook(hook);
            TestSchemaRegistry registry = new TestSchemaRegistry(process, hook,
                    "http://127.0.0.1:" + port + "/apis/ccompat/v7");
            registry.awaitReady(log);
            return registry;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start Apicurio Registry", e);
        }
    }

    /** @return the Confluent-compatible API base, for {@code schema.registry.url} */
    public String url() {
        return url;
    }

    /**
     * Sets a subject's compatibility level ({@code PUT /config/{subject}}).
     *
     * @param subject subject name
     * @param level e.g. {@code BACKWARD}
     */
    public void setCompatibility(String subject, String level) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url + "/config/" + subject))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"" + level + "\"}")));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("PUT /config/" + subject + ": " + r.statusCode() + " " + r.body());
        }
    }

    /**
     * @param subject subject name
     * @return {@code GET /subjects/{subject}/versions} as JSON text, e.g. {@code [1,2]}
     */
    public String versions(String subject) {
        return send(HttpRequest.newBuilder(URI.create(url + "/subjects/" + subject + "/versions")).GET()).body();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitReady(Path log) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited with " + process.exitValue() + "; see "
                        + log);
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/subjects"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            sleep(200);
        }
        close();
        throw new IllegalStateException("Apicurio Registry did not answer at " + url + " within " + START_TIMEOUT
                + "; see " + log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException exiting) {
            // the JVM is already shutting down
        }
    }

    /** Fetches and unpacks the distribution once; concurrent test JVMs each unpack aside and move into place. */
    private static synchronized Path distribution() {
        Path target = Path.of(System.getProperty("user.dir"), "target").toAbsolutePath();
        Path dist = target.resolve("apicurio-registry-" + VERSION);
        if (Files.isRegularFile(dist.resolve("quarkus-run.jar"))) {
            return dist;
        }
        try {
            Path download = Files.createDirectories(target.resolve("apicurio-download"));
            String archive = "apicurio-registry-app-" + VERSION + "-all.tar.gz";
            if (!Files.isRegularFile(download.resolve(archive))) {
                run(download, List.of("mvn", "-q", "-B", "dependency:copy",
                        "-Dartifact=io.apicurio:apicurio-registry-app:" + VERSION + ":tar.gz:all",
                        "-DoutputDirectory=" + download));
            }
            Path unpacked = Files.createTempDirectory(target, "apicurio-unpack");
            run(unpacked, List.of("tar", "xzf", download.resolve(archive).toString(), "-C", unpacked.toString()));
            Path root;
            if (Files.isRegularFile(unpacked.resolve("quarkus-run.jar"))) {
                root = unpacked;
            } else {
                try (Stream<Path> entries = Files.list(unpacked)) {
                    root = entries.filter(p -> Files.isRegularFile(p.resolve("quarkus-run.jar"))).findFirst()
                            .orElseThrow(() -> new IllegalStateException("no quarkus-run.jar in " + archive));
                }
            }
            try {
                Files.move(root, dist, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException alreadyThere) {
                if (!Files.isRegularFile(dist.resolve("quarkus-run.jar"))) {
                    throw alreadyThere;
                }
            }
            return dist;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot fetch Apicurio Registry " + VERSION, e);
        }
    }

    private static void run(Path dir, List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("command.log").toFile());
        // Maven needs Java 21+ for this project's parent; use this JVM's
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        try {
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException(command + " failed; see " + dir.resolve("command.log"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
