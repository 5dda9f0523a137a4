package io.github.krest.perf;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The driver's HTTP calls to krest (Confluent REST Proxy API v2), on the JDK's {@link HttpClient} over HTTP/1.1.
 * Every method throws {@link IllegalStateException} with the status and body when krest answers an error.
 */
final class KrestHttp {
    static final String BINARY_V2 = "application/vnd.kafka.binary.v2+json";
    static final String V2 = "application/vnd.kafka.v2+json";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory JSON = MAPPER.getFactory();

    private final HttpClient client;
    private final String baseUrl;

    /** @param baseUrl e.g. http://127.0.0.1:18082, no trailing slash */
    KrestHttp(String baseUrl) {
        this.baseUrl = baseUrl;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    String baseUrl() {
        return baseUrl;
    }

    /** The request of a v2 binary produce of a prepared body to a topic. */
    HttpRequest produceRequest(String topic, byte[] body) {
        return HttpRequest.newBuilder(URI.create(baseUrl + "/topics/" + topic))
                .header("Content-Type", BINARY_V2).header("Accept", V2)
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    /** Sends a v2 produce; @return the number of records krest reported as failed (0 when all were written) */
    int produce(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("produce: HTTP " + response.statusCode() + " "
                    + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return countFailedOffsets(response.body());
    }

    CompletableFuture<HttpResponse<byte[]>> sendAsync(HttpRequest request) {
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** @return failed records in a v2 produce answer: offsets whose error_code is not null */
    static int countFailedOffsets(byte[] body) throws IOException {
        int failed = 0;
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME && "error_code".equals(p.currentName())) {
                    if (p.nextToken() != JsonToken.VALUE_NULL) {
                        failed++;
                    }
                }
            }
        }
        return failed;
    }

    /** Creates a binary consumer instance reading from the earliest offset. */
    void createConsumer(String group, String name) throws IOException, InterruptedException {
        call("POST", "/consumers/" + group, V2,
                "{\"name\":\"" + name + "\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}", 200);
    }

    void assign(String group, String name, String topic, int partition) throws IOException, InterruptedException {
        call("POST", "/consumers/" + group + "/instances/" + name + "/assignments", V2,
                "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":" + partition + "}]}", 204);
    }

    void seekToBeginning(String group, String name, String topic, int partition)
            throws IOException, InterruptedException {
        call("POST", "/consumers/" + group + "/instances/" + name + "/positions/beginning", V2,
                "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":" + partition + "}]}", 204);
    }

    void deleteConsumer(String group, String name) throws IOException, InterruptedException {
        call("DELETE", "/consumers/" + group + "/instances/" + name, V2, null, 204);
    }

    /** The result of one poll: records returned and the offset after the last of them (-1 with none). */
    record Poll(int records, long nextOffset) {
    }

    /**
     * One v2 binary poll, its answer streamed through Jackson's parser (records counted, values skipped).
     *
     * @return records and the next offset
     */
    Poll poll(String group, String name, long maxBytes, long timeoutMs) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/consumers/" + group + "/instances/" + name
                        + "/records?timeout=" + timeoutMs + "&max_bytes=" + maxBytes))
                .header("Accept", BINARY_V2).timeout(Duration.ofSeconds(60)).GET().build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("poll: HTTP " + response.statusCode() + " "
                        + new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
            int records = 0;
            long next = -1;
            try (JsonParser p = JSON.createParser(in)) {
                int depth = 0;
                JsonToken t;
                while ((t = p.nextToken()) != null) {
                    switch (t) {
                        case START_OBJECT, START_ARRAY -> depth++;
                        case END_OBJECT, END_ARRAY -> depth--;
                        case FIELD_NAME -> {
                            if (depth == 2 && "offset".equals(p.currentName())) {
                                p.nextToken();
                                records++;
                                next = Math.max(next, p.getLongValue() + 1);
                            }
                        }
                        default -> {
                        }
                    }
                }
            }
            return new Poll(records, next);
        }
    }

    /** @return the id of the cluster krest serves (v3) */
    String clusterId() throws IOException, InterruptedException {
        JsonNode body = MAPPER.readTree(call("GET", "/v3/clusters", null, null, 200));
        return body.path("data").path(0).path("cluster_id").asText();
    }

    private byte[] call(String method, String path, String contentType, String body, int expected)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType).header("Accept", V2);
        }
        HttpResponse<byte[]> response = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + ": HTTP " + response.statusCode() + " "
                    + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return response.body();
    }
}
