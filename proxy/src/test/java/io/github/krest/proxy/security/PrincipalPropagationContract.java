package io.github.krest.proxy.security;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.KrestServer;
import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.SecuredKafka;
import io.github.krest.proxy.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static io.github.krest.proxy.testing.SecuredKafka.ALICE;
import static io.github.krest.proxy.testing.SecuredKafka.BOB;
import static io.github.krest.proxy.testing.SecuredKafka.CAROL;
import static io.github.krest.proxy.testing.SecuredKafka.TOPIC_A;
import static io.github.krest.proxy.testing.SecuredKafka.TOPIC_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kafka.principal.propagation} against a real SASL_PLAINTEXT broker with ACLs ({@link SecuredKafka}), through
 * three krest replicas sharing one real redis-server ({@link TestRedis}). Requests carry real
 * {@code Authorization: Basic} headers; {@code authentication.method=BASIC} without a password file passes them on
 * and Kafka verifies them.
 *
 * <p>Subclasses choose the mechanism (SASL PLAIN or SCRAM) and each user's password for it.
 */
abstract class PrincipalPropagationContract {
    static final String V2 = "application/vnd.kafka.v2+json";
    static final String BINARY = "application/vnd.kafka.binary.v2+json";

    private static String redisUrl;
    private static final List<KrestServer> servers = new ArrayList<>();
    static final List<KrestHttp> replicas = new ArrayList<>();
    private static Function<String, String> passwords;

    /**
     * Starts the secured broker and three replicas sharing a database of the test run's redis-server.
     *
     * @param propagation the {@code kafka.principal.propagation} value
     * @param password each user's password for that mechanism
     */
    static void startReplicas(String propagation, Function<String, String> password) {
        passwords = password;
        String bootstrap = SecuredKafka.bootstrapServers();
        redisUrl = TestRedis.newDatabase();
        for (int i = 1; i <= 3; i++) {
            Map<String, String> props = new HashMap<>(krestConfig(bootstrap, propagation));
            props.put(KrestConfig.CONSUMER_STATE_STORE, "redis");
            props.put(KrestConfig.REDIS_URL, redisUrl);
            props.put(KrestConfig.ID, "replica-" + i);
            KrestServer server = KrestServer.start(new KrestConfig(props));
            servers.add(server);
            replicas.add(new KrestHttp("http://127.0.0.1:" + server.port()));
        }
    }

    /** krest settings for the secured broker: the service principal in client.*, and the propagation mode. */
    static Map<String, String> krestConfig(String bootstrap, String propagation) {
        return Map.of(KrestConfig.BOOTSTRAP_SERVERS, bootstrap,
                KrestConfig.LISTENERS, "http://127.0.0.1:0",
                "producer.linger.ms", "0",
                "consumer.fetch.max.wait.ms", "50",
                "client.security.protocol", "SASL_PLAINTEXT",
                "client.sasl.mechanism", "PLAIN",
                "client.sasl.jaas.config", SecuredKafka.adminJaasConfig(),
                KrestConfig.KAFKA_PRINCIPAL_PROPAGATION, propagation,
                // no password file: krest passes the Basic credentials on and Kafka verifies them
                KrestConfig.AUTHENTICATION_METHOD, propagation.equals("OAUTHBEARER") ? "BEARER" : "BASIC");
    }

