package io.github.krest.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import io.github.krest.proxy.testing.V2ConsumerClient;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * W3C trace context end to end on a real broker: a produce request's {@code traceparent} reaches its records as
 * the span krest exported for the request (in memory here), a record's own header wins, a consumer reads the
 * headers back and its request's span links to the producer's, a request without one starts a trace; without an
 * exporter the context passes through unchanged.
 */
class RequestTracingTest {
    private static final String BINARY = "application/vnd.kafka.binary.v2+json";
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_ID = "00f067aa0ba902b7";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PARENT_ID + "-01";
    private static final String TRACESTATE = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");

    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    private static TestKrest traced;
    private static TestKrest plain;
    private static String clusterId;

    @BeforeAll
    static void start() throws Exception {
        clusterId = TestKafka.admin().describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        traced = TestKrest.start(Map.of(), SPANS);
        plain = TestKrest.start();
    }

    @AfterAll
    static void stop() {
        if (traced != null) {
            traced.close();
        }
        if (plain != null) {
            plain.close();
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String v2Records(String... values) {
        StringBuilder body = new StringBuilder("{\"records\":[");
        for (int i = 0; i < values.length; i++) {
            body.append(i == 0 ? "" : ",").append("{\"value\":\"").append(b64(values[i])).append("\"}");
        }
        return body.append("]}").toString();
    }

    /** The span exported for a request: it ends after the answer is written, so it may come a moment later. */
    private static SpanData awaitSpan(String name, Predicate<SpanData> which) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            Optional<SpanData> found = SPANS.getFinishedSpanItems().stream()
                    .filter(s -> s.getName().equals(name) && which.test(s)).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no span " + name + " among " + SPANS.getFinishedSpanItems());
    }

    private static Predicate<SpanData> about(String topic) {
        return s -> topic.equals(s.getAttributes().get(DESTINATION));
    }

    /** The flags are the span's: a new trace's may carry W3C level 2's random-trace-id flag (03). */
    private static String traceparentOf(SpanData span) {
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-"
                + span.getSpanContext().getTraceFlags().asHex();
    }

    @Test
    void v2ProduceContinuesTheRequestsTraceIntoTheRecords() throws Exception {
        String topic = TestKafka.createTopic("trace-v2", 1);
        KrestHttp.Response r = traced.http().post("/topics/" + topic, BINARY, v2Records("a", "b"),
                "traceparent", TRACEPARENT, "tracestate", TRACESTATE);
        assertEquals(200, r.status(), r.body());

        SpanData span = awaitSpan("api.v2.produce-to-topic.binary", about(topic));
        assertEquals(TRACE_ID, span.getTraceId());
        assertEquals(PARENT_ID, span.getParentSpanId());
        assertTrue(span.getParentSpanContext().isRemote());
        assertEquals(SpanKind.SERVER, span.getKind());
        assertEquals("POST", span.getAttributes().get(AttributeKey.stringKey("http.request.method")));
        assertEquals("/topics/" + topic, span.getAttributes().get(AttributeKey.stringKey("url.path")));
        assertEquals(200L, span.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
        assertEquals("kafka", span.getAttributes().get(AttributeKey.stringKey("messaging.system")));
        assertEquals("send", span.getAttributes().get(AttributeKey.stringKey("messaging.operation.type")));
        assertEquals(StatusCode.UNSET, span.getStatus().getStatusCode());

        List<ConsumerRecord<byte[], byte[]>> records = TestKafka.readAll(topic, 2);
        assertEquals(2, records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            assertEquals(traceparentOf(span), header(record, "traceparent"));
            assertEquals(TRACESTATE, header(record, "tracestate"));
        }
    }

    @Test
    void v3StreamAndBatchRecordsCarryTheSpanUnlessTheyHaveTheirOwn() throws Exception {
        String topic = TestKafka.createTopic("trace-v3", 1);
        String own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        // two records in one body: the v3 stream
        String stream = "{\"value\":{\"type\":\"STRING\",\"data\":\"first\"}}"
                + "{\"value\":{\"type\":\"STRING\",\"data\":\"second\"},"
                + "\"headers\":[{\"name\":\"traceparent\",\"value\":\"" + b64(own) + "\"}]}";
        KrestHttp.Response r = traced.http().post("/v3/clusters/" + clusterId + "/topics/" + topic + "/records",
                "application/json", stream, "traceparent", TRACEPARENT);
        assertEquals(200, r.status(), r.body());
        SpanData streamSpan = awaitSpan("api.v3.produce.produce-to-topic", about(topic));
        assertEquals(TRACE_ID, streamSpan.getTraceId());
        assertEquals(PARENT_ID, streamSpan.getParentSpanId());

        String batch = "{\"entries\":[{\"id\":\"1\",\"value\":{\"type\":\"STRING\",\"data\":\"third\"}}]}";
        KrestHttp.Response b = traced.http().post("/v3/clusters/" + clusterId + "/topics/" + topic
                + "/records:batch", "application/json", batch, "traceparent", TRACEPARENT);
        assertEquals(207, b.status(), b.body());
        SpanData batchSpan = awaitSpan("api.v3.batch-produce.produce-to-topic", about(topic));
        assertEquals(TRACE_ID, batchSpan.getTraceId());

        List<ConsumerRecord<byte[], byte[]>> records = TestKafka.readAll(topic, 3);
        assertEquals(3, records.size());
        assertEquals(traceparentOf(streamSpan), header(records.get(0), "traceparent"));
        // the client's own context wins, alone: the request's tracestate would not belong to it
        assertEquals(own, header(records.get(1), "traceparent"));
        assertEquals(1, records.get(1).headers().toArray().length);
        assertEquals(traceparentOf(batchSpan), header(records.get(2), "traceparent"));
        assertNull(header(records.get(2), "tracestate"));
    }

    @Test
    void aRequestWithoutAValidTraceparentStartsATrace() throws Exception {
        assertStartsATrace("trace-new");
        assertStartsATrace("trace-invalid", "traceparent", "00-00000000000000000000000000000000-" + PARENT_ID + "-01");
        assertStartsATrace("trace-garbled", "traceparent", "not a trace context", "tracestate", TRACESTATE);
    }

    private static void assertStartsATrace(String name, String... headers) throws Exception {
        String topic = TestKafka.createTopic(name, 1);
        assertEquals(200, traced.http().post("/topics/" + topic, BINARY, v2Records("a"), headers).status());
        SpanData span = awaitSpan("api.v2.produce-to-topic.binary", about(topic));
        assertFalse(span.getParentSpanContext().isValid());
        ConsumerRecord<byte[], byte[]> record = TestKafka.readAll(topic, 1).getFirst();
        assertEquals(traceparentOf(span), header(record, "traceparent"));
        // a tracestate without its traceparent is dropped, as W3C asks
        assertNull(header(record, "tracestate"));
    }

    @Test
    void aClientErrorIsNoSpanError() throws Exception {
        String topic = "trace-missing-" + System.nanoTime();
        KrestHttp.Response r = traced.http().post("/topics/" + topic, BINARY, v2Records("a"),
                "traceparent", TRACEPARENT);
        assertEquals(404, r.status(), r.body());
        SpanData span = awaitSpan("api.v2.produce-to-topic.binary", about(topic));
        assertEquals(404L, span.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
        assertEquals(StatusCode.UNSET, span.getStatus().getStatusCode());
        assertEquals(TRACE_ID, span.getTraceId());
    }

    @Test
    void aConsumerReadsTheHeadersAndItsSpanLinksToTheProducers() throws Exception {
        String topic = TestKafka.createTopic("trace-consume", 1);
        assertEquals(200, traced.http().post("/topics/" + topic, BINARY, v2Records("a"),
                "traceparent", TRACEPARENT).status());
        SpanData produced = awaitSpan("api.v2.produce-to-topic.binary", about(topic));

        String consumerTrace = "00-11111111111111111111111111111111-2222222222222222-01";
        V2ConsumerClient consumers = new V2ConsumerClient(traced.http()).with("traceparent", consumerTrace);
        V2ConsumerClient.Instance instance = consumers.created("trace-group-" + System.nanoTime(),
                "{\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}");
        assertEquals(204, consumers.subscribe(instance, topic).status());
        JsonNode polled = null;
        long deadline = System.currentTimeMillis() + 30_000;
        while ((polled == null || polled.isEmpty()) && System.currentTimeMillis() < deadline) {
            KrestHttp.Response r = consumers.poll(instance, BINARY, "timeout=1000");
            assertEquals(200, r.status(), r.body());
            polled = r.json();
        }
        assertEquals(1, polled.size(), String.valueOf(polled));
        JsonNode headers = polled.get(0).get("headers");
        assertEquals(1, headers.size(), headers::toString);
        assertEquals("traceparent", headers.get(0).get("name").asText());
        assertEquals(b64(traceparentOf(produced)), headers.get(0).get("value").asText());

        SpanData consume = awaitSpan("api.v2.consumers.consume-binary", s -> !s.getLinks().isEmpty());
        assertEquals("11111111111111111111111111111111", consume.getTraceId());
        assertEquals("2222222222222222", consume.getParentSpanId());
        LinkData link = consume.getLinks().getFirst();
        assertEquals(produced.getTraceId(), link.getSpanContext().getTraceId());
        assertEquals(produced.getSpanId(), link.getSpanContext().getSpanId());
        assertEquals("receive", consume.getAttributes().get(AttributeKey.stringKey("messaging.operation.type")));
        consumers.delete(instance);
    }

    @Test
    void withoutAnExporterTheContextPassesThroughUnchanged() {
        String topic = TestKafka.createTopic("trace-plain", 1);
        assertEquals(200, plain.http().post("/topics/" + topic, BINARY, v2Records("a"),
                "traceparent", TRACEPARENT, "tracestate", TRACESTATE).status());
        assertEquals(200, plain.http().post("/topics/" + topic, BINARY, v2Records("b")).status());

        List<ConsumerRecord<byte[], byte[]>> records = TestKafka.readAll(topic, 2);
        assertEquals(TRACEPARENT, header(records.get(0), "traceparent"));
        assertEquals(TRACESTATE, header(records.get(0), "tracestate"));
        // no context and no span recorded (KrestTracingTest: the default tracer records nothing): the record is
        // produced as it came
        assertEquals(0, records.get(1).headers().toArray().length);
    }
}
