package io.github.krest.proxy.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the compatibility tests assert about every answer, as Confluent's own integration tests do: the status, the
 * media type of {@code Content-Type}, and for errors the body's shape ({@code error_code} and {@code message}, nothing
 * else) and its {@code error_code}.
 */
final class Compat {
    static final String V2 = "application/vnd.kafka.v2+json";
    static final String BINARY = "application/vnd.kafka.binary.v2+json";
    static final String JSON_V2 = "application/vnd.kafka.json.v2+json";
    static final String AVRO_V2 = "application/vnd.kafka.avro.v2+json";
    static final String JSON = "application/json";

    private Compat() {
    }

    /** @return the media type of the answer's {@code Content-Type}, without parameters, lower-case */
    static String mediaType(KrestHttp.Response r) {
        return r.contentType().split(";", -1)[0].trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Asserts a successful answer.
     *
     * @return its JSON body (null when it has none)
     */
    static JsonNode assertOk(KrestHttp.Response r, int status, String mediaType) {
        assertEquals(status, r.status(), r.body());
        assertEquals(mediaType, mediaType(r), r.body());
        return r.json();
    }

    /**
     * Asserts an error answer: status, media type, and a body of exactly {@code error_code} and {@code message}.
     *
     * @return the body
     */
    static JsonNode assertError(KrestHttp.Response r, int status, int errorCode, String mediaType) {
        assertEquals(status, r.status(), r.body());
        assertEquals(mediaType, mediaType(r), r.body());
        JsonNode body = r.json();
        assertTrue(body != null && body.isObject() && body.size() == 2 && body.path("message").isTextual(),
                r.body());
        assertEquals(errorCode, r.errorCode(), r.body());
        return body;
    }

    /**
     * Asserts the envelope every v3 resource has, as Confluent's tests build it: {@code kind}, {@code metadata.self}
     * (its absolute URL) and {@code metadata.resource_name} (its CRN).
     */
    static void assertResource(JsonNode resource, String kind, String self, String resourceName) {
        assertEquals(kind, resource.get("kind").asText(), resource.toString());
        assertEquals(self, resource.at("/metadata/self").asText(), resource.toString());
        assertEquals(resourceName, resource.at("/metadata/resource_name").asText(), resource.toString());
    }

    /**
     * Asserts a config's value as Confluent's config tests do: name, value, whether it is the default, not read-only
     * nor sensitive, its source, and its most specific synonym (the same value and source).
     */
    static void assertConfig(JsonNode config, String name, String value, boolean isDefault, String source) {
        assertEquals(name, config.get("name").asText(), config.toString());
        assertEquals(value, config.get("value").asText(), config.toString());
        assertEquals(isDefault, config.get("is_default").asBoolean(), config.toString());
        assertTrue(!config.get("is_read_only").asBoolean() && !config.get("is_sensitive").asBoolean(),
                config.toString());
        assertEquals(source, config.get("source").asText(), config.toString());
        assertEquals(source, config.at("/synonyms/0/source").asText(), config.toString());
        assertEquals(value, config.at("/synonyms/0/value").asText(), config.toString());
    }

    /** Sends any method with an optional body ({@code contentType} null for none). */
    static KrestHttp.Response send(KrestHttp http, String method, String path, String contentType, String body,
                                   String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.send(b, headers);
    }

    /** @return the cluster id, from {@code GET /v3/clusters} */
    static String clusterId(KrestHttp http) {
        return http.get("/v3/clusters").json().at("/data/0/cluster_id").asText();
    }

    /** @return {@code text} as UTF-8, base64 encoded */
    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** @return {@code base64} decoded as UTF-8 text */
    static String text(JsonNode base64) {
        return new String(Base64.getDecoder().decode(base64.asText()), StandardCharsets.UTF_8);
    }

    /**
     * The records a topic holds: the sum of its partitions' end offsets (no record is ever deleted in these tests).
     *
     * @param topic the topic
     * @return how many records were written to it
     */
    static long recordCount(String topic) {
        try {
            Admin admin = TestKafka.admin();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads one record with a plain Kafka consumer, as Confluent's tests check what a produce wrote.
     *
     * @return the record at {@code offset} of {@code partition}
     * @throws AssertionError when there is none within 30 s
     */
    static ConsumerRecord<byte[], byte[]> record(String topic, int partition, long offset) {
        TopicPartition tp = new TopicPartition(topic, partition);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, offset);
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() == offset) {
                        return r;
                    }
                }
            }
        }
        throw new AssertionError("no record at offset " + offset + " of " + tp);
    }

    /**
     * Repeats {@code request} until its answer satisfies {@code done}, for up to 30 s (Confluent's tests retry the
     * same way where Kafka's state settles asynchronously).
     *
     * @return the first answer that satisfies it
     */
    static KrestHttp.Response eventually(Supplier<KrestHttp.Response> request, Predicate<KrestHttp.Response> done) {
        long deadline = System.currentTimeMillis() + 30_000;
        KrestHttp.Response last = request.get();
        while (!done.test(last)) {
            if (System.currentTimeMillis() > deadline) {
                fail("No answer as expected within 30 s; the last: " + last.status() + " " + last.body());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(e);
            }
            last = request.get();
        }
        return last;
    }
}
