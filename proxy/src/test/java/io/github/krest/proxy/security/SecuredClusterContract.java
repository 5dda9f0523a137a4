package io.github.krest.proxy.security;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.krest.proxy.cluster.KrestCluster;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.SecuredKafka;
import io.github.krest.proxy.testing.V2ConsumerClient;
import io.github.krest.proxy.testing.V2ConsumerClient.Instance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static io.github.krest.proxy.testing.SecuredKafka.ALICE;
import static io.github.krest.proxy.testing.SecuredKafka.BOB;
import static io.github.krest.proxy.testing.SecuredKafka.TOPIC_A;
import static io.github.krest.proxy.testing.SecuredKafka.TOPIC_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The security section's worked example, run end to end: three krest replica processes behind nginx (the shipped
 * {@code loadbalancer-config/nginx.conf}) sharing a real redis-server, a real SASL_PLAINTEXT Kafka with
 * {@code StandardAuthorizer} and ACLs ({@link SecuredKafka}: alice reads and writes topic a and groups
 * {@code alice-*}, bob topic b and groups {@code bob-*}), {@code authentication.method=BASIC} without a password
 * file and {@code kafka.principal.propagation} set by the subclass (SASL PLAIN or SCRAM).
 *
 * <p>The point: a wrong password or an unknown user never acts, on any route of the OpenAPI document and on any
 * replica, also where the route would make no Kafka call as the caller; every such 401 carries a challenge; a
 * group the caller may not read is refused at creation.
 */
abstract class SecuredClusterContract {
    static final String V2 = "application/vnd.kafka.v2+json";
    static final String BINARY = "application/vnd.kafka.binary.v2+json";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern PARAMETER = Pattern.compile("\\{([a-z_]+)}");

    private static KrestCluster cluster;
    private static Function<String, String> passwords;

