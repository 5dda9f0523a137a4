package io.github.krest.proxy.format.registry;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.json.Json;

/**
 * {@link SchemaRegistryClient} over {@code java.net.http}, with Content-Type
 * {@code application/vnd.schemaregistry.v1+json} and optional HTTP basic authentication
 * ({@code schema.registry.basic.auth.user.info}, {@code user:password}) and an optional TLS context
 * ({@link SchemaRegistryTls}). With several base URLs, a connection failure moves on to the next one.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final List<URI> baseUrls;
    private final Optional<String> authorization;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param urls comma-separated base URLs, e.g. {@code http://registry:8081} or
     *             {@code http://127.0.0.1:8080/apis/ccompat/v7}
     * @param userInfo {@code user:password} for basic authentication, empty for none
     * @param timeout connect and request timeout
     */
    public HttpSchemaRegistryClient(String urls, Optional<String> userInfo, Duration timeout) {
        this(urls, userInfo, timeout, Optional.empty());
    }

    /**
     * @param urls comma-separated base URLs
     * @param userInfo {@code user:password} for basic authentication, empty for none
     * @param timeout connect and request timeout
     * @param tls the TLS context for https:// URLs, empty for the JVM's default
     */
    public HttpSchemaRegistryClient(String urls, Optional<String> userInfo, Duration timeout,
                                    Optional<SSLContext> tls) {
        List<URI> parsed = new ArrayList<>();
        for (String url : urls.split(",", -1)) {
            String u = url.trim();
            if (!u.isEmpty()) {
                parsed.add(URI.create(u.endsWith("/") ? u.substring(0, u.length() - 1) : u));
            }
        }
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException("no Schema Registry URL");
        }
        this.baseUrls = List.copyOf(parsed);
        this.authorization = userInfo.filter(s -> !s.isEmpty()).map(s -> "Basic "
                + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
        this.timeout = timeout;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout);
        tls.ifPresent(builder::sslContext);
        this.http = builder.build();
    }

    @Override
    public RegisteredSchema byId(int id) {
        JsonNode body = send("GET", "/schemas/ids/" + id, Optional.empty(), "schema id " + id);
        return new RegisteredSchema(id, type(body), text(body, "schema"));
    }

    @Override
    public RegisteredSchema version(String subject, String version) {
        JsonNode body = send("GET", "/subjects/" + segment(subject) + "/versions/" + segment(version),
                Optional.empty(), "version " + version + " of subject " + subject);
        return new RegisteredSchema(body.path("id").asInt(), type(body), text(body, "schema"));
    }

    @Override
    public int register(String subject, String type, String schema) {
        return send("POST", "/subjects/" + segment(subject) + "/versions", schemaBody(type, schema),
                "subject " + subject).path("id").asInt();
    }

    @Override
    public int versionOf(String subject, String type, String schema) {
        return send("POST", "/subjects/" + segment(subject), schemaBody(type, schema),
                "schema under subject " + subject).path("version").asInt();
    }

    private static Optional<byte[]> schemaBody(String type, String schema) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("schema", schema);
        if (!type.equals("AVRO")) {
            request.put("schemaType", type);
        }
        try {
            return Optional.of(Json.mapper().writeValueAsBytes(request));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode send(String method, String path, Optional<byte[]> body, String what) {
        IOException last = null;
        for (URI base : baseUrls) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                    .header("Accept", CONTENT_TYPE + ", application/json");
            authorization.ifPresent(a -> b.header("Authorization", a));
            if (body.isPresent()) {
                b.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofByteArray(body.get()));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<byte[]> response;
            try {
                response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                last = e;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw SchemaRegistryException.unavailable("interrupted", 0, 0);
            }
            JsonNode json = parse(response.body());
            int status = response.statusCode();
            if (status >= 200 && status < 300 && json != null) {
                return json;
            }
            int code = json == null ? 0 : json.path("error_code").asInt(0);
            String message = json == null ? "HTTP " + status : json.path("message").asText("HTTP " + status);
            throw SchemaRegistryException.of(status, code, message, what);
        }
        String why = last == null ? "no answer" : last.getClass().getSimpleName()
                + (last.getMessage() == null ? "" : " " + last.getMessage());
        throw SchemaRegistryException.unavailable("cannot reach " + baseUrls + ": " + why, 0, 0);
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            return Json.mapper().readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String type(JsonNode body) {
        return body.path("schemaType").asText("AVRO");
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || !node.isTextual()) {
            throw SchemaRegistryException.unavailable("answer without \"" + field + "\"", 200, 0);
        }
        return node.textValue();
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
