package io.github.krest.proxy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code Dockerfile} and {@code docker-compose.yml} without a Docker engine: the compose file's services,
 * builds, images, health checks, start order and ports, the nginx configuration it mounts, and a Dockerfile that
 * builds with the same Maven command as {@code bin/krest} and runs as a non-root user on a JRE 21+.
 */
class DockerfileComposeTest {
    private static final Set<String> REPLICAS = Set.of("krest-1", "krest-2", "krest-3");

    private static Path root;
    private static JsonNode compose;
    private static String dockerfile;

    @BeforeAll
    static void read() throws IOException {
        root = ClusterProcesses.repoRoot();
        compose = new ObjectMapper(new YAMLFactory()).readTree(root.resolve("docker-compose.yml").toFile());
        dockerfile = Files.readString(root.resolve("Dockerfile"), StandardCharsets.UTF_8);
    }

    @Test
    void composeRunsKafkaRedisThreeReplicasAndNginx() {
        Set<String> services = new TreeSet<>();
        compose.path("services").fieldNames().forEachRemaining(services::add);
        assertEquals(new TreeSet<>(List.of("kafka", "redis", "krest-1", "krest-2", "krest-3", "nginx")), services);

        JsonNode kafka = service("kafka");
        assertTrue(kafka.path("image").asText().startsWith("apache/kafka:"), kafka::toString);
        assertEquals("broker,controller", kafka.path("environment").path("KAFKA_PROCESS_ROLES").asText());
        assertTrue(service("redis").path("image").asText().startsWith("redis:"));
        assertTrue(service("redis").path("command").toString().contains("--appendonly"), "Redis persists");
        assertTrue(service("nginx").path("image").asText().startsWith("nginx:"));
        for (String name : services) {
            assertTrue(service(name).path("healthcheck").path("test").isArray(), name + " has a health check");
        }
    }

    @Test
    void replicasAreBuiltFromTheDockerfileAndShareRedis() {
        for (String name : REPLICAS) {
            JsonNode replica = service(name);
            assertEquals(".", replica.path("build").asText(), name + " builds the repository's Dockerfile");
            JsonNode env = replica.path("environment");
            assertEquals(name, env.path("KAFKA_REST_ID").asText());
            assertEquals("kafka:9092", env.path("KAFKA_REST_BOOTSTRAP_SERVERS").asText());
            assertEquals("redis", env.path("KAFKA_REST_CONSUMER_STATE_STORE").asText());
            assertEquals("redis://redis:6379", env.path("KAFKA_REST_REDIS_URL").asText());
            assertEquals("http://0.0.0.0:8082", env.path("KAFKA_REST_LISTENERS").asText());
            assertDependsOnHealthy(name, "kafka", "redis");
            assertFalse(replica.has("ports"), name + ": only the load balancer is published");
            long graceMs = env.path("KAFKA_REST_SHUTDOWN_GRACEFUL_MS").asLong();
            assertTrue(seconds(replica.path("stop_grace_period").asText()) * 1000 > graceMs,
                    name + ": docker stop must wait longer than shutdown.graceful.ms");
        }
        assertTrue(Files.isRegularFile(root.resolve("Dockerfile")));
    }

    @Test
    void nginxRunsTheShippedConfigurationOnPort8082() {
        JsonNode nginx = service("nginx");
        assertEquals(List.of("8082:8082"), texts(nginx.path("ports")));
        List<String> volumes = texts(nginx.path("volumes"));
        assertEquals(1, volumes.size(), volumes::toString);
        String mounted = volumes.getFirst().split(":")[0];
        assertTrue(Files.isRegularFile(root.resolve(mounted)), mounted + " exists");
        assertEquals(root.resolve("loadbalancer-config/nginx.conf").normalize(), root.resolve(mounted).normalize());
        JsonNode command = nginx.path("command");
        String script = command.get(command.size() - 1).asText();
        assertTrue(script.contains("server krest-\" i \":8082") && script.contains("i <= 3"),
                "the upstreams are the three replicas: " + script);
        assertTrue(script.contains("/etc/krest/nginx.conf") && volumes.getFirst().contains(":/etc/krest/nginx.conf"),
                "nginx runs the mounted file: " + script);
        for (String replica : REPLICAS) {
            assertDependsOnHealthy("nginx", replica);
        }
    }

