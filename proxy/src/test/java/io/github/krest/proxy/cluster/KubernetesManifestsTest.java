package io.github.krest.proxy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.github.krest.proxy.config.ConfigSources;
import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKrest;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes form in {@code kubernetes/}, without a cluster: the base and every overlay rendered by kustomize
 * ({@code kubectl kustomize}, or the {@code kustomize} binary that {@code KREST_KUSTOMIZE} or the {@code PATH}
 * names), every object checked against Kubernetes' API schema by the official Kubernetes Java client's models
 * (generated from Kubernetes' OpenAPI spec: an unknown field, a missing required field or a value of the wrong type
 * fails), every setting given to krest a configuration key krest knows (or a setting of the Kafka client its
 * prefix passes it to) with a value it accepts, every probe answered 200 by a real krest with the same listeners,
 * and the settings that must agree with each other (grace periods, selectors, ports, timeouts, references).
 */
class KubernetesManifestsTest {
    private static final Map<String, Class<?>> MODELS = Map.of(
            "v1/ConfigMap", V1ConfigMap.class,
            "v1/Secret", V1Secret.class,
            "v1/Service", V1Service.class,
            "apps/v1/Deployment", V1Deployment.class,
            "apps/v1/StatefulSet", V1StatefulSet.class,
            "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class,
            "autoscaling/v2/HorizontalPodAutoscaler", V2HorizontalPodAutoscaler.class,
            "networking.k8s.io/v1/Ingress", V1Ingress.class);
    private static final Set<String> JVM_VARIABLES =
            Set.of("KAFKAREST_HEAP_OPTS", "KAFKAREST_JVM_PERFORMANCE_OPTS", "KAFKAREST_OPTS");

    private static Path kubernetes;
    private static Map<String, List<JsonNode>> rendered;
    private static TestKrest krest;

    @BeforeAll
    static void render() throws IOException, InterruptedException {
        kubernetes = ClusterProcesses.repoRoot().resolve("kubernetes");
        rendered = new LinkedHashMap<>();
        List<Path> dirs = new ArrayList<>(List.of(kubernetes.resolve("base")));
        try (Stream<Path> overlays = Files.list(kubernetes.resolve("overlays"))) {
            overlays.sorted().forEach(dirs::add);
        }
        for (Path dir : dirs) {
            rendered.put(kubernetes.relativize(dir).toString(), kustomize(dir));
        }
    }

    @AfterAll
    static void stop() {
        if (krest != null) {
            krest.close();
        }
    }

