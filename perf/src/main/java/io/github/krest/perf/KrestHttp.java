package io.github.krest.perf;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.json.Json;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.util.Timeout;

/**
 * The driver's HTTP calls to krest (Confluent REST Proxy API v2) over HTTP/1.1 keep-alive connections, on Apache
 * HttpClient 5's classic (blocking) client: each call writes its request and reads its answer on the calling
 * thread, as curl or a load generator does. The JDK's {@code java.net.http.HttpClient}, used before, hands every
 * buffer of a response between its selector thread and the caller: on a 2-core machine that cost the driver about
 * as much CPU per consumed record as the replica spent serving it, out of the budget the scenarios share (see
 * perf/README.md). Every method throws {@link IllegalStateException} with the status and body when krest answers an
 * error.
 */
final class KrestHttp implements AutoCloseable {
    static final String BINARY_V2 = "application/vnd.kafka.binary.v2+json";
    static final String V2 = "application/vnd.kafka.v2+json";
    private static final ContentType BINARY_V2_TYPE = ContentType.create(BINARY_V2);
    private static final ContentType V2_TYPE = ContentType.create(V2);
    private static final JsonFactory JSON = Json.mapper().getFactory();
    /** Connections kept per krest base URL: more than the scenarios' concurrent clients (memory: 16 workers). */
    private static final int MAX_CONNECTIONS = 64;

    private final CloseableHttpClient client;
    private final String baseUrl;

    /** @param baseUrl e.g. http://127.0.0.1:18082, no trailing slash */
    KrestHttp(String baseUrl) {
        this(baseUrl, MAX_CONNECTIONS, Timeout.ofSeconds(60));
    }

