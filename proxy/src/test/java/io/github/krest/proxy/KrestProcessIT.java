package io.github.krest.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.krest.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code bin/krest} as a real operating-system process, the way a user starts krest from a checkout, and proves:
 * <ul>
 *   <li>with no {@code bootstrap.servers} it starts its embedded Kafka broker, says so in an EMBEDDED banner, takes
 *       its configuration from {@code KAFKA_REST_*} environment variables (warning about unknown keys by name), and
 *       serves Confluent's v2 JSON produce example and topic listing;</li>
 *   <li>SIGTERM reaches the JVM itself (the script {@code exec}s java) and krest stops within 30 s;</li>
 *   <li>an invalid configuration value exits with status 2 and names the key on stderr;</li>
 *   <li>a listener port that is already in use exits with status 1 naming the listener (Helidon itself only logs
 *       the failure and returns);</li>
 *   <li>without a JDK 21 or newer the script exits 1 with one clear line on stderr instead of a Java stack trace.</li>
 * </ul>
 *
 * <p>Runs under failsafe after {@code package}, so the jar is current and the script is told not to build
 * ({@code KREST_NO_BUILD=1}). The repository root comes from the {@code krest.repo.root} system property.
 * Each process's stdout and stderr go to files under {@code proxy/target/krest-process-it/}.
 */