    @Test
    void everyObjectFollowsTheKubernetesApiSchema() {
        rendered.forEach((dir, objects) -> {
            assertFalse(objects.isEmpty(), dir);
            for (JsonNode object : objects) {
                String type = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
                Class<?> model = MODELS.get(type);
                assertNotNull(model, dir + ": " + type + " is not one of the stable APIs this test knows");
                try {
                    // fromJson validates first (field names, required fields), then reads every typed value
                    model.getMethod("fromJson", String.class).invoke(null, object.toString());
                } catch (InvocationTargetException e) {
                    fail(dir + ": " + type + " " + object.path("metadata").path("name").asText() + ": "
                            + e.getCause().getMessage());
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
    }

    @Test
    void everySettingPassedToKrestIsAKnownKeyWithAnAcceptedValue() {
        rendered.forEach((dir, objects) -> {
            Map<String, String> settings = new HashMap<>();
            Properties file = krestProperties(dir, objects);
            file.stringPropertyNames().forEach(key -> settings.put(key, file.getProperty(key)));
            for (JsonNode env : krestContainer(objects).path("env")) {
                String name = env.path("name").asText();
                if (JVM_VARIABLES.contains(name)) {
                    continue;
                }
                assertTrue(name.startsWith(ConfigSources.ENV_PREFIX), dir + ": krest reads no variable " + name);
                settings.put(ConfigSources.propertyName(name), envValue(dir, objects, env));
            }
            for (String key : settings.keySet()) {
                assertTrue(KrestConfig.DEFINITION.names().contains(key) || isKafkaClientSetting(key),
                        dir + ": " + key + " is neither a krest configuration key nor a Kafka client setting");
            }
            // throws ConfigException naming the key when a value is not accepted
            KrestConfig config = new KrestConfig(settings);
            assertTrue(config.unknownKeys().isEmpty(), dir + ": " + config.unknownKeys());
        });
    }

    @Test
    void probesAnswerOnTheListenersTheManifestsConfigure() {
        Properties properties = krestProperties("base", rendered.get("base"));
        JsonNode container = krestContainer(rendered.get("base"));
        int api = URI.create(properties.getProperty(KrestConfig.LISTENERS)).getPort();
        int observe = URI.create(properties.getProperty(KrestConfig.OBSERVE_LISTENERS)).getPort();
        krest = TestKrest.start(Map.of(KrestConfig.LISTENERS, "http://127.0.0.1:0",
                KrestConfig.OBSERVE_LISTENERS, "http://127.0.0.1:0"));
        List<String> probes = new ArrayList<>();
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertTrue(get.isObject(), probe + " is an HTTP GET");
            int port = containerPort(container, get.path("port"));
            assertTrue(port == observe || port == api, probe + " port " + port + " is a krest listener");
            int local = port == observe ? krest.observePort(0) : krest.port();
            KrestHttp.Response answer = new KrestHttp("http://127.0.0.1:" + local).get(get.path("path").asText());
            assertEquals(200, answer.status(), probe + " " + get.path("path").asText() + ": " + answer.body());
            probes.add(get.path("path").asText());
        }
        assertTrue(probes.contains("/observe/health/ready") && probes.contains("/observe/health/live"), probes::toString);
        assertEquals(Set.of(api, observe), Set.copyOf(container.path("ports").findValuesAsText("containerPort")
                .stream().map(Integer::parseInt).toList()), "the container ports are krest's listeners");
    }

    @Test
    void theDeploymentStopsGracefullyRunsLockedDownAndSpreads() {
        rendered.forEach((dir, objects) -> {
            JsonNode deployment = find(objects, "Deployment", "krest").orElseThrow();
            JsonNode pod = deployment.path("spec").path("template").path("spec");
            JsonNode container = krestContainer(objects);
            long graceMs = Long.parseLong(krestProperties(dir, objects).getProperty(KrestConfig.SHUTDOWN_GRACEFUL_MS));
            List<String> preStop = texts(container.path("lifecycle").path("preStop").path("exec").path("command"));
            assertEquals("sleep", preStop.getFirst(), dir + ": preStop pauses while endpoints drop the pod");
            long pauseMs = Long.parseLong(preStop.get(1)) * 1000;
            assertTrue(pod.path("terminationGracePeriodSeconds").asLong() * 1000 >= pauseMs + graceMs + 5000,
                    dir + ": terminationGracePeriodSeconds leaves the preStop pause, shutdown.graceful.ms and 5 s");
            assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean(), dir);
            assertTrue(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean(), dir);
            assertTrue(container.path("volumeMounts").findValuesAsText("mountPath").contains("/tmp"),
                    dir + ": a writable /tmp beside the read-only root filesystem");
            assertTrue(pod.path("topologySpreadConstraints").findValuesAsText("topologyKey")
                    .contains("kubernetes.io/hostname"), dir + ": replicas spread across nodes");
            assertTrue(container.path("resources").path("limits").has("memory"), dir + ": the heap follows it");
            assertTrue(deployment.path("spec").path("replicas").asInt() >= 2, dir);

            JsonNode labels = deployment.path("spec").path("template").path("metadata").path("labels");
            JsonNode service = find(objects, "Service", "krest").orElseThrow().path("spec");
            assertEquals("None", service.path("sessionAffinity").asText(), dir + ": any replica serves any request");
            assertSelects(dir + " Service", service.path("selector"), labels);
            containerPort(container, service.path("ports").get(0).path("targetPort"));
            JsonNode budget = find(objects, "PodDisruptionBudget", "krest").orElseThrow().path("spec");
            assertSelects(dir + " PodDisruptionBudget", budget.path("selector").path("matchLabels"), labels);
            JsonNode scaler = find(objects, "HorizontalPodAutoscaler", "krest").orElseThrow().path("spec");
            assertEquals("Deployment/krest", scaler.path("scaleTargetRef").path("kind").asText() + "/"
                    + scaler.path("scaleTargetRef").path("name").asText(), dir);
            assertTrue(scaler.path("minReplicas").asInt() >= 2, dir + ": never a single replica");
        });
    }

    @Test
    void overlaysCompleteTheReferencesRedisAndIngress() {
        rendered.forEach((dir, objects) -> {
            if (dir.equals("base")) {
                return;
            }
            // every Secret and ConfigMap a pod reads is rendered beside it (the generated names carry a hash)
            for (JsonNode object : objects) {
                for (JsonNode ref : object.findValues("secretKeyRef")) {
                    assertTrue(find(objects, "Secret", ref.path("name").asText()).isPresent(), dir + ": " + ref);
                }
                for (JsonNode ref : object.findValues("configMap")) {
                    assertTrue(find(objects, "ConfigMap", ref.path("name").asText()).isPresent(), dir + ": " + ref);
                }
            }
            Properties properties = krestProperties(dir, objects);
            JsonNode ingress = objects.stream().filter(o -> o.path("kind").asText().equals("Ingress")).findFirst()
                    .orElseThrow(() -> new AssertionError(dir + " has an Ingress"));
            JsonNode annotations = ingress.path("metadata").path("annotations");
            long readMs = annotations.path("nginx.ingress.kubernetes.io/proxy-read-timeout").asLong() * 1000;
            for (String longest : List.of(KrestConfig.CONSUMER_STREAM_MAX_DURATION_MS,
                    KrestConfig.CONSUMER_REQUEST_TIMEOUT_MAX_MS)) {
                assertTrue(readMs > Long.parseLong(properties.getProperty(longest)),
                        dir + ": the Ingress read timeout outlasts " + longest);
            }
            assertEquals("off", annotations.path("nginx.ingress.kubernetes.io/proxy-buffering").asText(), dir);
            assertEquals("off", annotations.path("nginx.ingress.kubernetes.io/proxy-request-buffering").asText(), dir);
            JsonNode backend = ingress.findValue("backend").path("service");
            assertEquals("krest", backend.path("name").asText(), dir);
            assertEquals("http", backend.path("port").path("name").asText(), dir);

            Optional<JsonNode> redis = find(objects, "StatefulSet", "krest-redis");
            if (redis.isPresent()) {
                JsonNode spec = redis.get().path("spec");
                List<String> args = texts(spec.path("template").path("spec").path("containers").get(0).path("args"));
                assertTrue(String.join(" ", args).contains("--appendonly yes"), dir + ": Redis keeps an AOF");
                String dataDir = args.get(args.indexOf("--dir") + 1);
                assertTrue(spec.path("template").path("spec").path("containers").get(0).path("volumeMounts")
                        .findValuesAsText("mountPath").contains(dataDir), dir + ": the AOF is on the volume");
                assertFalse(spec.path("volumeClaimTemplates").isEmpty(), dir + ": a PersistentVolume per pod");
                String url = envValue(dir, objects, krestContainer(objects).path("env").findParents("name").stream()
                        .filter(e -> e.path("name").asText().equals("KAFKA_REST_REDIS_URL")).findFirst().orElseThrow());
                assertTrue(find(objects, "Service", URI.create(url).getHost()).isPresent(),
                        dir + ": redis.url names the Redis Service: " + url);
            }
        });
    }

    /** Runs kustomize on one directory and parses the objects it prints. */
    private static List<JsonNode> kustomize(Path dir) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        String named = System.getenv("KREST_KUSTOMIZE");
        Optional<Path> kustomize = named != null ? Optional.of(Path.of(named)) : Executables.find("kustomize");
        if (kustomize.isPresent()) {
            command.addAll(List.of(kustomize.get().toString(), "build"));
        } else {
            Path kubectl = Executables.find("kubectl").orElseThrow(() -> new IllegalStateException(
                    "rendering kubernetes/ needs kustomize or kubectl (with kustomize built in): install one, or set"
                            + " KREST_KUSTOMIZE to a kustomize binary"));
            command.addAll(List.of(kubectl.toString(), "kustomize"));
        }
        command.add(dir.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kustomize ran for more than 60 s");
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
        List<JsonNode> objects = new ArrayList<>();
        new YAMLMapper().readerFor(JsonNode.class).readValues(output).forEachRemaining(n -> {
            if (n instanceof JsonNode node && node.isObject()) {
                objects.add(node);
            }
        });
        return objects;
    }

    /** client.*, producer.*, consumer.* and admin.* keys name a setting of that kind of Kafka client. */
    private static boolean isKafkaClientSetting(String key) {
        Map<String, Set<String>> names = Map.of(
                "producer.", ProducerConfig.configNames(),
                "consumer.", ConsumerConfig.configNames(),
                "admin.", AdminClientConfig.configNames());
        for (String prefix : KrestConfig.CLIENT_PREFIXES) {
            if (key.startsWith(prefix)) {
                String setting = key.substring(prefix.length());
                return prefix.equals("client.") ? names.values().stream().anyMatch(n -> n.contains(setting))
                        : names.get(prefix).contains(setting);
            }
        }
        return false;
    }

    private static Optional<JsonNode> find(List<JsonNode> objects, String kind, String name) {
        return objects.stream()
                .filter(o -> o.path("kind").asText().equals(kind))
                .filter(o -> o.path("metadata").path("name").asText().equals(name))
                .findFirst();
    }

    private static JsonNode krestContainer(List<JsonNode> objects) {
        JsonNode containers = find(objects, "Deployment", "krest").orElseThrow()
                .path("spec").path("template").path("spec").path("containers");
        for (JsonNode container : containers) {
            if (container.path("name").asText().equals("krest")) {
                return container;
            }
        }
        throw new AssertionError("no container named krest");
    }

    /** krest.properties as the container reads it: the file its --config names, from the ConfigMap mounted there. */
    private static Properties krestProperties(String dir, List<JsonNode> objects) {
        JsonNode deployment = find(objects, "Deployment", "krest").orElseThrow();
        JsonNode container = krestContainer(objects);
        List<String> args = texts(container.path("args"));
        assertEquals("--config", args.getFirst(), dir);
        Path file = Path.of(args.get(1));
        String volume = null;
        for (JsonNode mount : container.path("volumeMounts")) {
            if (Path.of(mount.path("mountPath").asText()).equals(file.getParent())) {
                volume = mount.path("name").asText();
            }
        }
        assertNotNull(volume, dir + ": a volume is mounted at " + file.getParent());
        for (JsonNode v : deployment.path("spec").path("template").path("spec").path("volumes")) {
            if (v.path("name").asText().equals(volume)) {
                String name = v.path("configMap").path("name").asText();
                JsonNode map = find(objects, "ConfigMap", name).orElseThrow(() -> new AssertionError(dir + ": " + name));
                String text = map.path("data").path(file.getFileName().toString()).asText(null);
                assertNotNull(text, dir + ": ConfigMap " + name + " has " + file.getFileName());
                Properties properties = new Properties();
                try {
                    properties.load(new StringReader(text));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                return properties;
            }
        }
        throw new AssertionError(dir + ": volume " + volume + " is a ConfigMap");
    }

    /** An env entry's value: literal, from a rendered Secret, or a stand-in for the pod's own fields. */
    private static String envValue(String dir, List<JsonNode> objects, JsonNode env) {
        if (env.has("value")) {
            return env.path("value").asText();
        }
        JsonNode secretRef = env.path("valueFrom").path("secretKeyRef");
        if (secretRef.isObject()) {
            return find(objects, "Secret", secretRef.path("name").asText())
                    .map(secret -> secretValue(secret, secretRef.path("key").asText()))
                    // the base leaves the Secret to the overlays or to the operator
                    .orElse(dir.equals("base") ? "redis://redis.example.com:6379" : null);
        }
        JsonNode field = env.path("valueFrom").path("fieldRef").path("fieldPath");
        assertTrue(field.isTextual(), dir + ": " + env);
        return "pod-" + field.asText().replace('.', '-');
    }

    private static String secretValue(JsonNode secret, String key) {
        JsonNode data = secret.path("data").path(key);
        return data.isTextual() ? new String(Base64.getDecoder().decode(data.asText()), StandardCharsets.UTF_8)
                : secret.path("stringData").path(key).asText(null);
    }

    private static int containerPort(JsonNode container, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(port.asText())) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port named " + port.asText());
    }

    private static void assertSelects(String what, JsonNode selector, JsonNode labels) {
        assertFalse(selector.isEmpty(), what + " has a selector");
        selector.properties().forEach(e -> assertEquals(e.getValue(), labels.path(e.getKey()),
                what + " selects the krest pods by " + e.getKey()));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
