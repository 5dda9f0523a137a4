package io.github.krest.proxy.compat;

import static io.github.krest.proxy.compat.Compat.JSON;
import static io.github.krest.proxy.compat.Compat.assertError;
import static io.github.krest.proxy.compat.Compat.assertOk;
import static io.github.krest.proxy.compat.Compat.base64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Confluent's v3 produce integration tests without a Schema Registry, one nested class each, against one krest:
 * {@code POST .../records} answers 200 and one receipt per record ({@code error_code} 200 with where it was written,
 * or the record's own error code, the stream going on), {@code POST .../records:batch} answers 207 with
 * {@code successes} and {@code failures} by entry id; Kafka holds what was described. Plus extra cases: a record with a
 * field a record does not have (a v2-shaped body) gets a 400 receipt naming it and writes nothing; the same in a batch
 * is 422/422 {@code Unrecognized field: records} for the whole batch.
 */
class V3ProduceCompatTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final AtomicInteger TOPICS = new AtomicInteger();

    @RegisterExtension
    static final CompatKrest krest = new CompatKrest();

    private static String topic() {
        return TestKafka.createTopic("compat-v3-produce-" + TOPICS.incrementAndGet(), 3);
    }

    private static String records(String topic) {
        return krest.v3("/topics/" + topic + "/records");
    }

    /** @return the receipts of a stream's answer, in order */
    private static List<JsonNode> receipts(KrestHttp.Response r) {
        assertOk(r, 200, JSON);
        List<JsonNode> receipts = new ArrayList<>();
        try (MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(r.body())) {
            it.forEachRemaining(receipts::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return receipts;
    }

    /** @return the record a success receipt names, read from Kafka */
    private static ConsumerRecord<byte[], byte[]> produced(String topic, JsonNode receipt) {
        return Compat.record(topic, receipt.get("partition_id").asInt(), receipt.get("offset").asLong());
    }

    private static String utf8(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static void assertSuccess(JsonNode receipt, String topic) {
        assertEquals(200, receipt.get("error_code").asInt(), receipt.toString());
        assertEquals(krest.clusterId(), receipt.get("cluster_id").asText());
        assertEquals(topic, receipt.get("topic_name").asText());
        assertTrue(receipt.get("partition_id").isInt() && receipt.get("offset").isIntegralNumber(),
                receipt.toString());
        assertTrue(receipt.get("timestamp").isTextual(), receipt.toString());
    }

    /**
     * Confluent {@code ProduceActionNoSchemaIntegrationTest}, and the cases of {@code ProduceActionIntegrationTest}
     * that need no Schema Registry.
     */
    @Nested
    class ProduceActionNoSchemaIntegrationTest {
        @Test
        void produceBinary() {
            String topic = topic();
            JsonNode receipt = receipts(krest.post(records(topic), JSON, "{\"key\":{\"type\":\"BINARY\",\"data\":\""
                    + base64("foo") + "\"},\"value\":{\"type\":\"BINARY\",\"data\":\"" + base64("bar") + "\"}}"))
                    .getFirst();
            assertSuccess(receipt, topic);
            assertEquals("BINARY", receipt.at("/key/type").asText());
            assertEquals(3, receipt.at("/key/size").asInt());
            assertEquals(3, receipt.at("/value/size").asInt());
            ConsumerRecord<byte[], byte[]> r = produced(topic, receipt);
            assertEquals("foo", utf8(r.key()));
            assertEquals("bar", utf8(r.value()));
        }

        @Test
        void produceWithNullData() {
            String topic = topic();
            JsonNode receipt = receipts(krest.post(records(topic), JSON, "{\"key\":{\"type\":\"BINARY\",\"data\":null},"
                    + "\"value\":{\"type\":\"STRING\",\"data\":null}}")).getFirst();
            assertSuccess(receipt, topic);
            ConsumerRecord<byte[], byte[]> r = produced(topic, receipt);
            assertNull(r.key());
            assertNull(r.value());
        }

        @Test
        void produceBinaryWithInvalidDataGetsA400Receipt() {
            String topic = topic();
            JsonNode receipt = receipts(krest.post(records(topic), JSON, "{\"key\":{\"type\":\"BINARY\",\"data\":1},"
                    + "\"value\":{\"type\":\"BINARY\",\"data\":\"fooba\"}}")).getFirst();
            assertEquals(400, receipt.get("error_code").asInt(), receipt.toString());
            assertEquals(0, Compat.recordCount(topic));
        }

        @Test
        void produceStringAndJsonAndCharsets() {
            String topic = topic();
            String body = "{\"key\":{\"type\":\"STRING\",\"data\":\"foo\"},"
                    + "\"value\":{\"type\":\"JSON\",\"data\":\"bar\"}}";
            for (String type : List.of(JSON, JSON + "; charset=UTF-8", JSON + "; charset=ISO-8859-1")) {
                JsonNode receipt = receipts(krest.post(records(topic), type, body)).getFirst();
                assertSuccess(receipt, topic);
                ConsumerRecord<byte[], byte[]> r = produced(topic, receipt);
                assertEquals("foo", utf8(r.key()), type);
                assertEquals("\"bar\"", utf8(r.value()), type);
            }
            assertError(krest.post(records(topic), JSON + "; charset=DEADBEEF", body), 400, 400, JSON);
        }

        @Test
        void produceStringWithEmptyData() {
            String topic = topic();
            JsonNode receipt = receipts(krest.post(records(topic), JSON,
                    "{\"value\":{\"type\":\"STRING\",\"data\":\"\"}}")).getFirst();
            assertSuccess(receipt, topic);
            assertEquals("", utf8(produced(topic, receipt).value()));
        }

        @Test
        void produceWithPartitionTimestampAndHeaders() {
            String topic = topic();
            Instant timestamp = Instant.parse("2021-02-05T19:14:42Z");
            JsonNode receipt = receipts(krest.post(records(topic), JSON, "{\"partition_id\":1,\"timestamp\":\""
                    + timestamp + "\",\"headers\":[{\"name\":\"header-1\",\"value\":\"" + base64("value-1")
                    + "\"},{\"name\":\"header-2\",\"value\":\"" + base64("value-2") + "\"}],"
                    + "\"value\":{\"type\":\"STRING\",\"data\":\"bar\"}}")).getFirst();
            assertSuccess(receipt, topic);
            assertEquals(1, receipt.get("partition_id").asInt());
            ConsumerRecord<byte[], byte[]> r = produced(topic, receipt);
            assertEquals(timestamp.toEpochMilli(), r.timestamp());
            assertEquals("value-2", utf8(r.headers().lastHeader("header-2").value()));
            assertNull(r.key());
        }

        @Test
        void produceNothingWritesAnEmptyRecord() {
            String topic = topic();
            JsonNode receipt = receipts(krest.post(records(topic), JSON, "{}")).getFirst();
            assertSuccess(receipt, topic);
            ConsumerRecord<byte[], byte[]> r = produced(topic, receipt);
            assertNull(r.key());
            assertNull(r.value());
        }

        @Test
        void aStreamOfInvalidRecordsGetsA400ReceiptEach() {
            String topic = topic();
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                body.append("{\"partition_id\":0,\"key\":{\"type\":\"BINARY\",\"data\":").append(2 * i)
                        .append("},\"value\":{\"type\":\"BINARY\",\"data\":").append(2 * i + 1).append("}}");
            }
            List<JsonNode> receipts = receipts(krest.post(records(topic), JSON, body.toString()));
            assertEquals(10, receipts.size());
            assertTrue(receipts.stream().allMatch(r -> r.get("error_code").asInt() == 400), receipts.toString());
        }

        @Test
        void produceWithUnknownFieldsGetsA400ReceiptAndWritesNothing() {
            String topic = topic();
            // Confluent's produceWithInvalidData_throwsBadRequest: a v2-shaped body sent to v3
            JsonNode receipt = receipts(krest.post(records(topic), JSON, "{ \"records\": {\"subject\": \"foobar\" } }"))
                    .getFirst();
            assertEquals(400, receipt.get("error_code").asInt(), receipt.toString());
            assertTrue(receipt.get("message").asText().contains("Unrecognized field \"records\""), receipt.toString());
            // in a key, in a header; the stream goes on with the next record
            List<JsonNode> receipts = receipts(krest.post(records(topic), JSON,
                    "{\"key\":{\"type\":\"STRING\",\"dat\":\"x\"}}"
                            + "{\"headers\":[{\"name\":\"h\",\"vaule\":\"\"}]}"
                            + "{\"value\":{\"type\":\"STRING\",\"data\":\"ok\"}}"));
            assertTrue(receipts.get(0).get("message").asText().contains("\"key.dat\""), receipts.toString());
            assertTrue(receipts.get(1).get("message").asText().contains("\"headers[0].vaule\""), receipts.toString());
            assertEquals(400, receipts.get(1).get("error_code").asInt());
            assertSuccess(receipts.get(2), topic);
            assertEquals(1, Compat.recordCount(topic));
        }
    }

    /** Confluent {@code ProduceBatchActionIntegrationTest} (its cases without a Schema Registry). */
    @Nested
    class ProduceBatchActionIntegrationTest {
        private KrestHttp.Response batch(String topic, String body) {
            return krest.post(records(topic) + ":batch", JSON, body, "Accept", JSON);
        }

        @Test
        void produceBinaryAndNullData() {
            String topic = topic();
            JsonNode body = assertOk(batch(topic, "{\"entries\":[{\"id\":\"1\",\"key\":{\"type\":\"BINARY\",\"data\":\""
                    + base64("foo") + "\"},\"value\":{\"type\":\"BINARY\",\"data\":\"" + base64("bar") + "\"}},"
                    + "{\"id\":\"2\",\"key\":{\"type\":\"BINARY\",\"data\":null},\"value\":{\"type\":\"BINARY\","
                    + "\"data\":null}}]}"), 207, JSON);
            assertEquals(0, body.get("failures").size(), body.toString());
            JsonNode first = body.at("/successes/0");
            assertEquals("1", first.get("id").asText());
            assertEquals(krest.clusterId(), first.get("cluster_id").asText());
            assertEquals(topic, first.get("topic_name").asText());
            ConsumerRecord<byte[], byte[]> r = produced(topic, first);
            assertArrayEquals("foo".getBytes(StandardCharsets.UTF_8), r.key());
            assertArrayEquals("bar".getBytes(StandardCharsets.UTF_8), r.value());
            JsonNode second = body.at("/successes/1");
            assertEquals("2", second.get("id").asText());
            assertNull(produced(topic, second).value());
        }

        @Test
        void produceBinaryWithInvalidDataIsAFailureEntry() {
            String topic = topic();
            JsonNode body = assertOk(batch(topic, "{\"entries\":[{\"id\":\"1\",\"key\":{\"type\":\"BINARY\","
                    + "\"data\":1},\"value\":{\"type\":\"BINARY\",\"data\":\"fooba\"}}]}"), 207, JSON);
            assertEquals("1", body.at("/failures/0/id").asText());
            assertEquals(400, body.at("/failures/0/error_code").asInt(), body.toString());
        }

        @Test
        void produceStringWithPartitionTimestampAndHeaders() {
            String topic = topic();
            JsonNode body = assertOk(batch(topic, "{\"entries\":[{\"id\":\"1\",\"partition_id\":2,"
                    + "\"timestamp\":\"2021-02-05T19:14:42Z\",\"headers\":[{\"name\":\"h\",\"value\":\"" + base64("v")
                    + "\"}],\"key\":{\"type\":\"STRING\",\"data\":\"foo\"},\"value\":{\"type\":\"JSON\","
                    + "\"data\":{\"a\":1}}}]}"), 207, JSON);
            JsonNode success = body.at("/successes/0");
            assertEquals(2, success.get("partition_id").asInt(), body.toString());
            ConsumerRecord<byte[], byte[]> r = produced(topic, success);
            assertEquals("foo", utf8(r.key()));
            assertEquals(KrestHttp.json("{\"a\":1}"), KrestHttp.json(utf8(r.value())));
            assertEquals("v", utf8(r.headers().lastHeader("h").value()));
        }

        @Test
        void emptyOrDuplicateBatchesAre42208() {
            String topic = topic();
            assertError(batch(topic, ""), 422, 42208, JSON);
            assertError(batch(topic, "{\"entries\":[]}"), 422, 42208, JSON);
            assertError(batch(topic, "{\"entries\":[{\"id\":\"1\"},{\"id\":\"1\"}]}"), 422, 42208, JSON);
        }

        @Test
        void produceWithUnknownFieldsIs422AndWritesNothing() {
            String topic = topic();
            JsonNode error = assertError(batch(topic, "{ \"records\": {\"subject\": \"foobar\" } }"), 422, 422, JSON);
            assertEquals("Unrecognized field: records", error.get("message").asText());
            JsonNode nested = assertError(batch(topic, "{\"entries\":[{\"id\":\"1\",\"value\":{\"type\":\"STRING\","
                    + "\"data\":\"ok\"}},{\"id\":\"2\",\"value\":{\"type\":\"STRING\",\"daat\":\"x\"}}]}"), 422, 422,
                    JSON);
            assertEquals("Unrecognized field: entries[1].value.daat", nested.get("message").asText());
            assertEquals(0, Compat.recordCount(topic));
        }
    }
}
