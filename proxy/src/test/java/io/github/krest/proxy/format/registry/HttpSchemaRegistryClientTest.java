package io.github.krest.proxy.format.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.testing.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registry client against a scripted HTTP server: request shape, basic authentication and the mapping of
 * registry errors to krest codes (authorization 40301, unknown id 40403, incompatible 42207, unreachable 50304).
 */
class HttpSchemaRegistryClientTest {
    private static HttpServer server;
    private static final List<String> REQUESTS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getRawPath();
            REQUESTS.add(exchange.getRequestMethod() + " " + path + " "
                    + exchange.getRequestHeaders().getFirst("Authorization") + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type") + " " + body);
            int status;
            String answer;
            if (path.endsWith("/schemas/ids/1")) {
                status = 200;
                answer = "{\"schema\":\"\\\"string\\\"\"}";
            } else if (path.endsWith("/schemas/ids/2")) {
                status = 200;
                answer = "{\"schema\":\"{}\",\"schemaType\":\"JSON\"}";
            } else if (path.contains("/subjects/ok-value/versions")) {
                status = 200;
                answer = path.endsWith("/versions") ? "{\"id\":42}"
                        : "{\"subject\":\"ok-value\",\"version\":3,\"id\":42,\"schema\":\"\\\"int\\\"\"}";
            } else if (path.contains("/subjects/forbidden")) {
                status = 403;
                answer = "{\"error_code\":40301,\"message\":\"User is denied operation Write on Subject\"}";
            } else if (path.contains("/subjects/incompatible")) {
                status = 409;
                answer = "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}";
            } else if (path.contains("/subjects/invalid")) {
                status = 422;
                answer = "{\"error_code\":42201,\"message\":\"Either the input schema or one of its references is invalid\"}";
            } else if (path.contains("/subjects/broken")) {
                status = 500;
                answer = "oops";
            } else {
                status = 404;
                answer = "{\"error_code\":40403,\"message\":\"Schema not found\"}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static HttpSchemaRegistryClient client(Optional<String> userInfo) {
        return new HttpSchemaRegistryClient("http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7/",
                userInfo, Duration.ofSeconds(5));
    }

    @Test
    void readsAndRegistersWithBasicAuth() {
        HttpSchemaRegistryClient client = client(Optional.of("alice:secret"));
        assertEquals(new RegisteredSchema(1, "AVRO", "\"string\""), client.byId(1));
        assertEquals(new RegisteredSchema(2, "JSON", "{}"), client.byId(2));
        assertEquals(new RegisteredSchema(42, "AVRO", "\"int\""), client.version("ok-value", "3"));
        REQUESTS.clear();
        assertEquals(42, client.register("ok-value", "AVRO", "\"int\""));
        String auth = "Basic " + Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
        assertEquals("POST /apis/ccompat/v7/subjects/ok-value/versions " + auth
                + " application/vnd.schemaregistry.v1+json {\"schema\":\"\\\"int\\\"\"}", REQUESTS.getFirst());
    }

    @Test
    void registryErrorsMapToKrestCodes() {
        HttpSchemaRegistryClient client = client(Optional.empty());
        assertCode(ErrorCode.KAFKA_AUTHORIZATION, () -> client.register("forbidden-value", "AVRO", "\"int\""));
        assertCode(ErrorCode.SCHEMA_SERIALIZATION, () -> client.register("incompatible-value", "AVRO", "\"int\""));
        assertCode(ErrorCode.INVALID_SCHEMA, () -> client.register("invalid-value", "AVRO", "\"int\""));
        assertCode(ErrorCode.SCHEMA_REGISTRY_UNAVAILABLE, () -> client.register("broken-value", "AVRO", "\"int\""));
        SchemaRegistryException notFound = assertCode(ErrorCode.SCHEMA_NOT_FOUND, () -> client.byId(99));
        assertTrue(notFound.notFound());
        assertTrue(notFound.getMessage().contains("schema id 99"), notFound.getMessage());
        SchemaRegistryException incompatible = assertThrows(SchemaRegistryException.class,
                () -> client.register("incompatible-value", "AVRO", "\"int\""));
        assertTrue(incompatible.getMessage().contains("Schema being registered is incompatible"));
    }

    @Test
    void unreachableRegistryIsRetriable() throws IOException {
        int port = FreePorts.next();
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient("http://127.0.0.1:" + port, Optional.empty(),
                Duration.ofSeconds(2));
        SchemaRegistryException e = assertCode(ErrorCode.SCHEMA_REGISTRY_UNAVAILABLE, () -> client.byId(1));
        assertEquals(503, e.errorCode().httpStatus());
        assertEquals(50304, e.errorCode().code());
    }

    private static SchemaRegistryException assertCode(ErrorCode code, Runnable call) {
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class, call::run);
        assertEquals(code, e.errorCode(), e.getMessage());
        return e;
    }
}
