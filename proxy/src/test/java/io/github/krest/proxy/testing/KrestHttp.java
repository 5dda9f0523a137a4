package io.github.krest.proxy.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A small HTTP client for tests: requests with explicit headers, responses with status, headers and JSON. */
public final class KrestHttp {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final String base;
    private final HttpClient client;

    public KrestHttp(String base) {
        this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
    }

    /**
     * @param base   the base URL, e.g. {@code https://127.0.0.1:34567}
     * @param client the client to send with, e.g. one with a TLS context
     */
    public KrestHttp(String base, HttpClient client) {
        this.base = base;
        this.client = client;
    }

    /** @return the base URL, e.g. {@code http://127.0.0.1:34567} */
    public String base() {
        return base;
    }

    /** A response: status, body text, parsed JSON (null when the body is not JSON) and headers. */
    public record Response(int status, String body, JsonNode json, java.net.http.HttpHeaders headers) {
        /** @return the {@code error_code} of an error body */
        public int errorCode() {
            return json.get("error_code").asInt();
        }

        /** @return the Content-Type header */
        public String contentType() {
            return headers.firstValue("content-type").orElse("");
        }
    }

    public Response get(String path, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), headers);
    }

    public Response post(String path, String contentType, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b, headers);
    }

    public Response post(String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b, headers);
    }

    public Response send(HttpRequest.Builder builder, String... headers) {
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = client.send(builder.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = r.body().isEmpty() ? null : MAPPER.readTree(r.body());
            } catch (IOException notJson) {
                // leave json null
            }
            return new Response(r.statusCode(), r.body(), json, r.headers());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return a JSON tree of {@code text} */
    public static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