class KrestProcessIT {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
    private static final String OLD_JDK = "/usr/lib/jvm/java-17-openjdk-amd64";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Path repoRoot;
    private static Path workDir;

    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void locateRepository() throws IOException {
        String root = System.getProperty("krest.repo.root");
        repoRoot = root != null ? Path.of(root).toRealPath() : findRepoRoot();
        assertTrue(Files.isExecutable(repoRoot.resolve("bin/krest")), "bin/krest is not executable in " + repoRoot);
        workDir = Files.createDirectories(repoRoot.resolve("proxy/target/krest-process-it"));
    }

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        started.clear();
    }

    @Test
    void startsWithEmbeddedKafkaServesV2AndStopsOnSigterm() throws Exception {
        int port = FreePorts.next();
        Path log = workDir.resolve("embedded.log");
        Process krest = start("embedded", Map.of(
                "KAFKA_REST_LISTENERS", "http://127.0.0.1:" + port,
                "KAFKA_REST_EMBEDDED_KAFKA_PORT", "0",
                "KAFKA_REST_SOME_UNKNOWN_KEY", "1"), log, log);
        URI base = URI.create("http://127.0.0.1:" + port);

        awaitRoot(krest, base, log);

        HttpResponse<String> produced = HTTP.send(HttpRequest.newBuilder(base.resolve("/topics/jsontest"))
                        .header("Content-Type", "application/vnd.kafka.json.v2+json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"records\":[{\"key\":\"k1\",\"value\":{\"name\":\"John\"}}]}"))
                        .timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, produced.statusCode(), produced.body());
        JsonNode offset = JSON.readTree(produced.body()).path("offsets").path(0);
        assertEquals(0L, offset.path("offset").asLong(-1), produced.body());
        assertTrue(offset.has("error_code") && offset.get("error_code").isNull(), produced.body());

        HttpResponse<String> topics = HTTP.send(HttpRequest.newBuilder(base.resolve("/topics"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, topics.statusCode(), topics.body());
        List<String> names = new ArrayList<>();
        JSON.readTree(topics.body()).forEach(name -> names.add(name.asText()));
        assertTrue(names.contains("jsontest"), topics.body());

        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(output.contains("EMBEDDED"), "no EMBEDDED banner in " + log);
        assertTrue(output.lines().anyMatch(line -> line.contains("WARNING")
                        && line.contains("Unknown configuration keys, ignored:") && line.contains("some.unknown.key")),
                "no unknown-key warning naming some.unknown.key in " + log);

        // The process must be the JVM itself, not a shell waiting on it, or SIGTERM would not reach krest.
        assertTrue(krest.info().command().orElse("").endsWith("/java"),
                "bin/krest did not exec java: " + krest.info().command());
        krest.destroy();
        assertTrue(krest.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS),
                "krest still running " + EXIT_TIMEOUT + " after SIGTERM; see " + log);
    }

    @Test
    void invalidConfigurationExitsWithStatus2NamingTheKey() throws Exception {
        Path out = workDir.resolve("invalid.out");
        Path err = workDir.resolve("invalid.err");
        Process krest = start("invalid", Map.of("KAFKA_REST_LISTENERS", "ftp://nowhere"), out, err);

        assertTrue(krest.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "krest did not exit; see " + err);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(2, krest.exitValue(), stderr);
        assertTrue(stderr.contains("krest: invalid configuration:") && stderr.contains("listeners"), stderr);
    }

    @Test
    void aListenerPortInUseExitsWithStatus1NamingTheListener() throws Exception {
        Path log = workDir.resolve("port-in-use.log");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), FreePorts.next()));
            String listener = "http://127.0.0.1:" + taken.getLocalPort();
            Process krest = start("port-in-use", Map.of(
                    "KAFKA_REST_LISTENERS", listener,
                    // nothing listens there: start-up does not wait for Kafka, so no embedded broker is needed
                    "KAFKA_REST_BOOTSTRAP_SERVERS", "127.0.0.1:" + FreePorts.next()), log, log);

            assertTrue(krest.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "krest did not exit; see " + log);
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(1, krest.exitValue(), output);
            assertTrue(output.contains("krest failed to start: cannot listen on [" + listener + "]"), output);
            assertFalse(output.contains("krest listening on"), output);
        }
    }

    @Test
    void withoutJdk21ExitsWithStatus1AndOneLine() throws Exception {
        Path emptyJvmDir = Files.createTempDirectory(workDir, "no-jdks-");
        Path out = workDir.resolve("old-jdk.out");
        Path err = workDir.resolve("old-jdk.err");
        Process krest = start("old-jdk", Map.of(
                "JAVA_HOME", OLD_JDK,
                "KREST_JVM_DIR", emptyJvmDir.toString()), out, err);

        assertTrue(krest.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "bin/krest did not exit");
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(1, krest.exitValue(), stderr);
        List<String> lines = stderr.lines().toList();
        assertEquals(1, lines.size(), stderr);
        assertTrue(lines.get(0).contains("JDK 21"), stderr);
        assertEquals("", Files.readString(out, StandardCharsets.UTF_8), "stdout");
        Files.delete(emptyJvmDir);
    }

    /**
     * Starts {@code bin/krest} from a scratch working directory with the inherited environment minus any krest or
     * Kafka REST settings, plus {@code env}.
     */
    private Process start(String name, Map<String, String> env, Path stdout, Path stderr) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(repoRoot.resolve("bin/krest").toString())
                .directory(Files.createDirectories(workDir.resolve(name + ".cwd")).toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(stdout.toFile());
        if (stdout.equals(stderr)) {
            builder.redirectErrorStream(true);
        } else {
            builder.redirectError(stderr.toFile());
        }
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(key -> key.startsWith("KAFKA_REST_") || key.startsWith("KAFKAREST_")
                || key.startsWith("KREST_"));
        environment.put("KREST_NO_BUILD", "1");
        environment.putAll(env);
        Process process = builder.start();
        started.add(process);
        return process;
    }

    private static void awaitRoot(Process krest, URI base, Path log) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!krest.isAlive()) {
                int status = krest.exitValue();
                fail("krest exited with " + status + " before answering"
                        + (status > 128 ? " (killed by signal " + (status - 128) + " from outside this test)" : "")
                        + "; see " + log);
            }
            try {
                HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(base.resolve("/"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // keep polling
            }
            Thread.sleep(250);
        }
        fail("krest did not answer GET / with 200 within " + START_TIMEOUT + "; see " + log);
    }

    /** For runs outside Maven (an IDE): the nearest ancestor of the working directory holding bin/krest. */
    private static Path findRepoRoot() throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("bin/krest"))) {
                return dir.toRealPath();
            }
        }
        throw new IOException("set -Dkrest.repo.root: no bin/krest above " + Path.of("").toAbsolutePath());
    }
}
