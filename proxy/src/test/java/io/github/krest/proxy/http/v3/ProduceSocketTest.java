package io.github.krest.proxy.http.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import io.github.krest.proxy.testing.WebSocketClient;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v3/clusters/{C}/topics/{t}/records} upgraded to a WebSocket ({@link ProduceSocket}), on real Kafka:
 * one receipt per record message, in order, an error receipt for a bad record while the socket goes on, a 400
 * receipt and a close for a message that is not JSON, the upgrade request's trace context on every record, and the checks of a stream (cluster, topic) answered as HTTP
 * before any socket opens.
 */
class ProduceSocketTest {
    private static TestKrest krest;
    private static String clusterId;

    @BeforeAll
    static void start() throws Exception {
        clusterId = TestKafka.admin().describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        krest = TestKrest.start(Map.of("access.control.allow.origin", "http://page.test:8000"));
    }

    @AfterAll
    static void stop() {
        if (krest != null) {
            krest.close();
        }
    }

    private static String url(String cluster, String topic) {
        return "ws://127.0.0.1:" + krest.port() + "/v3/clusters/" + cluster + "/topics/" + topic + "/records";
    }

    @Test
    void eachRecordGetsItsReceiptInOrderAndABadRecordAnErrorReceipt() throws Exception {
        String topic = TestKafka.createTopic("ws-produce", 1);
        List<JsonNode> receipts = new ArrayList<>();
        try (WebSocketClient socket = WebSocketClient.open(url(clusterId, topic))) {
            for (int i = 0; i < 200; i++) {
                socket.send(i == 3 ? "{\"value\": {\"type\": \"BINARY\", \"data\": \"not base64!!\"}}"
                        : "{\"value\": {\"type\": \"STRING\", \"data\": \"v" + i + "\"}}");
            }
            for (int i = 0; i < 200; i++) {
                receipts.add(KrestHttp.json(socket.next(10_000)));
            }
        }
        long offset = 0;
        for (int i = 0; i < 200; i++) {
            JsonNode receipt = receipts.get(i);
            if (i == 3) {
                assertEquals(400, receipt.get("error_code").asInt(), receipt.toString());
                assertTrue(receipt.get("message").asText().contains("base64"), receipt.toString());
                continue;
            }
            assertEquals(200, receipt.get("error_code").asInt(), receipt.toString());
            assertEquals(clusterId, receipt.get("cluster_id").asText());
            assertEquals(topic, receipt.get("topic_name").asText());
            assertEquals(offset++, receipt.get("offset").asLong(), "receipt " + i + " in order: " + receipt);
        }
        long end = TestKafka.admin().listOffsets(Map.of(new TopicPartition(topic, 0), OffsetSpec.latest()))
                .all().get(10, TimeUnit.SECONDS).get(new TopicPartition(topic, 0)).offset();
        assertEquals(199, end, "every good record in Kafka, once");
    }

