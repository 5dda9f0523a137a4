package io.github.krest.proxy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
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
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The {@code Dockerfile}, {@code .dockerignore} and {@code docker-compose.yml} without a Docker engine (what a
 * running engine shows is {@code bin/krest-containers prove}'s part): the compose file against the Compose
 * Specification's JSON schema, its services, images (official by default, replaceable), health checks, start order,
 * volumes and ports, the nginx configuration it mounts, and a Dockerfile that copies every module's pom, hides no
 * failed step, builds from base images given as arguments and runs java as PID 1 under a non-root user.
 */
class DockerfileComposeTest {
    private static final Set<String> REPLICAS = Set.of("krest-1", "krest-2", "krest-3");

    private static Path root;
    private static JsonNode compose;
    private static String dockerfile;

    @BeforeAll
    static void read() throws IOException {
        root = ClusterProcesses.repoRoot();
        // SnakeYAML resolves the file's merge keys (<<: *krest-replica) as Compose does; Jackson's YAML parser would not
        try (Reader in = Files.newBufferedReader(root.resolve("docker-compose.yml"), StandardCharsets.UTF_8)) {
            compose = new ObjectMapper().valueToTree(new Yaml().load(in));
        }
        dockerfile = Files.readString(root.resolve("Dockerfile"), StandardCharsets.UTF_8);
    }

    @Test
    void composeFileFollowsTheComposeSpecification() throws IOException {
        // The schema names its draft as http://json-schema.org/draft/2019-09/schema# and still carries draft-04
        // style "id" members, which draft 2019-09 only annotates: read it as 2019-09 with "id" as an annotation.
        JsonMetaSchema draft = JsonMetaSchema.getV201909();
        JsonSchemaFactory.Builder factory = JsonSchemaFactory.builder().defaultMetaSchemaIri(draft.getIri());
        for (String iri : List.of(draft.getIri(), "http://json-schema.org/draft/2019-09/schema#")) {
            factory.metaSchema(JsonMetaSchema.builder(iri, draft).keyword(new NonValidationKeyword("id")).build());
        }
        JsonSchema schema;
        try (InputStream in = DockerfileComposeTest.class.getResourceAsStream("/compose-spec/compose-spec.json")) {
            schema = factory.build().getSchema(in);
        }
        Set<ValidationMessage> problems = schema.validate(compose);
        assertTrue(problems.isEmpty(), problems::toString);
        assertFalse(compose.has("version"), "Compose v2 calls the version key obsolete");
    }

    @Test
    void composeRunsKafkaRedisThreeReplicasAndNginx() {
        Set<String> services = new TreeSet<>();
        compose.path("services").fieldNames().forEachRemaining(services::add);
        assertEquals(new TreeSet<>(List.of("kafka", "redis", "krest-1", "krest-2", "krest-3", "nginx")), services);

        assertEquals("apache/kafka:4.3.1", defaultImage("kafka", "KREST_KAFKA_IMAGE"));
        assertTrue(defaultImage("redis", "KREST_REDIS_IMAGE").startsWith("redis:"));
        assertTrue(defaultImage("nginx", "KREST_NGINX_IMAGE").startsWith("nginx:"));

        JsonNode kafka = service("kafka").path("environment");
        assertEquals("broker,controller", kafka.path("KAFKA_PROCESS_ROLES").asText());
        assertFalse(kafka.path("CLUSTER_ID").asText().isEmpty(), "the official image formats KRaft storage with it");
        assertEquals(List.of("kafka-data:" + kafka.path("KAFKA_LOG_DIRS").asText()),
                texts(service("kafka").path("volumes")), "the broker's log is on the kafka-data volume");
        assertEquals(List.of("redis-data:/data"), texts(service("redis").path("volumes")));
        assertTrue(service("redis").path("command").toString().contains("--appendonly"), "Redis persists");
        for (String name : services) {
            assertTrue(service(name).path("healthcheck").path("test").isArray(), name + " has a health check");
        }
    }

    @Test
    void replicasAreBuiltFromTheDockerfileAndShareRedis() {
        for (String name : REPLICAS) {
            JsonNode replica = service(name);
            assertEquals(".", replica.path("build").path("context").asText(), name + " builds the repository's Dockerfile");
            assertEquals("krest:local", replica.path("image").asText());
            for (String arg : List.of("BUILD_IMAGE", "RUNTIME_IMAGE")) {
                assertEquals(dockerfileArg(arg), defaultOf(replica.path("build").path("args").path(arg).asText(),
                        "KREST_" + arg), name + ": compose passes " + arg + " with the Dockerfile's default");
            }
            JsonNode env = replica.path("environment");
            assertEquals(name, env.path("KAFKA_REST_ID").asText());
            assertEquals("kafka:9092", env.path("KAFKA_REST_BOOTSTRAP_SERVERS").asText());
            assertEquals("redis", env.path("KAFKA_REST_CONSUMER_STATE_STORE").asText());
            assertEquals("redis://redis:6379", env.path("KAFKA_REST_REDIS_URL").asText());
            assertEquals("http://0.0.0.0:8082", env.path("KAFKA_REST_LISTENERS").asText());
            assertFalse(env.has("KAFKAREST_HEAP_OPTS"), name + ": the heap follows mem_limit");
            assertTrue(replica.path("mem_limit").asText().matches("\\d+[mg]"), name + " has a memory limit");
            assertTrue(replica.path("healthcheck").toString().contains("/observe/health/ready"), name);
            assertDependsOnHealthy(name, "kafka", "redis");
            assertFalse(replica.has("ports"), name + ": only the load balancer is published");
            long graceMs = env.path("KAFKA_REST_SHUTDOWN_GRACEFUL_MS").asLong();
            assertTrue(seconds(replica.path("stop_grace_period").asText()) * 1000 > graceMs,
                    name + ": docker stop must wait longer than shutdown.graceful.ms");
        }
    }

    @Test
    void nginxRunsTheShippedConfigurationOnPort8082() {
        JsonNode nginx = service("nginx");
        assertEquals(List.of("8082:8082"), texts(nginx.path("ports")));
        List<String> volumes = texts(nginx.path("volumes"));
        assertEquals(1, volumes.size(), volumes::toString);
        String mounted = volumes.getFirst().split(":", -1)[0];
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
    void dockerfileBuildsOnBaseImagesGivenAsArgumentsAndRunsJavaAsNonRoot() throws IOException {
        assertTrue(dockerfileArg("BUILD_IMAGE").startsWith("maven:"), "official build image by default");
        Matcher jre = Pattern.compile(":(\\d+)-jre").matcher(dockerfileArg("RUNTIME_IMAGE"));
        assertTrue(jre.find() && Integer.parseInt(jre.group(1)) >= 21, "runtime is a JRE 21+ by default");
        List<String> stages = new ArrayList<>();
        Matcher from = Pattern.compile("(?m)^FROM (\\S+)").matcher(dockerfile);
        while (from.find()) {
            stages.add(from.group(1));
        }
        assertEquals(List.of("${BUILD_IMAGE}", "${RUNTIME_IMAGE}"), stages);

        // Maven refuses a reactor whose modules' poms are missing: the build failed this way once
        String parent = Files.readString(root.resolve("pom.xml"), StandardCharsets.UTF_8);
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
        while (module.find()) {
            String pom = module.group(1) + "/pom.xml";
            assertTrue(dockerfile.contains("COPY " + pom + " "), "the Dockerfile copies " + pom);
        }
        assertFalse(dockerfile.contains("|| true"), "no step's failure is hidden");
        assertTrue(Pattern.compile("(?m)^RUN mvn .*dependency:go-offline").matcher(dockerfile).find());
        assertTrue(Pattern.compile("(?m)^RUN mvn .*-pl proxy -am package$").matcher(dockerfile).find());

        Matcher user = Pattern.compile("(?m)^USER (\\S+)").matcher(dockerfile);
        String last = null;
        while (user.find()) {
            last = user.group(1);
        }
        assertFalse(last == null || Set.of("root", "0", "0:0").contains(last), "runs as " + last);
        assertFalse(Pattern.compile("(?m)^ENV .*KAFKA_REST_").matcher(dockerfile).find(),
                "the image sets no KAFKA_REST_* variable: it would win over the settings of a --config file");
        // java is PID 1 (exec) so that docker stop's SIGTERM reaches krest's graceful shutdown
        assertTrue(dockerfile.contains("\"exec java ${KAFKAREST_HEAP_OPTS:-"), "ENTRYPOINT execs java");
        assertTrue(dockerfile.contains("${KAFKAREST_HEAP_OPTS:--XX:InitialRAMPercentage=25 -XX:MaxRAMPercentage=75}"),
                "without KAFKAREST_HEAP_OPTS the heap follows the container's memory");
        String binKrest = Files.readString(root.resolve("bin/krest"), StandardCharsets.UTF_8);
        String gc = "${KAFKAREST_JVM_PERFORMANCE_OPTS--XX:+UseG1GC -XX:G1HeapRegionSize=4m}";
        assertTrue(binKrest.contains(gc) && dockerfile.contains(gc), "same GC options as bin/krest");
    }

    @Test
    void dockerignoreAdmitsOnlyWhatTheDockerfileCopies() throws IOException {
        List<String> ignore = Files.readAllLines(root.resolve(".dockerignore")).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        assertEquals("*", ignore.getFirst(), "everything is left out unless named");
        Matcher copy = Pattern.compile("(?m)^COPY (?!--from)(\\S+) ").matcher(dockerfile);
        while (copy.find()) {
            String source = copy.group(1).replaceAll("/$", "");
            assertTrue(ignore.contains("!" + source), ".dockerignore admits " + source);
        }
    }

    private static JsonNode service(String name) {
        JsonNode service = compose.path("services").path(name);
        assertTrue(service.isObject(), "service " + name);
        return service;
    }

    /** The default of an image given as ${VARIABLE:-default}. */
    private static String defaultImage(String service, String variable) {
        return defaultOf(service(service).path("image").asText(), variable);
    }

    private static String defaultOf(String value, String variable) {
        Matcher m = Pattern.compile("\\$\\{" + variable + ":-([^}]+)}").matcher(value);
        assertTrue(m.matches(), value + " is replaceable through " + variable);
        return m.group(1);
    }

    private static String dockerfileArg(String name) {
        Matcher m = Pattern.compile("(?m)^ARG " + name + "=(\\S+)$").matcher(dockerfile);
        assertTrue(m.find(), "ARG " + name + " with a default");
        return m.group(1);
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