    /**
     * Starts the cluster.
     *
     * @param name the test's output directory name
     * @param propagation {@code kafka.principal.propagation}
     * @param password each user's password for that mechanism
     */
    static void start(String name, String propagation, Function<String, String> password) {
        passwords = password;
        cluster = KrestCluster.start(name, KrestCluster.options()
                .withKafka(SecuredKafka.bootstrapServers())
                .withEnv("KAFKA_REST_CLIENT_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
                .withEnv("KAFKA_REST_CLIENT_SASL_MECHANISM", "PLAIN")
                .withEnv("KAFKA_REST_CLIENT_SASL_JAAS_CONFIG", SecuredKafka.adminJaasConfig())
                .withEnv("KAFKA_REST_KAFKA_PRINCIPAL_PROPAGATION", propagation)
                .withEnv("KAFKA_REST_AUTHENTICATION_METHOD", "BASIC")
                .withEnv("KAFKA_REST_AUTHENTICATION_REALM", "kafka-rest")
                .withEnv("KAFKA_REST_CONSUMER_FETCH_MAX_WAIT_MS", "50"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static String[] basic(String user, String password, String... more) {
        String[] headers = new String[2 + more.length];
        headers[0] = "Authorization";
        headers[1] = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        System.arraycopy(more, 0, headers, 2, more.length);
        return headers;
    }

    static String[] as(String user, String... more) {
        return basic(user, passwords.apply(user), more);
    }

    /** @return the load balancer, then each replica directly */
    static List<KrestHttp> everyEntrance() {
        List<KrestHttp> all = new ArrayList<>(List.of(cluster.lb()));
        for (int i = 0; i < cluster.replicaCount(); i++) {
            all.add(new KrestHttp(cluster.replicaUrl(i)));
        }
        return all;
    }

    static String clusterId() {
        return cluster.lb().get("/v3/clusters", as(ALICE)).json().get("data").get(0).get("cluster_id").asText();
    }

    static String produceBody(String value) {
        return "{\"records\":[{\"value\":\""
                + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "\"}]}";
    }

    /** @return the v2 consumer API through the load balancer, every request carrying {@code headers} */
    static V2ConsumerClient consumers(String... headers) {
        return new V2ConsumerClient(cluster.lb(), headers);
    }

    /** Polls alice's instance through the load balancer until {@code value} arrives; returns the values read. */
    static List<String> pollUntil(Instance instance, String value) {
        List<String> values = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!values.contains(value) && System.currentTimeMillis() < deadline) {
            KrestHttp.Response polled = consumers(as(ALICE)).poll(instance, BINARY, "timeout=1000");
            assertEquals(200, polled.status(), polled.body());
            polled.json().forEach(r -> values.add(new String(Base64.getDecoder().decode(r.get("value").asText()),
                    StandardCharsets.UTF_8)));
        }
        assertTrue(values.contains(value), "read " + values + ", never " + value);
        return values;
    }

    /** One request of the OpenAPI document, with its parameters filled in. */
    record Call(String method, String path, String contentType, String body) {
        KrestHttp.Response send(KrestHttp http, String... headers) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(http.base() + path));
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type",
                        contentType);
            }
            return http.send(request, headers);
        }
    }

    /**
     * Every operation of the served {@code GET /openapi} document, its path parameters naming alice's real
     * resources (her topic, group and instance), with a body that would act if it got through.
     */
    static List<Call> everyOperation(String cluster, String group, String instance) throws Exception {
        KrestHttp.Response served = SecuredClusterContract.cluster.lb().get("/openapi", as(ALICE));
        assertEquals(200, served.status(), served.body());
        JsonNode doc = YAML.readTree(served.body());
        Map<String, String> values = Map.of("cluster_id", cluster, "cluster", cluster, "topic_name", TOPIC_A,
                "topic", TOPIC_A, "partition_id", "0", "partition", "0", "consumer_group_id", group, "group", group,
                "instance", instance, "consumer_id", instance);
        // the metrics are served beside the documented API; the health checks are authentication.skip.paths
        List<Call> calls = new ArrayList<>(List.of(new Call("GET", "/observe/metrics", null, null)));
        for (Map.Entry<String, JsonNode> entry : doc.get("paths").properties()) {
            Matcher m = PARAMETER.matcher(entry.getKey());
            StringBuilder path = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(path, Matcher.quoteReplacement(values.getOrDefault(m.group(1),
                        m.group(1).equals("broker_id") ? "1" : "retention.ms")));
            }
            m.appendTail(path);
            for (Iterator<String> methods = entry.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next().toUpperCase(java.util.Locale.ROOT);
                if (!Set.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
                    continue;
                }
                calls.add(call(method, path.toString()));
            }
        }
        return calls;
    }

    private static Call call(String method, String path) {
        String v3 = "application/json";
        if (method.equals("GET") || method.equals("DELETE")) {
            return new Call(method, path, null, null);
        }
        if (path.startsWith("/v3/")) {
            return new Call(method, path, v3, path.endsWith("/records") || path.endsWith("/records:batch")
                    ? "{\"value\":{\"type\":\"STRING\",\"data\":\"intruder\"}}" : "{\"value\":\"1\"}");
        }
        if (path.startsWith("/topics/")) {
            return new Call(method, path, BINARY, produceBody("intruder"));
        }
        String partitions = "{\"partitions\":[{\"topic\":\"" + TOPIC_A + "\",\"partition\":0}]}";
        String offsets = "{\"offsets\":[{\"topic\":\"" + TOPIC_A + "\",\"partition\":0,\"offset\":0}]}";
        String body;
        if (path.matches("/consumers/[^/]+")) {
            body = "{\"name\":\"intruder\",\"format\":\"binary\"}";
        } else if (path.endsWith("/positions") || path.endsWith("/offsets")) {
            body = offsets;
        } else if (path.endsWith("/subscription")) {
            body = "{\"topics\":[\"" + TOPIC_A + "\"]}";
        } else if (path.endsWith("/assignments") || path.contains("/positions/")) {
            body = partitions;
        } else {
            body = "{}";
        }
        return new Call(method, path, V2, body);
    }

    @Test
    void aWrongPasswordOrAnUnknownUserGets401OnEveryRouteOfEveryReplicaAndActsNowhere() throws Exception {
        String group = "alice-g2-" + System.nanoTime();
        KrestHttp lb = cluster.lb();
        V2ConsumerClient alice = consumers(as(ALICE));
        Instance instance = alice.created(group,
                "{\"name\":\"c2\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}");
        assertEquals(204, alice.subscribe(instance, TOPIC_A).status());
        String first = "before-" + System.nanoTime();
        assertEquals(200, lb.post("/topics/" + TOPIC_A, BINARY, produceBody(first), as(ALICE)).status());
        pollUntil(instance, first);

        List<Call> calls = everyOperation(clusterId(), group, "c2");
        assertTrue(calls.size() > 50, "the OpenAPI document's operations: " + calls.size());
        List<String> acted = new ArrayList<>();
        Map<String, String[]> intruders = Map.of(
                "alice with a wrong password", basic(ALICE, "not-" + passwords.apply(ALICE)),
                "an unknown user", basic("mallory", passwords.apply(ALICE)));
        for (KrestHttp entrance : everyEntrance()) {
            for (Call call : calls) {
                intruders.forEach((who, credentials) -> {
                    KrestHttp.Response r = call.send(entrance, credentials);
                    String where = who + ": " + call.method() + " " + call.path() + " at " + entrance.base();
                    if (r.status() != 401 || r.json() == null || r.errorCode() != 40101
                            || !r.headers().firstValue("WWW-Authenticate").orElse("")
                            .equals("Basic realm=\"kafka-rest\", charset=\"UTF-8\"")) {
                        acted.add(where + " -> " + r.status() + " " + r.headers().firstValue("WWW-Authenticate")
                                + " " + r.body());
                    }
                });
            }
        }
        assertTrue(acted.isEmpty(), acted.size() + " requests were not refused:\n" + String.join("\n", acted));

        // nothing they sent acted: alice's instance is still there, subscribed, at her position; no "intruder"
        assertEquals("[\"" + TOPIC_A + "\"]", alice.subscription(instance).json().get("topics").toString());
        String second = "after-" + System.nanoTime();
        assertEquals(200, lb.post("/topics/" + TOPIC_A, BINARY, produceBody(second), as(ALICE)).status());
        List<String> read = pollUntil(instance, second);
        assertFalse(read.contains(first), "a wrong password rewound alice's consumer: " + read);
        assertFalse(read.contains("intruder"), "a wrong password produced: " + read);
        KrestHttp.Response again = alice.create(group, "{\"name\":\"intruder\"}");
        assertEquals(200, again.status(), "no instance was created with a wrong password: " + again.body());
        assertEquals(204, alice.delete(new Instance(group, "intruder")).status());
        assertEquals(204, alice.delete(instance).status());
    }

    @Test
    void theWorkedExample() {
        KrestHttp lb = cluster.lb();
        KrestHttp.Response produced = lb.post("/topics/" + TOPIC_A, BINARY, "{\"records\":[{\"value\":\"aGk=\"}]}",
                as(ALICE));
        assertEquals(200, produced.status(), produced.body());
        assertTrue(produced.json().get("offsets").get(0).get("error_code").isNull(), produced.body());
        KrestHttp.Response forbidden = lb.post("/topics/" + TOPIC_A, BINARY, "{\"records\":[{\"value\":\"aGk=\"}]}",
                as(BOB));
        assertEquals(403, forbidden.status(), forbidden.body());
        assertEquals(40301, forbidden.errorCode());
        assertEquals("[\"" + TOPIC_B + "\"]", lb.get("/topics", as(BOB)).json().toString());
        KrestHttp.Response wrong = lb.get("/topics", basic(ALICE, "wrong"));
        assertEquals(401, wrong.status(), wrong.body());
        assertEquals(40101, wrong.errorCode());
        assertTrue(wrong.headers().firstValue("WWW-Authenticate").isPresent(), "a Kafka-refused 401 challenges");

        String group = "alice-g-" + System.nanoTime();
        Instance instance = consumers(as(ALICE)).created(group, "{\"name\":\"c1\"}");
        for (KrestHttp entrance : everyEntrance()) {
            KrestHttp.Response bobs = new V2ConsumerClient(entrance, as(BOB)).poll(instance, null, "");
            assertEquals(404, bobs.status(), bobs.body());
            assertEquals(40403, bobs.errorCode());
        }
        assertEquals(204, consumers(as(ALICE)).delete(instance).status());
    }

    @Test
    void aGroupTheCallerMayNotReadIsRefusedAtCreationWhetherANameIsTakenOrNot() {
        V2ConsumerClient alice = consumers(as(ALICE));
        V2ConsumerClient bob = consumers(as(BOB));
        String alices = "alice-guarded-" + System.nanoTime();
        Instance alicesInstance = alice.created(alices, "{\"name\":\"c1\"}");
        for (String name : List.of("c1", "unused")) {
            KrestHttp.Response bobs = bob.create(alices, "{\"name\":\"" + name + "\"}");
            assertEquals(403, bobs.status(), name + ": " + bobs.body());
            assertEquals(40301, bobs.errorCode(), bobs.body());
        }
        String bobsGroup = "bob-own-" + System.nanoTime();
        KrestHttp.Response own = bob.create(bobsGroup, "{\"name\":\"c1\"}");
        assertEquals(200, own.status(), own.body());
        assertEquals(204, bob.delete(new Instance(bobsGroup, "c1")).status());
        assertEquals(204, alice.delete(alicesInstance).status());
    }

    @Test
    void healthStaysOpenAndNoCredentialGetsAChallenge() {
        for (KrestHttp entrance : everyEntrance()) {
            assertEquals(200, entrance.get("/observe/health").status());
            KrestHttp.Response none = entrance.get("/");
            assertEquals(401, none.status(), none.body());
            assertEquals(40101, none.errorCode());
            assertEquals("Basic realm=\"kafka-rest\", charset=\"UTF-8\"",
                    none.headers().firstValue("WWW-Authenticate").orElse(""));
        }
    }
}