    @Test
    void dockerfileBuildsLikeBinKrestAndRunsAsNonRootOnAJre() throws IOException {
        String binKrest = Files.readString(root.resolve("bin/krest"), StandardCharsets.UTF_8);
        Matcher build = Pattern.compile("\\(cd \"\\$KREST_HOME\" && (mvn [^)]+)\\)").matcher(binKrest);
        assertTrue(build.find(), "bin/krest's build command");
        List<String> runs = new ArrayList<>();
        Matcher run = Pattern.compile("(?m)^RUN (mvn .*)$").matcher(dockerfile);
        while (run.find()) {
            runs.add(run.group(1).replace(" || true", ""));
        }
        assertTrue(runs.contains(build.group(1)), "Dockerfile RUN " + runs + " includes " + build.group(1));

        List<String> stages = new ArrayList<>();
        Matcher from = Pattern.compile("(?m)^FROM (\\S+)").matcher(dockerfile);
        while (from.find()) {
            stages.add(from.group(1));
        }
        assertEquals(2, stages.size(), "multi-stage: " + stages);
        assertTrue(stages.getFirst().startsWith("maven:"), stages::toString);
        Matcher jre = Pattern.compile("-(\\d+)-jre|:(\\d+)-jre").matcher(stages.getLast());
        assertTrue(jre.find() && Integer.parseInt(jre.group(1) != null ? jre.group(1) : jre.group(2)) >= 21,
                "runtime is a JRE 21+: " + stages.getLast());

        Matcher user = Pattern.compile("(?m)^USER (\\S+)").matcher(dockerfile);
        assertTrue(user.find(), "a USER line");
        assertFalse(Set.of("root", "0", "0:0").contains(user.group(1)), "runs as " + user.group(1));
        // java is PID 1 (exec) so that docker stop's SIGTERM reaches krest's graceful shutdown
        assertTrue(dockerfile.contains("exec java $KAFKAREST_HEAP_OPTS $KAFKAREST_JVM_PERFORMANCE_OPTS $KAFKAREST_OPTS -jar"), "ENTRYPOINT execs java");
        assertTrue(binKrest.contains("${KAFKAREST_HEAP_OPTS:--Xms256m -Xmx1g}")
                && dockerfile.contains("KAFKAREST_HEAP_OPTS=\"-Xms256m -Xmx1g\""), "same default heap as bin/krest");
        assertTrue(binKrest.contains("${KAFKAREST_JVM_PERFORMANCE_OPTS--XX:+UseG1GC -XX:G1HeapRegionSize=4m}")
                && dockerfile.contains("KAFKAREST_JVM_PERFORMANCE_OPTS=\"-XX:+UseG1GC -XX:G1HeapRegionSize=4m\""), "same GC options as bin/krest");
        assertTrue(Files.readString(root.resolve(".dockerignore")).contains("**/target"));
    }

    private static JsonNode service(String name) {
        JsonNode service = compose.path("services").path(name);
        assertTrue(service.isObject(), "service " + name);
        return service;
    }

    private static void assertDependsOnHealthy(String name, String... dependencies) {
        JsonNode dependsOn = service(name).path("depends_on");
        for (String dependency : dependencies) {
            assertEquals("service_healthy", dependsOn.path(dependency).path("condition").asText(),
                    name + " waits for " + dependency);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static long seconds(String duration) {
        assertTrue(duration.matches("\\d+s"), "stop_grace_period in seconds: " + duration);
        return Long.parseLong(duration.substring(0, duration.length() - 1));
    }
}
