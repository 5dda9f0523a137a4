package io.github.krest.proxy.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.krest.proxy.KrestServer;
import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.SecuredKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * An idempotent shared producer in Kafka's fatal state, on a real broker, and its replacement. The way there that an
 * operator meets: the producer's credential is not valid yet when the replica starts (a secret rotated a moment
 * later, a SCRAM user created after the deployment). The producer fails to authenticate while it asks for its
 * producer id, which leaves a Kafka 4.3 idempotent producer waiting for an id it never asks for again (KAFKA-20237):
 * it takes records and never sends them, even once the credential works. krest answers the records of that moment as
 * Kafka's error says (401/40101) and replaces the producer, so the first record after the credential works is
 * written, once.
 */
class ProducerRecoveryTest {
    private static final String BINARY = "application/vnd.kafka.binary.v2+json";
    private static final String USER = "renewal-producer";
    private static final String PASSWORD = "renewal-secret";

    @Test
    void producerThatFailedToAuthenticateIsReplacedOnceItsCredentialWorks() throws Exception {
        String topic = "producer-renewal";
        try (Admin admin = Admin.create(adminProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            admin.createAcls(List.of(allow(topic, AclOperation.WRITE), allow(topic, AclOperation.DESCRIBE)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        Map<String, String> props = new HashMap<>();
        props.put(KrestConfig.BOOTSTRAP_SERVERS, SecuredKafka.bootstrapServers());
        props.put(KrestConfig.LISTENERS, "http://127.0.0.1:0");
        props.put("client.security.protocol", "SASL_PLAINTEXT");
        props.put("client.sasl.mechanism", "PLAIN");
        props.put("client.sasl.jaas.config", SecuredKafka.adminJaasConfig());
        // only the producer logs in as the user whose SCRAM credential does not exist yet
        props.put("producer.sasl.mechanism", "SCRAM-SHA-256");
        props.put("producer.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"" + USER + "\" password=\"" + PASSWORD + "\";");
        props.put("producer.linger.ms", "0");
        props.put("producer.max.block.ms", "10000");
        // a stuck producer's records then fail within 15 s instead of Kafka's 120 s
        props.put("producer.request.timeout.ms", "10000");
        props.put("producer.delivery.timeout.ms", "15000");
        try (KrestServer server = KrestServer.start(new KrestConfig(props))) {
            KrestHttp http = new KrestHttp("http://127.0.0.1:" + server.port());
            KrestHttp.Response before = http.post("/topics/" + topic, BINARY, body("before"));
            assertEquals(401, before.status(), before.body());
            assertEquals(40101, before.json().get("offsets").get(0).get("error_code").asInt(), before.body());

            try (Admin admin = Admin.create(adminProperties())) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), PASSWORD)))
                        .all().get(30, TimeUnit.SECONDS);
            }
            awaitCredential();
            // the producer that failed to authenticate would take this record and never send it
            KrestHttp.Response after = http.post("/topics/" + topic, BINARY, body("after"));
            assertEquals(200, after.status(), after.body());
            assertTrue(after.json().get("offsets").get(0).get("error_code").isNull(), after.body());
            List<String> acknowledged = List.of("after");
            String scrape = http.get("/observe/metrics").body();
            assertTrue(scrape.lines().anyMatch(l -> l.startsWith("krest_producer_replacements") && l.endsWith(" 1.0")),
                    "one replacement: " + scrape.lines().filter(l -> l.contains("replacements")).toList());
            assertEquals(acknowledged, read(topic), "the acknowledged record, written once; nothing else");
        }
    }

    private static Map<String, Object> adminProperties() {
        SecuredKafka.bootstrapServers();
        return SecuredKafka.clientProperties("PLAIN", SecuredKafka.ADMIN,
                SecuredKafka.plainPassword(SecuredKafka.ADMIN));
    }

    /** Waits until the broker accepts the new SCRAM credential (it arrives through the metadata log). */
    private static void awaitCredential() throws InterruptedException {
        Map<String, Object> props = SecuredKafka.clientProperties("SCRAM-SHA-256", USER, PASSWORD);
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            try (Admin admin = Admin.create(props)) {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception notYet) {
                assertTrue(System.currentTimeMillis() < deadline, "the credential never worked: " + notYet);
                Thread.sleep(200);
            }
        }
    }

    private static AclBinding allow(String topic, AclOperation operation) {
        return new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                new AccessControlEntry("User:" + USER, "*", operation, AclPermissionType.ALLOW));
    }

    private static String body(String value) {
        return "{\"records\":[{\"value\":\"" + Base64.getEncoder().encodeToString(
                value.getBytes(StandardCharsets.UTF_8)) + "\"}]}";
    }

    private static List<String> read(String topic) {
        Map<String, Object> props = new HashMap<>(adminProperties());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        TopicPartition partition = new TopicPartition(topic, 0);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long deadline = System.currentTimeMillis() + 10_000;
            while (consumer.position(partition) < end && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }
}
