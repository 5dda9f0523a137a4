package io.github.krest.proxy.security;

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
import io.github.krest.proxy.testing.V2ConsumerClient;
import io.github.krest.proxy.testing.V2ConsumerClient.Instance;
import io.github.krest.proxy.testing.V2ConsumerClient.Offset;
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

    /** @return the v2 consumer API of replica {@code i}, every request carrying {@code headers} */
    static V2ConsumerClient consumers(int i, String... headers) {
        return new V2ConsumerClient(replica(i), headers);
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
        KrestHttp.Response created = consumers(1, as(ALICE)).create(group,
                "{\"name\":\"c1\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}");
        assertEquals(200, created.status(), created.body());
        Instance instance = new Instance(group, "c1");
        assertEquals(204, consumers(2, as(ALICE)).subscribe(instance, TOPIC_A).status());
        List<String> values = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        int i = 0;
        while (!values.contains(value) && System.currentTimeMillis() < deadline) {
            KrestHttp.Response polled = consumers(i++ % 3, as(ALICE)).poll(instance, BINARY, "timeout=1000");
            assertEquals(200, polled.status(), polled.body());
            polled.json().forEach(r -> values.add(new String(Base64.getDecoder().decode(r.get("value").asText()),
                    StandardCharsets.UTF_8)));
        }
        assertTrue(values.contains(value), "alice reads her record: " + values);
        assertEquals(200, consumers(0, as(ALICE)).commit(instance).status());
        KrestHttp.Response committed = consumers(1, as(ALICE)).commit(instance);
        assertEquals(200, committed.status(), committed.body());
        KrestHttp.Response offsets = consumers(2, as(ALICE)).committed(instance, TOPIC_A, 0);
        assertEquals(200, offsets.status(), offsets.body());
        assertEquals(1, offsets.json().get("offsets").size(), "alice's commit is stored in Kafka: " + offsets.body());
        assertEquals(204, consumers(0, as(ALICE)).delete(instance).status());
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
        Instance instance = consumers(0, as(ALICE)).created(group, "{\"name\":\"c\"}");
        assertEquals(204, consumers(0, as(ALICE)).subscribe(instance, TOPIC_A).status());
        for (int i = 0; i < 3; i++) {
            String[] wrong = basic(ALICE, "not-" + passwords.apply(ALICE));
            V2ConsumerClient intruder = consumers(i, wrong);
            List<KrestHttp.Response> answers = List.of(replica(i).get("/", wrong),
                    replica(i).get("/v3/clusters", wrong), intruder.subscription(instance),
                    intruder.create(group, "{\"name\":\"x\"}"),
                    intruder.unsubscribe(instance), intruder.delete(instance),
                    replica(i).get("/openapi", wrong), replica(i).get("/observe/metrics", wrong));
            for (KrestHttp.Response r : answers) {
                assertEquals(401, r.status(), r.body());
                assertEquals(40101, r.errorCode(), r.body());
                assertTrue(r.headers().firstValue("WWW-Authenticate").isPresent(), r.body());
            }
        }
        assertEquals(List.of(TOPIC_A), names(consumers(1, as(ALICE)).subscription(instance).json().get("topics"),
                null), "alice's instance was not touched");
        assertEquals(200, consumers(2, as(ALICE)).create(group, "{\"name\":\"x\"}").status(),
                "no instance x was created with the wrong password");
        KrestHttp.Response bobs = consumers(0, as(BOB)).create(group, "{\"name\":\"y\"}");
        assertEquals(403, bobs.status(), "bob may not read alice's groups: " + bobs.body());
        assertEquals(40301, bobs.errorCode());
        assertEquals(204, consumers(0, as(ALICE)).delete(new Instance(group, "x")).status());
        assertEquals(204, consumers(0, as(ALICE)).delete(instance).status());
    }

    @Test
    void aPatternSubscriptionShowsAndReadsOnlyTopicsTheCallerMaySee() {
        String group = "bob-pattern-" + System.nanoTime();
        Instance instance = consumers(0, as(BOB)).created(group,
                "{\"name\":\"p\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}");
        assertEquals(204, consumers(1, as(BOB)).subscribePattern(instance, "[ab]").status());
        assertEquals(List.of(TOPIC_B), names(consumers(2, as(BOB)).subscription(instance).json().get("topics"),
                null));
        String value = "bob-pattern-" + System.nanoTime();
        assertEquals(200, replica(0).post("/topics/" + TOPIC_B, BINARY, produceBody(value), as(BOB)).status());
        List<String> values = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        int i = 0;
        while (!values.contains(value) && System.currentTimeMillis() < deadline) {
            KrestHttp.Response polled = consumers(i++ % 3, as(BOB)).poll(instance, BINARY, "timeout=1000");
            assertEquals(200, polled.status(), "bob never reads topic a: " + polled.body());
            polled.json().forEach(r -> values.add(new String(Base64.getDecoder().decode(r.get("value").asText()),
                    StandardCharsets.UTF_8)));
        }
        assertTrue(values.contains(value), "bob reads b through his pattern: " + values);
        JsonNode assigned = consumers(1, as(BOB)).assignments(instance).json().get("partitions");
        assertEquals(List.of(TOPIC_B), names(assigned, "topic"), assigned.toString());
        assertEquals(204, consumers(2, as(BOB)).delete(instance).status());
    }

    @Test
    void bobCannotTouchAlicesConsumerInstanceOnAnyReplica() {
        String group = "alice-isolated-" + System.nanoTime();
        Instance instance = consumers(0, as(ALICE)).created(group,
                "{\"name\":\"mine\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}");
        Instance missing = new Instance(group, "no-such-instance");
        assertEquals(204, consumers(0, as(ALICE)).subscribe(instance, TOPIC_A).status());
        assertEquals(200, consumers(0, as(ALICE)).poll(instance, BINARY, "timeout=200").status());

        Offset first = new Offset(TOPIC_A, 0, 0);
        for (int i = 0; i < 3; i++) {
            V2ConsumerClient bob = consumers(i, as(BOB));
            Map<String, Function<Instance, KrestHttp.Response>> operations = new java.util.LinkedHashMap<>();
            operations.put("poll", p -> bob.poll(p, BINARY, "timeout=100"));
            operations.put("commit positions", bob::commit);
            operations.put("commit offsets", p -> bob.commit(p, first));
            operations.put("committed offsets", p -> bob.committed(p, TOPIC_A, 0));
            operations.put("seek", p -> bob.seek(p, first));
            operations.put("seek to beginning", p -> bob.seekToBeginning(p, TOPIC_A, 0));
            operations.put("seek to end", p -> bob.seekToEnd(p, TOPIC_A, 0));
            operations.put("assign", p -> bob.assign(p, TOPIC_A, 0));
            operations.put("assignments", bob::assignments);
            operations.put("subscribe", p -> bob.subscribe(p, TOPIC_B));
            operations.put("subscription", bob::subscription);
            operations.put("unsubscribe", bob::unsubscribe);
            operations.put("delete", bob::delete);
            operations.forEach((name, operation) -> {
                KrestHttp.Response absent = operation.apply(missing);
                KrestHttp.Response alices = operation.apply(instance);
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
            KrestHttp.Response polled = consumers(i++ % 3, as(ALICE)).poll(instance, BINARY, "timeout=1000");
            assertEquals(200, polled.status(), polled.body());
            polled.json().forEach(rec -> values.add(new String(Base64.getDecoder().decode(rec.get("value").asText()),
                    StandardCharsets.UTF_8)));
        }
        assertTrue(values.contains(value), "alice still consumes: " + values);
        assertEquals(List.of(TOPIC_A), names(consumers(2, as(ALICE)).subscription(instance).json()
                .get("topics"), null));

        // v3: bob's consumer group views do not show alice's group or her instance
        String groups = "/v3/clusters/" + clusterId() + "/consumer-groups";
        List<String> bobsGroups = names(replica(0).get(groups, as(BOB)).json().get("data"), "consumer_group_id");
        assertFalse(bobsGroups.contains(group), "bob's consumer groups: " + bobsGroups);
        List<String> alicesGroups = names(replica(0).get(groups, as(ALICE)).json().get("data"),
                "consumer_group_id");
        assertTrue(alicesGroups.contains(group), "alice's consumer groups: " + alicesGroups);
        assertEquals(204, consumers(2, as(ALICE)).delete(instance).status());
    }
}
