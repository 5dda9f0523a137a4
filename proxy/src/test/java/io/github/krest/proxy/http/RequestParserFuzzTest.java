package io.github.krest.proxy.http;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random and mutated produce and consumer requests (bodies, content types, path parameters) against a running
 * krest with real Kafka: every answer is JSON (an error with {@code error_code} for 4xx), never a 5xx, never a hang
 * (30 s client timeout), and the heap stays bounded. The seed is fixed so that a failure reproduces; the failing
 * request is in the assertion message.
 */
class RequestParserFuzzTest {
    private static final long SEED = 0x6b72657374L;
    private static final int ROUNDS = 120;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> CONTENT_TYPES = List.of(
            "application/vnd.kafka.binary.v2+json", "application/vnd.kafka.json.v2+json",
            "application/vnd.kafka.avro.v2+json", "application/vnd.kafka.jsonschema.v2+json",
            "application/vnd.kafka.protobuf.v2+json", "application/vnd.kafka.v2+json", "application/json",
            "application/vnd.kafka.binary.v1+json", "text/plain", "application/octet-stream",
            "application/json; charset=utf-16", "application/vnd.kafka.json.v2+json; charset=latin1", "*/*",
            "application/", "garbage", ";;;", "application/vnd.kafka.binary.v2+json;q=x");
    private static final List<String> SEEDS = List.of(
            "{\"records\":[{\"value\":\"aGVsbG8=\",\"key\":\"a2V5\",\"partition\":0}]}",
            "{\"records\":[{\"value\":{\"a\":1,\"b\":[1,2,{\"c\":null}]},\"key\":\"k\"}]}",
            "{\"value_schema\":\"{\\\"type\\\":\\\"string\\\"}\",\"records\":[{\"value\":\"x\"}]}",
            "{\"key\":{\"type\":\"BINARY\",\"data\":\"a2V5\"},\"value\":{\"type\":\"JSON\",\"data\":{\"x\":1}},"
                    + "\"headers\":[{\"name\":\"h\",\"value\":\"dg==\"}],\"partition_id\":0,"
                    + "\"timestamp\":\"2024-01-01T00:00:00Z\"}",
            "{\"entries\":[{\"id\":\"1\",\"value\":{\"type\":\"STRING\",\"data\":\"v\"}}]}",
            "{\"name\":\"fuzz\",\"format\":\"json\",\"auto.offset.reset\":\"earliest\","
                    + "\"auto.commit.enable\":\"false\",\"fetch.min.bytes\":1,\"consumer.request.timeout.ms\":10}",
            "{\"topics\":[\"fuzz-topic\"]}", "{\"topic_pattern\":\"fuzz.*\"}",
            "{\"partitions\":[{\"topic\":\"fuzz-topic\",\"partition\":0}]}",
            "{\"offsets\":[{\"topic\":\"fuzz-topic\",\"partition\":0,\"offset\":1}]}",
            "{\"timestamps\":[{\"topic\":\"fuzz-topic\",\"partition\":0,\"timestamp\":\"2024-01-01T00:00:00Z\"}]}");
    private static final List<String> ODD_VALUES = List.of("null", "true", "-1", "1e400", "9223372036854775808",
            "-9223372036854775809", "0.5", "\"\"", "\"\\u0000\"", "[]", "{}", "[[[[[[[[[[]]]]]]]]]]", "\"\\ud800\"",
            "\"" + "x".repeat(5000) + "\"", "NaN", "\"2024-13-45T99:99:99Z\"", "{\"type\":\"AVRO\"}");
    private static final List<String> ODD_SEGMENTS = List.of("", ".", "..", "%2e%2e", "%00", "%ff", "a%2Fb",
            "%E2%82%AC", "x".repeat(300), "-1", "2147483648", "99999999999999999999", "0x10", "+1", " ",
            "%20", "fuzz-topic", "__consumer_offsets", "fuzz-group", "fuzz");