    /**
     * @param baseUrl        e.g. http://127.0.0.1:18082, no trailing slash
     * @param maxConnections connections kept open at most: one per concurrent request (the scale scenario: one per
     *                       polling instance)
     * @param timeout        longest wait for a pooled connection and for an answer; past it a call throws an
     *                       {@link IOException} (a {@link java.net.SocketTimeoutException} for the answer)
     */
    KrestHttp(String baseUrl, int maxConnections, Timeout timeout) {
        this.baseUrl = baseUrl;
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(maxConnections).setMaxConnPerRoute(maxConnections)
                        // LAX: no pool-wide lock on every lease, which thousands of pollers would queue on
                        .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.ofSeconds(5)).setSocketTimeout(timeout)
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(timeout)
                        .setResponseTimeout(timeout).build())
                // a scenario counts what krest answered: a request is sent once, never retried behind its back
                .disableAutomaticRetries().disableRedirectHandling().disableCookieManagement()
                .disableContentCompression()
                .build();
    }

    String baseUrl() {
        return baseUrl;
    }

    /** A v2 binary produce of a prepared body to a topic, sent again and again by {@link #produce}. */
    record ProduceRequest(URI uri, HttpEntity body) {
    }

    /** @return the v2 binary produce of {@code body} (a JSON {@code {"records":[...]}}) to {@code topic} */
    ProduceRequest produceRequest(String topic, byte[] body) {
        return new ProduceRequest(URI.create(baseUrl + "/topics/" + topic), new ByteArrayEntity(body, BINARY_V2_TYPE));
    }

    /** @return the v2 binary produce of {@code body} to one partition of {@code topic} */
    ProduceRequest produceRequest(String topic, int partition, byte[] body) {
        return new ProduceRequest(URI.create(baseUrl + "/topics/" + topic + "/partitions/" + partition),
                new ByteArrayEntity(body, BINARY_V2_TYPE));
    }

    /** Sends a v2 produce; @return the number of records krest reported as failed (0 when all were written) */
    int produce(ProduceRequest produce) throws IOException {
        return produce(produce, null);
    }

    /**
     * Sends a v2 produce with an {@code Idempotency-Key} (as a Structured Field String), or without one when
     * {@code idempotencyKey} is null.
     *
     * @return the number of records krest reported as failed (0 when all were written)
     */
    int produce(ProduceRequest produce, String idempotencyKey) throws IOException {
        HttpUriRequestBase request = new HttpUriRequestBase("POST", produce.uri());
        request.setHeader("Accept", V2);
        if (idempotencyKey != null) {
            request.setHeader("Idempotency-Key", "\"" + idempotencyKey + "\"");
        }
        request.setEntity(produce.body());
        return client.execute(request, response -> {
            byte[] body = body(response);
            if (response.getCode() != 200) {
                throw new IllegalStateException("produce: HTTP " + response.getCode() + " "
                        + new String(body, StandardCharsets.UTF_8));
            }
            return countFailedOffsets(body);
        });
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
    void createConsumer(String group, String name) throws IOException {
        createConsumer(group, name, "earliest");
    }

    /**
     * Creates a binary consumer instance (Confluent v2: POST /consumers/{group}).
     *
     * @param offsetReset its {@code auto.offset.reset}: earliest or latest
     */
    void createConsumer(String group, String name, String offsetReset) throws IOException {
        call("POST", "/consumers/" + group, V2_TYPE, "{\"name\":\"" + name
                + "\",\"format\":\"binary\",\"auto.offset.reset\":\"" + offsetReset + "\"}", 200);
    }

    /** Subscribes an instance to one topic (Confluent v2: POST .../subscription), its group sharing the partitions. */
    void subscribe(String group, String name, String topic) throws IOException {
        call("POST", "/consumers/" + group + "/instances/" + name + "/subscription", V2_TYPE,
                "{\"topics\":[\"" + topic + "\"]}", 204);
    }

    void assign(String group, String name, String topic, int partition) throws IOException {
        call("POST", "/consumers/" + group + "/instances/" + name + "/assignments", V2_TYPE,
                "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":" + partition + "}]}", 204);
    }

    void seekToBeginning(String group, String name, String topic, int partition) throws IOException {
        call("POST", "/consumers/" + group + "/instances/" + name + "/positions/beginning", V2_TYPE,
                "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":" + partition + "}]}", 204);
    }

    void deleteConsumer(String group, String name) throws IOException {
        call("DELETE", "/consumers/" + group + "/instances/" + name, null, null, 204);
    }

    /** An answer with another status than the call expects; the message holds the status and the body. */
    static final class StatusException extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        private final int status;

        StatusException(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    /** The result of one poll: records returned and the offset after the last of them (-1 with none). */
    record Poll(int records, long nextOffset) {
    }

    /** Told each record of a poll's answer, as it is parsed. */
    @FunctionalInterface
    interface RecordSeen {
        void seen(int partition, long offset);
    }

    /**
     * One v2 binary poll, its answer streamed from the socket through Jackson's parser (records counted, each
     * record's offset read, values skipped).
     *
     * @return records and the next offset
     */
    Poll poll(String group, String name, long maxBytes, long timeoutMs) throws IOException {
        return poll(group, name, maxBytes, timeoutMs, null);
    }

    /**
     * As {@link #poll(String, String, long, long)}, telling {@code seen} (when not null) each record's partition
     * and offset.
     */
    Poll poll(String group, String name, long maxBytes, long timeoutMs, RecordSeen seen) throws IOException {
        HttpUriRequestBase request = new HttpUriRequestBase("GET", URI.create(baseUrl + "/consumers/" + group
                + "/instances/" + name + "/records?timeout=" + timeoutMs + "&max_bytes=" + maxBytes));
        request.setHeader("Accept", BINARY_V2);
        return client.execute(request, response -> {
            if (response.getCode() != 200) {
                throw new StatusException(response.getCode(), "poll: HTTP " + response.getCode() + " "
                        + new String(body(response), StandardCharsets.UTF_8));
            }
            int records = 0;
            long next = -1;
            try (InputStream in = response.getEntity().getContent(); JsonParser p = JSON.createParser(in)) {
                int depth = 0;
                int partition = -1;
                long offset = -1;
                JsonToken t;
                while ((t = p.nextToken()) != null) {
                    switch (t) {
                        case START_OBJECT, START_ARRAY -> depth++;
                        case END_OBJECT, END_ARRAY -> {
                            depth--;
                            if (t == JsonToken.END_OBJECT && depth == 1 && seen != null) {
                                seen.seen(partition, offset);
                            }
                        }
                        case FIELD_NAME -> {
                            if (depth == 2 && "offset".equals(p.currentName())) {
                                p.nextToken();
                                records++;
                                offset = p.getLongValue();
                                next = Math.max(next, offset + 1);
                            } else if (depth == 2 && "partition".equals(p.currentName())) {
                                p.nextToken();
                                partition = p.getIntValue();
                            }
                        }
                        default -> {
                        }
                    }
                }
            }
            return new Poll(records, next);
        });
    }

    /** @return the id of the cluster krest serves (v3) */
    String clusterId() throws IOException {
        JsonNode body = Json.mapper().readTree(call("GET", "/v3/clusters", null, null, 200));
        return body.path("data").path(0).path("cluster_id").asText();
    }

    private byte[] call(String method, String path, ContentType contentType, String body, int expected)
            throws IOException {
        HttpUriRequestBase request = new HttpUriRequestBase(method, URI.create(baseUrl + path));
        if (body != null) {
            request.setEntity(new StringEntity(body, contentType));
            request.setHeader("Accept", V2);
        }
        return client.execute(request, response -> {
            byte[] answer = body(response);
            if (response.getCode() != expected) {
                throw new IllegalStateException(method + " " + path + ": HTTP " + response.getCode() + " "
                        + new String(answer, StandardCharsets.UTF_8));
            }
            return answer;
        });
    }

    /** @return the whole answer body, empty without one */
    private static byte[] body(ClassicHttpResponse response) throws IOException {
        HttpEntity entity = response.getEntity();
        if (entity == null) {
            return new byte[0];
        }
        try (InputStream in = entity.getContent()) {
            return in.readAllBytes();
        }
    }

    /** Closes every connection at once: calls still waiting for an answer fail with an {@link IOException}. */
    @Override
    public void close() {
        client.close(CloseMode.IMMEDIATE);
    }
}