    @AfterAll
    static void stopReplicas() {
        servers.forEach(KrestServer::close);
        servers.clear();
        replicas.clear();
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

    static KrestHttp replica(int i) {
        return replicas.get(i);
    }

    static KrestHttp.Response delete(KrestHttp http, String path, String... headers) {
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + path)).DELETE(), headers);
    }

    static String clusterId() {
        return replica(0).get("/v3/clusters", as(ALICE)).json().get("data").get(0).get("cluster_id").asText();
    }

    static List<String> names(JsonNode array, String field) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(field == null ? n.asText() : n.get(field).asText()));
        return names;
    }

    static String produceBody(String value) {
        return "{\"records\":[{\"value\":\""
                + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))
                + "\"}]}";
    }

    @Test
    void aliceProducesToAndConsumesFromHerTopicThroughAnyReplica() {
        String value = "from-alice-" + System.nanoTime();
        KrestHttp.Response produced = replica(0).post("/topics/" + TOPIC_A, BINARY, produceBody(value), as(ALICE));
        assertEquals(200, produced.status(), produced.body());
        JsonNode offset = produced.json().get("offsets").get(0);
        assertTrue(offset.get("error_code").isNull(), produced.body());

        String group = "alice-consume-" + System.nanoTime();
        KrestHttp.Response created = replica(1).post("/consumers/" + group, V2,
                "{\"name\":\"c1\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}", as(ALICE));
        assertEquals(200, created.status(), created.body());
        String path = "/consumers/" + group + "/instances/c1";
        assertEquals(204, replica(2).post(path + "/subscription", V2, "{\"topics\":[\"" + TOPIC_A + "\"]}",
                as(ALICE)).status());
        List<String> values = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        int i = 0;
        while (!values.contains(value) && System.currentTimeMillis() < deadline) {
            KrestHttp.Response polled = replica(i++ % 3).get(path + "/records?timeout=1000", as(ALICE, "Accept",
                    BINARY));
            assertEquals(200, polled.status(), polled.body());
            polled.json().forEach(r -> values.add(new String(Base64.getDecoder().decode(r.get("value").asText()),
                    StandardCharsets.UTF_8)));
        }
        assertTrue(values.contains(value), "alice reads her record: " + values);
        assertEquals(200, replica(0).post(path + "/offsets", V2, "", as(ALICE)).status());
        KrestHttp.Response committed = replica(1).post(path + "/offsets", V2, "", as(ALICE));
        assertEquals(200, committed.status(), committed.body());
        KrestHttp.Response offsets = replica(2).send(HttpRequest.newBuilder(URI.create(replica(2).base() + path
                + "/offsets")).method("GET", HttpRequest.BodyPublishers.ofString("{\"partitions\":[{\"topic\":\""
                + TOPIC_A + "\",\"partition\":0}]}")), as(ALICE, "Content-Type", V2));
        assertEquals(200, offsets.status(), offsets.body());
        assertEquals(1, offsets.json().get("offsets").size(), "alice's commit is stored in Kafka: " + offsets.body());
        assertEquals(204, delete(replica(0), path, as(ALICE)).status());
    }

    @Test
    void bobsProduceToAlicesTopicIsForbiddenInV2AndV3() {
        KrestHttp.Response v2 = replica(0).post("/topics/" + TOPIC_A, BINARY, produceBody("x"), as(BOB));
        assertEquals(403, v2.status(), v2.body());
        assertEquals(40301, v2.errorCode(), v2.body());

        KrestHttp.Response v3 = replica(1).post("/v3/clusters/" + clusterId() + "/topics/" + TOPIC_A + "/records",
                "application/json", "{\"value\":{\"type\":\"STRING\",\"data\":\"x\"}}", as(BOB));
        assertEquals(403, v3.status(), v3.body());
        assertEquals(40301, v3.errorCode(), v3.body());

        KrestHttp.Response own = replica(2).post("/topics/" + TOPIC_B, BINARY, produceBody("bob's"), as(BOB));
        assertEquals(200, own.status(), own.body());
        assertTrue(own.json().get("offsets").get(0).get("error_code").isNull(), own.body());
    }

    @Test
    void recordsKafkaRefusesCarry40301() {
        // carol may describe topic a, so krest's checks pass and the producer sends; Kafka refuses each record
        KrestHttp.Response v2 = replica(0).post("/topics/" + TOPIC_A, BINARY,
                "{\"records\":[{\"value\":\"eA==\"},{\"value\":\"eQ==\"}]}", as(CAROL));
        assertEquals(403, v2.status(), v2.body());
        assertEquals(2, v2.json().get("offsets").size(), v2.body());
        v2.json().get("offsets").forEach(o -> assertEquals(40301, o.get("error_code").asInt(), v2.body()));

        KrestHttp.Response v3 = replica(1).post("/v3/clusters/" + clusterId() + "/topics/" + TOPIC_A + "/records",
                "application/json", "{\"value\":{\"type\":\"STRING\",\"data\":\"x\"}}", as(CAROL));
        assertEquals(200, v3.status(), v3.body());
        assertEquals(40301, v3.json().get("error_code").asInt(), "v3 receipt: " + v3.body());
    }

    @Test
    void topicListsShowOnlyWhatTheCallersAclsAllow() {
        for (int i = 0; i < 3; i++) {
            // the same replica answers both callers in turn: nothing one caller's request cached shows to the other
            List<String> alices = names(replica(i).get("/topics", as(ALICE)).json(), null);
            List<String> bobs = names(replica(i).get("/topics", as(BOB)).json(), null);
            assertTrue(alices.contains(TOPIC_A) && !alices.contains(TOPIC_B), "alice's v2 topics: " + alices);
            assertTrue(bobs.contains(TOPIC_B) && !bobs.contains(TOPIC_A), "bob's v2 topics: " + bobs);
        }
        String topics = "/v3/clusters/" + clusterId() + "/topics";
        List<String> bobs = names(replica(1).get(topics, as(BOB)).json().get("data"), "topic_name");
        List<String> alices = names(replica(1).get(topics, as(ALICE)).json().get("data"), "topic_name");
        assertEquals(List.of(TOPIC_B), bobs);
        assertEquals(List.of(TOPIC_A), alices);

        KrestHttp.Response describe = replica(2).get("/topics/" + TOPIC_A, as(BOB));
        assertEquals(403, describe.status(), describe.body());
        assertEquals(40301, describe.errorCode());
    }

    @Test
    void wrongPasswordOrNoCredentialsAnswer401() {
        for (int i = 0; i < 3; i++) {
            KrestHttp.Response wrong = replica(i).get("/topics", basic(ALICE, "not-" + passwords.apply(ALICE)));
            assertEquals(401, wrong.status(), wrong.body());
            assertEquals(40101, wrong.errorCode(), wrong.body());
            KrestHttp.Response produce = replica(i).post("/topics/" + TOPIC_A, BINARY, produceBody("x"),
                    basic(ALICE, "wrong"));
            assertEquals(401, produce.status(), produce.body());
            assertEquals(40101, produce.errorCode(), produce.body());
            KrestHttp.Response anonymous = replica(i).get("/topics");
            assertEquals(401, anonymous.status(), anonymous.body());
            assertEquals(40101, anonymous.errorCode(), anonymous.body());
        }
        // the failed attempts did not spoil alice's own clients
        KrestHttp.Response ok = replica(0).get("/topics", as(ALICE));
        assertEquals(200, ok.status(), ok.body());
    }

    @Test
    void aWrongPasswordIsRefusedWithAChallengeAlsoWhereNoKafkaCallIsMadeAsTheCaller() {
        String group = "alice-verified-" + System.nanoTime();
        String path = "/consumers/" + group + "/instances/c";
        assertEquals(200, replica(0).post("/consumers/" + group, V2, "{\"name\":\"c\"}", as(ALICE)).status());
        assertEquals(204, replica(0).post(path + "/subscription", V2, "{\"topics\":[\"" + TOPIC_A + "\"]}",
                as(ALICE)).status());
        for (int i = 0; i < 3; i++) {
            String[] wrong = basic(ALICE, "not-" + passwords.apply(ALICE));
            List<KrestHttp.Response> answers = List.of(replica(i).get("/", wrong),
                    replica(i).get("/v3/clusters", wrong), replica(i).get(path + "/subscription", wrong),
                    replica(i).post("/consumers/" + group, V2, "{\"name\":\"x\"}", wrong),
                    delete(replica(i), path + "/subscription", wrong), delete(replica(i), path, wrong),
                    replica(i).get("/openapi", wrong), replica(i).get("/observe/metrics", wrong));
            for (KrestHttp.Response r : answers) {
                assertEquals(401, r.status(), r.body());
                assertEquals(40101, r.errorCode(), r.body());
                assertTrue(r.headers().firstValue("WWW-Authenticate").isPresent(), r.body());
            }
        }
        assertEquals(List.of(TOPIC_A), names(replica(1).get(path + "/subscription", as(ALICE)).json().get("topics"),
                null), "alice's instance was not touched");
        assertEquals(200, replica(2).post("/consumers/" + group, V2, "{\"name\":\"x\"}", as(ALICE)).status(),
                "no instance x was created with the wrong password");
        KrestHttp.Response bobs = replica(0).post("/consumers/" + group, V2, "{\"name\":\"y\"}", as(BOB));
        assertEquals(403, bobs.status(), "bob may not read alice's groups: " + bobs.body());
        assertEquals(40301, bobs.errorCode());
        assertEquals(204, delete(replica(0), "/consumers/" + group + "/instances/x", as(ALICE)).status());
        assertEquals(204, delete(replica(0), path, as(ALICE)).status());
    }

    @Test
    void aPatternSubscriptionShowsAndReadsOnlyTopicsTheCallerMaySee() {
        String group = "bob-pattern-" + System.nanoTime();
        String path = "/consumers/" + group + "/instances/p";
        assertEquals(200, replica(0).post("/consumers/" + group, V2,
                "{\"name\":\"p\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}", as(BOB)).status());
        assertEquals(204, replica(1).post(path + "/subscription", V2, "{\"topic_pattern\":\"[ab]\"}", as(BOB))
                .status());
        assertEquals(List.of(TOPIC_B), names(replica(2).get(path + "/subscription", as(BOB)).json().get("topics"),
                null));
        String value = "bob-pattern-" + System.nanoTime();
        assertEquals(200, replica(0).post("/topics/" + TOPIC_B, BINARY, produceBody(value), as(BOB)).status());
        List<String> values = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        int i = 0;
        while (!values.contains(value) && System.currentTimeMillis() < deadline) {
            KrestHttp.Response polled = replica(i++ % 3).get(path + "/records?timeout=1000",
                    as(BOB, "Accept", BINARY));
            assertEquals(200, polled.status(), "bob never reads topic a: " + polled.body());
            polled.json().forEach(r -> values.add(new String(Base64.getDecoder().decode(r.get("value").asText()),
                    StandardCharsets.UTF_8)));
        }
        assertTrue(values.contains(value), "bob reads b through his pattern: " + values);
        JsonNode assigned = replica(1).get(path + "/assignments", as(BOB)).json().get("partitions");
        assertEquals(List.of(TOPIC_B), names(assigned, "topic"), assigned.toString());
        assertEquals(204, delete(replica(2), path, as(BOB)).status());
    }

    @Test
    void bobCannotTouchAlicesConsumerInstanceOnAnyReplica() {
        String group = "alice-isolated-" + System.nanoTime();
        String path = "/consumers/" + group + "/instances/mine";
        String missing = "/consumers/" + group + "/instances/no-such-instance";
        assertEquals(200, replica(0).post("/consumers/" + group, V2,
                "{\"name\":\"mine\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}", as(ALICE)).status());
        assertEquals(204, replica(0).post(path + "/subscription", V2, "{\"topics\":[\"" + TOPIC_A + "\"]}",
                as(ALICE)).status());
        assertEquals(200, replica(0).get(path + "/records?timeout=200", as(ALICE, "Accept", BINARY)).status());

        String partitions = "{\"partitions\":[{\"topic\":\"" + TOPIC_A + "\",\"partition\":0}]}";
        String offsets = "{\"offsets\":[{\"topic\":\"" + TOPIC_A + "\",\"partition\":0,\"offset\":0}]}";
        for (int i = 0; i < 3; i++) {
            KrestHttp r = replica(i);
            Map<String, Function<String, KrestHttp.Response>> operations = new java.util.LinkedHashMap<>();
            operations.put("poll", p -> r.get(p + "/records?timeout=100", as(BOB, "Accept", BINARY)));
            operations.put("commit positions", p -> r.post(p + "/offsets", V2, "", as(BOB)));
            operations.put("commit offsets", p -> r.post(p + "/offsets", V2, offsets, as(BOB)));
            operations.put("committed offsets", p -> r.send(HttpRequest.newBuilder(URI.create(r.base() + p
                    + "/offsets")).method("GET", HttpRequest.BodyPublishers.ofString(partitions)),
                    as(BOB, "Content-Type", V2)));
            operations.put("seek", p -> r.post(p + "/positions", V2, offsets, as(BOB)));
            operations.put("seek to beginning", p -> r.post(p + "/positions/beginning", V2, partitions, as(BOB)));
            operations.put("seek to end", p -> r.post(p + "/positions/end", V2, partitions, as(BOB)));
            operations.put("assign", p -> r.post(p + "/assignments", V2, partitions, as(BOB)));
            operations.put("assignments", p -> r.get(p + "/assignments", as(BOB)));
            operations.put("subscribe", p -> r.post(p + "/subscription", V2, "{\"topics\":[\"" + TOPIC_B + "\"]}",
                    as(BOB)));
            operations.put("subscription", p -> r.get(p + "/subscription", as(BOB)));
            operations.put("unsubscribe", p -> delete(r, p + "/subscription", as(BOB)));
            operations.put("delete", p -> delete(r, p, as(BOB)));
            operations.forEach((name, operation) -> {
                KrestHttp.Response absent = operation.apply(missing);
                KrestHttp.Response alices = operation.apply(path);
                assertEquals(404, absent.status(), name + " on a missing instance: " + absent.body());
                assertEquals(40403, absent.errorCode(), name);
                assertEquals(absent.status(), alices.status(), name + " on alice's instance: " + alices.body());
                assertEquals(absent.body(), alices.body(), name + ": the same body as for a missing instance");
                assertEquals(absent.contentType(), alices.contentType(), name);
            });
        }

        // alice's instance is untouched: still subscribed, still hers
        String value = "after-bob-" + System.nanoTime();
        assertEquals(200, replica(1).post("/topics/" + TOPIC_A, BINARY, produceBody(value), as(ALICE)).status());
        List<String> values = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        int i = 0;
        while (!values.contains(value) && System.currentTimeMillis() < deadline) {
            KrestHttp.Response polled = replica(i++ % 3).get(path + "/records?timeout=1000",
                    as(ALICE, "Accept", BINARY));
            assertEquals(200, polled.status(), polled.body());
            polled.json().forEach(rec -> values.add(new String(Base64.getDecoder().decode(rec.get("value").asText()),
                    StandardCharsets.UTF_8)));
        }
        assertTrue(values.contains(value), "alice still consumes: " + values);
        assertEquals(List.of(TOPIC_A), names(replica(2).get(path + "/subscription", as(ALICE)).json()
                .get("topics"), null));

        // v3: bob's consumer group views do not show alice's group or her instance
        String groups = "/v3/clusters/" + clusterId() + "/consumer-groups";
        List<String> bobsGroups = names(replica(0).get(groups, as(BOB)).json().get("data"), "consumer_group_id");
        assertFalse(bobsGroups.contains(group), "bob's consumer groups: " + bobsGroups);
        List<String> alicesGroups = names(replica(0).get(groups, as(ALICE)).json().get("data"),
                "consumer_group_id");
        assertTrue(alicesGroups.contains(group), "alice's consumer groups: " + alicesGroups);
        assertEquals(204, delete(replica(2), path, as(ALICE)).status());
    }
}