    private static final String INSERTS = "{}[]\",:\\0-eE.\u00e9\u0000";
    private static TestKrest krest;
    private static String cluster;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() {
        TestKafka.createTopic("fuzz-topic", 2);
        krest = TestKrest.start(Map.of(KrestConfig.REQUEST_BODY_MAX_BYTES, "1048576",
                KrestConfig.PRODUCE_STREAM_RECORD_MAX_BYTES, "65536"));
        cluster = krest.http().get("/v3/clusters").json().get("data").get(0).get("cluster_id").asText();
        // an instance that lives through the run, so that the consumer parsers get past the instance look-up
        String v2 = "application/vnd.kafka.v2+json";
        krest.http().post("/consumers/fuzz-group", v2, "{\"name\":\"fuzz\",\"format\":\"binary\"}");
        krest.http().post("/consumers/fuzz-group/instances/fuzz/assignments", v2,
                "{\"partitions\":[{\"topic\":\"fuzz-topic\",\"partition\":0}]}");
    }

    @AfterAll
    static void stop() {
        krest.close();
    }

    @Test
    void produceAndConsumerParsersNeverFailWithA5xxOrHang() throws Exception {
        Random random = new Random(SEED);
        long heapBefore = usedHeapAfterGc();
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < ROUNDS && failures.size() < 10; round++) {
            for (Request request : requests(random)) {
                check(request, failures);
            }
        }
        long growth = usedHeapAfterGc() - heapBefore;
        if (!failures.isEmpty()) {
            fail(failures.size() + " bad answers, first ones:\n" + String.join("\n", failures));
        }
        assertTrue(growth < 256L * 1024 * 1024, "heap grew by " + growth + " bytes");
    }

    @SuppressWarnings("ArrayRecordComponent") // a generated request, never compared or hashed
    private record Request(String method, String path, String contentType, byte[] body) {
        @Override
        public String toString() {
            String text = new String(body, StandardCharsets.UTF_8);
            return method + " " + path + " [" + contentType + "] "
                    + (text.length() > 300 ? text.substring(0, 300) + "..." : text);
        }
    }

    private static List<Request> requests(Random random) {
        List<Request> list = new ArrayList<>();
        String topic = segment(random);
        String group = random.nextInt(4) == 0 ? segment(random) : "fuzz-group";
        String instance = random.nextInt(4) == 0 ? segment(random) : "fuzz";
        String base = "/consumers/" + group + "/instances/" + instance;
        list.add(new Request("POST", "/topics/" + topic, contentType(random), body(random)));
        list.add(new Request("POST", "/topics/fuzz-topic", contentType(random), body(random)));
        list.add(new Request("POST", "/topics/fuzz-topic/partitions/" + segment(random), contentType(random),
                body(random)));
        list.add(new Request("POST", "/v3/clusters/" + cluster + "/topics/" + topic + "/records",
                contentType(random), body(random)));
        list.add(new Request("POST", "/v3/clusters/" + cluster + "/topics/fuzz-topic/records",
                "application/json", streamBody(random)));
        list.add(new Request("POST", "/v3/clusters/" + cluster + "/topics/fuzz-topic/records:batch",
                contentType(random), body(random)));
        list.add(new Request("POST", "/consumers/" + group, contentType(random), body(random)));
        for (String suffix : List.of("/subscription", "/assignments", "/positions", "/positions/beginning",
                "/positions/end", "/offsets")) {
            list.add(new Request("POST", base + suffix, contentType(random), body(random)));
        }
        list.add(new Request("GET", base + "/records?timeout=" + segment(random) + "&max_bytes="
                + segment(random), "application/vnd.kafka.json.v2+json", new byte[0]));
        list.add(new Request("GET", base + "/offsets", contentType(random), body(random)));
        list.add(new Request("DELETE", "/consumers/" + group + "/instances/" + segment(random),
                contentType(random), new byte[0]));
        return list;
    }

    private static String segment(Random random) {
        if (random.nextInt(3) == 0) {
            byte[] bytes = new byte[1 + random.nextInt(12)];
            random.nextBytes(bytes);
            return URLEncoder.encode(new String(bytes, StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        }
        return ODD_SEGMENTS.get(random.nextInt(ODD_SEGMENTS.size()));
    }

    private static String contentType(Random random) {
        return CONTENT_TYPES.get(random.nextInt(CONTENT_TYPES.size()));
    }

    private static byte[] body(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> {
                byte[] bytes = new byte[random.nextInt(200)];
                random.nextBytes(bytes);
                yield bytes;
            }
            case 1 -> SEEDS.get(random.nextInt(SEEDS.size())).getBytes(StandardCharsets.UTF_8);
            case 2 -> replaceValue(random, SEEDS.get(random.nextInt(SEEDS.size()))).getBytes(StandardCharsets.UTF_8);
            default -> mutate(random, SEEDS.get(random.nextInt(SEEDS.size()))).getBytes(StandardCharsets.UTF_8);
        };
    }

    private static byte[] streamBody(Random random) {
        StringBuilder stream = new StringBuilder();
        int records = 1 + random.nextInt(4);
        for (int i = 0; i < records; i++) {
            String record = SEEDS.get(3);
            stream.append(random.nextBoolean() ? mutate(random, record) : replaceValue(random, record)).append('\n');
        }
        return stream.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Replaces one JSON value (after a colon or in an array) with an odd one. */
    private static String replaceValue(Random random, String json) {
        List<Integer> colons = new ArrayList<>();
        for (int i = 0; i < json.length(); i++) {
            if (json.charAt(i) == ':' || json.charAt(i) == '[') {
                colons.add(i);
            }
        }
        int at = colons.get(random.nextInt(colons.size())) + 1;
        int end = at;
        int depth = 0;
        while (end < json.length()) {
            char c = json.charAt(end);
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    break;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                break;
            }
            end++;
        }
        return json.substring(0, at) + ODD_VALUES.get(random.nextInt(ODD_VALUES.size())) + json.substring(end);
    }

    /** Deletes, duplicates or inserts a few characters. */
    private static String mutate(Random random, String json) {
        StringBuilder text = new StringBuilder(json);
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && !text.isEmpty(); i++) {
            int at = random.nextInt(text.length());
            switch (random.nextInt(3)) {
                case 0 -> text.deleteCharAt(at);
                case 1 -> text.insert(at, INSERTS.charAt(random.nextInt(INSERTS.length())));
                default -> text.insert(at, text.substring(at, Math.min(text.length(), at + random.nextInt(20))));
            }
        }
        return text.toString();
    }

    private static void check(Request request, List<String> failures) throws InterruptedException {
        HttpRequest.Builder builder;
        try {
            builder = HttpRequest.newBuilder(URI.create(krest.http().base() + request.path()));
        } catch (IllegalArgumentException invalidUri) {
            return; // the client cannot even send it
        }
        builder.timeout(Duration.ofSeconds(30))
                .method(request.method(), request.body().length == 0 && !request.method().equals("POST")
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        try {
            builder.header("Content-Type", request.contentType());
        } catch (IllegalArgumentException invalidHeader) {
            // not a legal header value for the client
        }
        HttpResponse<String> response;
        // a v3 produce stream with a record that cannot be parsed ends with an in-stream 400 and a closed
        // connection (Confluent's behaviour, documented): send those on their own client, so that no other
        // request is sent on a connection the server is closing
        boolean stream = request.path().endsWith("/records") && request.method().equals("POST");
        try (HttpClient streamClient = stream ? HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10)).build() : null) {
            response = (stream ? streamClient : CLIENT).send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            failures.add("HANG " + request);
            return;
        } catch (IOException e) {
            failures.add("IO " + e + " " + request);
            return;
        }
        int status = response.statusCode();
        String body = response.body();
        if (status >= 500) {
            failures.add(status + " " + body + " <- " + request);
            return;
        }
        if (status >= 200 && status < 300 && body.isEmpty()) {
            return; // 204s, and v2 commit's empty 200 (Confluent's)
        }
        // a v3 produce stream is a sequence of JSON objects; anything else one JSON value
        try (JsonParser parser = MAPPER.getFactory().createParser(body)) {
            int count = 0;
            for (JsonNode value = MAPPER.readTree(parser); value != null; value = MAPPER.readTree(parser)) {
                count++;
                if (status >= 400 && !value.has("error_code")) {
                    failures.add(status + " without error_code: " + body + " <- " + request);
                }
                int code = value.path("error_code").asInt(0);
                if ((code >= 500 && code < 600) || code >= 50000) {
                    failures.add(status + " in-stream 5xx: " + value + " <- " + request);
                }
            }
            if (count == 0) {
                failures.add(status + " no JSON value: '" + body + "' <- " + request);
            }
        } catch (IOException | RuntimeException notJson) {
            failures.add(status + " not JSON: " + body + " <- " + request);
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
