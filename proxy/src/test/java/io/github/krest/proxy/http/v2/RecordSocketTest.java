package io.github.krest.proxy.http.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.testing.AccessLogCapture;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import io.github.krest.proxy.testing.TestRedis;
import io.github.krest.proxy.testing.V2ConsumerClient;
import io.github.krest.proxy.testing.V2ConsumerClient.Instance;
import io.github.krest.proxy.testing.WebSocketClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET .../records} upgraded to a WebSocket ({@link RecordSocket}), on real Kafka with two replicas sharing
 * Redis: every record arrives once and in order across a replica's shutdown (which closes the socket with 1001) and
 * a reconnect to the other replica; the commit control message commits what was delivered; pause stops delivery
 * until resume; {@code ?duration=} ends a socket with a normal close (and is refused, as plain HTTP 400, when not
 * positive); an unknown instance gets its 40403 as a message, then a normal close; and with BEARER an upgrade
 * without credentials is refused with 401 while one with the {@code access_token} query parameter opens, and the
 * access log shows both upgrades (101, 401) without the token.
 */
class RecordSocketTest {
    private static final Base64.Decoder B64 = Base64.getDecoder();

    private static String redisUrl;
    private static TestKrest a;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start() {
        redisUrl = TestRedis.newDatabase();
        a = TestKrest.start(shared());
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static Map<String, String> shared() {
        return Map.of("consumer.state.store", "redis", "redis.url", redisUrl, "auto.commit.interval.ms", "600000",
                "consumer.fetch.max.wait.ms", "50", "shutdown.graceful.ms", "20000");
    }

    @AfterAll
    static void stop() {
        producer.close();
        if (a != null) {
            a.close();
        }
    }

    private static void produce(String topic, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>(topic, 0, null, ("r" + i).getBytes(StandardCharsets.UTF_8)))
                    .get(10, TimeUnit.SECONDS);
        }
    }

    private static Instance subscribed(TestKrest krest, String group, String topic) {
        V2ConsumerClient consumers = new V2ConsumerClient(krest.http());
        Instance instance = consumers.created(group, "{\"name\":\"c\",\"format\":\"binary\","
                + "\"auto.offset.reset\":\"earliest\",\"auto.commit.enable\":\"false\"}");
        assertEquals(204, consumers.subscribe(instance, topic).status());
        return instance;
    }

    private static String url(TestKrest krest, Instance instance, String query) {
        return "ws://127.0.0.1:" + krest.port() + instance.path() + "/records?" + query;
    }

    /** Takes record messages until {@code count} values came; control replies are returned in {@code others}. */
    private static List<String> values(WebSocketClient socket, int count, List<JsonNode> others) throws Exception {
        List<String> values = new ArrayList<>();
        while (values.size() < count) {
            JsonNode message = KrestHttp.json(socket.next(10_000));
            if (!message.isArray()) {
                others.add(message);
                continue;
            }
            assertTrue(!message.isEmpty(), "an empty poll sends nothing");
            for (JsonNode record : message) {
                values.add(new String(B64.decode(record.get("value").asText()), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static List<String> range(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "r" + i).toList();
    }

    @Test
    void everyRecordOnceInOrderAcrossAShutdownAndAReconnectToAnotherReplica() throws Exception {
        String topic = TestKafka.createTopic("ws-reconnect", 1);
        produce(topic, 0, 10);
        TestKrest stopping = TestKrest.start(shared());
        Instance instance = subscribed(stopping, "ws-reconnect-group", topic);
        List<String> seen = new ArrayList<>();
        List<JsonNode> others = new ArrayList<>();
        WebSocketClient first = WebSocketClient.open(url(stopping, instance, "timeout=200"));
        seen.addAll(values(first, 10, others));
        produce(topic, 10, 15);
        seen.addAll(values(first, 5, others));

        CompletableFuture<Void> closing = CompletableFuture.runAsync(stopping::close);
        assertEquals(1001, first.closeCode(15_000), "a stopping replica closes its sockets as going away");
        closing.get(30, TimeUnit.SECONDS);
        first.close();

        produce(topic, 15, 25);
        try (WebSocketClient second = WebSocketClient.open(url(a, instance, "timeout=200"))) {
            seen.addAll(values(second, 10, others));
            assertNull(second.poll(500), "nothing more, nothing twice");
        }
        assertEquals(range(0, 25), seen, "every record once, in order");
        assertTrue(others.isEmpty(), others.toString());
    }

    @Test
    void commitControlMessageCommitsWhatWasDeliveredAndPauseStopsDelivery() throws Exception {
        String topic = TestKafka.createTopic("ws-control", 1);
        produce(topic, 0, 5);
        Instance instance = subscribed(a, "ws-control-group", topic);
        List<JsonNode> others = new ArrayList<>();
        try (WebSocketClient socket = WebSocketClient.open(url(a, instance, "timeout=200"))) {
            assertEquals(range(0, 5), values(socket, 5, others));
            socket.send("{\"action\":\"commit\"}");
            JsonNode reply = KrestHttp.json(socket.next(10_000));
            assertEquals("commit", reply.path("action").asText(), reply.toString());
            assertEquals("ok", reply.path("status").asText(), reply.toString());
            KrestHttp.Response committed = new V2ConsumerClient(a.http()).committed(instance, topic, 0);
            assertEquals(200, committed.status(), committed.body());
            assertEquals(5, committed.json().get("offsets").get(0).get("offset").asLong(), committed.body());

            socket.send("{\"action\":\"pause\"}");
            Thread.sleep(500); // the poll in progress when the pause came may still deliver; none after it
            produce(topic, 5, 8);
            assertNull(socket.poll(1_500), "a paused socket delivers nothing");
            socket.send("{\"action\":\"resume\"}");
            assertEquals(range(5, 8), values(socket, 3, others));

            socket.send("{\"action\":\"rewind\"}");
            JsonNode error = KrestHttp.json(socket.next(10_000));
            assertEquals(400, error.path("error_code").asInt(), error.toString());
            assertTrue(others.isEmpty(), others.toString());
        }
    }

    @Test
    void aSocketEndsWithANormalCloseAfterItsDurationWhichMustBePositive() throws Exception {
        String topic = TestKafka.createTopic("ws-duration", 1);
        Instance instance = subscribed(a, "ws-duration-group", topic);
        for (String bad : List.of("0", "-5", "soon")) {
            KrestHttp.Response refused = WebSocketClient.refusal(url(a, instance, "timeout=200&duration=" + bad));
            assertEquals(400, refused.status(), refused.body());
            assertEquals(400, refused.errorCode(), refused.body());
        }

        long opened = System.nanoTime();
        try (WebSocketClient socket = WebSocketClient.open(url(a, instance, "timeout=200&duration=1500"))) {
            // consumer.stream.max.duration.ms is 5 minutes here: only ?duration= ends the socket this soon
            assertEquals(1000, socket.closeCode(30_000));
        }
        assertTrue(System.nanoTime() - opened >= TimeUnit.MILLISECONDS.toNanos(1500), "not before its duration");
    }

    @Test
    void anUnknownInstanceGetsItsErrorThenANormalClose() throws Exception {
        try (WebSocketClient socket = WebSocketClient.open(url(a, new Instance("ws-none", "nobody"), "timeout=200"))) {
            JsonNode error = KrestHttp.json(socket.next(10_000));
            assertEquals(40403, error.path("error_code").asInt(), error.toString());
            assertEquals(1000, socket.closeCode(10_000));
        }
    }

    @Test
    void withBearerAnUpgradeNeedsCredentialsAndTheAccessTokenParameterCarriesThem() throws Exception {
        String secret = "0123456789abcdef0123456789abcdef-ws-secret";
        try (TestKrest secured = TestKrest.start(Map.of(KrestConfig.AUTHENTICATION_METHOD, "BEARER",
                KrestConfig.BEARER_SECRET, secret, KrestConfig.ACCESS_LOG_ENABLE, "true"));
             AccessLogCapture log = new AccessLogCapture()) {
            long now = System.currentTimeMillis();
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                    .subject("alice").issueTime(Date.from(Instant.ofEpochMilli(now)))
                    .expirationTime(Date.from(Instant.ofEpochMilli(now + 300_000))).build());
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            String token = jwt.serialize();
            String topic = TestKafka.createTopic("ws-auth", 1);
            produce(topic, 0, 2);
            V2ConsumerClient alice = new V2ConsumerClient(secured.http(), "Authorization", "Bearer " + token);
            Instance instance = alice.created("ws-auth-group", "{\"name\":\"c\",\"format\":\"binary\","
                    + "\"auto.offset.reset\":\"earliest\",\"auto.commit.enable\":\"false\"}");
            assertEquals(204, alice.subscribe(instance, topic).status());

            KrestHttp.Response refused = WebSocketClient.refusal(url(secured, instance, "timeout=200"));
            assertEquals(401, refused.status(), refused.body());
            KrestHttp.Response badToken = WebSocketClient.refusal(url(secured, instance,
                    "timeout=200&access_token=" + token + "x"));
            assertEquals(401, badToken.status(), badToken.body());

            try (WebSocketClient socket = WebSocketClient.open(url(secured, instance,
                    "timeout=200&access_token=" + token))) {
                assertEquals(range(0, 2), values(socket, 2, new ArrayList<>()));
            }
            // a header works as for any request (another instance: the closed socket's last poll may still take
            // records, which count as delivered); the query parameter is for GETs only
            Instance other = alice.created("ws-auth-group-2", "{\"name\":\"c\",\"format\":\"binary\","
                    + "\"auto.offset.reset\":\"earliest\",\"auto.commit.enable\":\"false\"}");
            assertEquals(204, alice.subscribe(other, topic).status());
            try (WebSocketClient socket = WebSocketClient.open(url(secured, other, "timeout=200"),
                    "Authorization", "Bearer " + token)) {
                assertEquals(range(0, 2), values(socket, 2, new ArrayList<>()));
            }
            KrestHttp.Response post = secured.http().post(instance.path() + "/offsets?access_token=" + token,
                    null, "");
            assertEquals(401, post.status(), post.body());
            assertTrue(log.await(l -> l.contains("resource=api.v2.consumers.consume-websocket status=101")
                    && l.contains("principal=alice")), log.lines().toString());
            assertTrue(log.await(l -> l.contains("resource=api.v2.consumers.consume-websocket status=401")),
                    log.lines().toString());
            assertTrue(log.lines().stream().noneMatch(l -> l.contains(token.substring(0, 20))),
                    "the access log never prints the token: " + log.lines());
        }
    }
}