    @Test
    void theRecordsCarryTheUpgradeRequestsTraceContext() throws Exception {
        String topic = TestKafka.createTopic("ws-produce-traced", 1);
        String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        try (WebSocketClient socket = WebSocketClient.open(url(clusterId, topic), "traceparent", traceparent,
                "tracestate", "congo=t61rcWkgMzE")) {
            socket.send("{\"value\": {\"type\": \"STRING\", \"data\": \"a\"}}");
            socket.send("{\"value\": {\"type\": \"STRING\", \"data\": \"b\"}, \"headers\": "
                    + "[{\"name\": \"traceparent\", \"value\": \"" + Base64.getEncoder().encodeToString(
                    "00-11111111111111111111111111111111-2222222222222222-01".getBytes(StandardCharsets.UTF_8))
                    + "\"}]}");
            assertEquals(200, KrestHttp.json(socket.next(10_000)).get("error_code").asInt());
            assertEquals(200, KrestHttp.json(socket.next(10_000)).get("error_code").asInt());
        }
        List<ConsumerRecord<byte[], byte[]>> records = TestKafka.readAll(topic, 2);
        // no exporter here, so the upgrade request's own context goes on unchanged; a record's own header wins
        assertEquals(traceparent, header(records.get(0), "traceparent"));
        assertEquals("congo=t61rcWkgMzE", header(records.get(0), "tracestate"));
        assertEquals("00-11111111111111111111111111111111-2222222222222222-01", header(records.get(1), "traceparent"));
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aMessageThatIsNotJsonGetsA400ReceiptAndClosesTheSocket() throws Exception {
        String topic = TestKafka.createTopic("ws-produce-malformed", 1);
        try (WebSocketClient socket = WebSocketClient.open(url(clusterId, topic))) {
            socket.send("{\"value\": {\"type\": \"STRING\", \"data\": \"ok\"}}");
            socket.send("{not json}");
            assertEquals(200, KrestHttp.json(socket.next(10_000)).get("error_code").asInt());
            assertEquals(400, KrestHttp.json(socket.next(10_000)).get("error_code").asInt());
            assertEquals(1000, socket.closeCode(10_000));
        }
    }

    @Test
    void messagesOfMegabytesGetReceiptsNotACloseForTheirFrameSize() throws Exception {
        String topic = TestKafka.createTopic("ws-produce-large", 1);
        try (WebSocketClient socket = WebSocketClient.open(url(clusterId, topic))) {
            // 3 MiB, over Helidon's default 1 MiB frame and produce.record.max.bytes (1 MiB): that record's 413
            socket.send("{\"value\": {\"type\": \"STRING\", \"data\": \"" + "x".repeat(3 * 1024 * 1024)
                    + "\"}}");
            JsonNode tooLargeForKafka = KrestHttp.json(socket.next(30_000));
            assertEquals(413, tooLargeForKafka.get("error_code").asInt(), tooLargeForKafka.toString());
            socket.send("{\"value\": {\"type\": \"STRING\", \"data\": \"after\"}}");
            assertEquals(200, KrestHttp.json(socket.next(30_000)).get("error_code").asInt());
            // over api.v3.produce.request.size.limit.max.bytes (4 MiB): the stream's 400, then the close
            socket.send("{\"value\": {\"type\": \"STRING\", \"data\": \"" + "y".repeat(4 * 1024 * 1024)
                    + "\"}}");
            assertEquals(400, KrestHttp.json(socket.next(30_000)).get("error_code").asInt());
            assertEquals(1000, socket.closeCode(10_000));
        }
    }

    @Test
    void aMissingTopicOrClusterIsAnsweredBeforeTheUpgrade() {
        KrestHttp.Response topic = WebSocketClient.refusal(url(clusterId, "ws-no-such-topic"));
        assertEquals(404, topic.status(), topic.body());
        assertEquals(40401, topic.json().get("error_code").asInt(), topic.body());
        KrestHttp.Response cluster = WebSocketClient.refusal(url("no-such-cluster", "t"));
        assertEquals(404, cluster.status(), cluster.body());
    }

    @Test
    void theUpgradeRequestIsMeasuredAndItsAccessListApplies() throws Exception {
        String topic = TestKafka.createTopic("ws-produce-observed", 1);
        try (WebSocketClient socket = WebSocketClient.open(url(clusterId, topic))) {
            socket.send("{\"value\": {\"type\": \"STRING\", \"data\": \"x\"}}");
            assertEquals(200, KrestHttp.json(socket.next(10_000)).get("error_code").asInt());
        }
        String metrics = krest.http().get("/observe/metrics").body();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("krest_requests_total")
                && l.contains("resource=\"api.v3.produce.produce-to-topic-websocket\"")), metrics);

        try (TestKrest blocked = TestKrest.start(Map.of("api.endpoints.blocklist",
                "api.v3.produce.produce-to-topic-websocket"))) {
            String blockedUrl = "ws://127.0.0.1:" + blocked.port() + "/v3/clusters/" + clusterId + "/topics/" + topic
                    + "/records";
            KrestHttp.Response refused = WebSocketClient.refusal(blockedUrl);
            assertEquals(404, refused.status(), refused.body());
            KrestHttp.Response stream = blocked.http().post("/v3/clusters/" + clusterId + "/topics/" + topic
                    + "/records", "application/json", "{\"value\": {\"type\": \"STRING\", \"data\": \"y\"}}");
            assertEquals(200, stream.status(), "the HTTP stream is another resource: " + stream.body());
        }
    }

    @Test
    void browsersOfTheCorsOriginsMayOpenSocketsOthersNot() throws Exception {
        String topic = TestKafka.createTopic("ws-produce-origin", 1);
        try (WebSocketClient socket = WebSocketClient.open(url(clusterId, topic), "Origin", "http://page.test:8000")) {
            socket.send("{\"value\": {\"type\": \"STRING\", \"data\": \"from the page\"}}");
            assertEquals(200, KrestHttp.json(socket.next(10_000)).get("error_code").asInt());
        }
        assertEquals(403, WebSocketClient.refusal(url(clusterId, topic), "Origin", "http://evil.test").status());
    }
}
