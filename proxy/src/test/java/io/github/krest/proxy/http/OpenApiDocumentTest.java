package io.github.krest.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKrest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps krest's OpenAPI document ({@code src/main/resources/openapi/krest-openapi.yaml}) in sync with what krest
 * serves, and checks that {@code GET /openapi} serves it.
 *
 * <p>A route and an operation are the same endpoint when the method is equal and the path templates are equal with
 * every {@code {parameter}} replaced by one wildcard, so the document may use OpenAPI parameter names
 * ({@code {topic_name}}) where {@link ResourceNames#ROUTES} uses short ones ({@code {t}}); literal {@code -} segments
 * must match exactly. The checks:
 * <ol>
 *   <li>every route has exactly one operation and every operation a route (krest's own {@code GET /openapi} aside);</li>
 *   <li>operationIds are unique; each is the route's resource name without a trailing format wildcard
 *       ({@code api.v2.produce-to-topic.*} → {@code api.v2.produce-to-topic}), except that a resource name Confluent
 *       gives to two routes keeps its name as a prefix of the second's operationId; {@code x-krest-resource-name} is
 *       always the resource name itself;</li>
 *   <li>every {@code $ref} in the document resolves;</li>
 *   <li>every operation has a 2xx response, at least one 4xx, and every 4xx/5xx response is the {@code Error}
 *       schema.</li>
 * </ol>
 */
class OpenApiDocumentTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String ERROR_REF = "#/components/schemas/Error";
    /** krest's own endpoints, documented but not Confluent routes. */
    private static final Set<String> KREST_ONLY = Set.of("GET /openapi");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");

    private static JsonNode doc;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream(OpenApiResource.RESOURCE)) {
            assertNotNull(in, OpenApiResource.RESOURCE + " is not on the classpath");
            doc = YAML.readTree(in);
        }
    }

    /** An operation of the document: its key ({@code METHOD /path}) and its node. */
    private record Operation(String method, String path, JsonNode node) {
        String key() {
            return method + " " + path;
        }
    }

    private static List<Operation> operations() {
        List<Operation> ops = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                if (METHODS.contains(op.getKey())) {
                    ops.add(new Operation(op.getKey().toUpperCase(java.util.Locale.ROOT), path.getKey(),
                            op.getValue()));
                }
            }
        }
        return ops;
    }

    private static String shape(String method, String template) {
        return method + " " + template.replaceAll("\\{[^}/]+}", "{}");
    }

    private static String withoutFormat(String name) {
        return name.endsWith("*") ? name.substring(0, name.length() - 2) : name;
    }

    @Test
    void everyRouteHasExactlyOneOperationAndViceVersa() {
        Map<String, List<String>> byShape = new TreeMap<>();
        for (Operation op : operations()) {
            if (!KREST_ONLY.contains(op.key())) {
                byShape.computeIfAbsent(shape(op.method(), op.path()), k -> new ArrayList<>()).add(op.key());
            }
        }
        Set<String> routeShapes = new TreeSet<>();
        for (ResourceNames.Route route : ResourceNames.ROUTES) {
            String shape = shape(route.method(), route.template());
            assertTrue(routeShapes.add(shape), "two routes with the same shape: " + shape);
            List<String> ops = byShape.getOrDefault(shape, List.of());
            assertEquals(1, ops.size(), "operations for route " + route.method() + " " + route.template() + ": " + ops);
        }
        Set<String> undocumentedRoutes = new TreeSet<>(byShape.keySet());
        undocumentedRoutes.removeAll(routeShapes);
        ResourceNames.WEBSOCKET_ROUTES.forEach(r -> undocumentedRoutes.remove(shape(r.method(), r.template())));
        assertTrue(undocumentedRoutes.isEmpty(), "operations without a route in ResourceNames: " + undocumentedRoutes);
    }

    @Test
    void everyWebSocketIsDocumentedUnderItsResourceName() {
        for (ResourceNames.Route route : ResourceNames.WEBSOCKET_ROUTES) {
            List<String> named = new ArrayList<>();
            for (Operation op : operations()) {
                if (shape(op.method(), op.path()).equals(shape(route.method(), route.template()))
                        && (route.name().equals(op.node().path("x-krest-resource-name").asText())
                        || route.name().equals(op.node().path("x-krest-websocket-resource-name").asText()))) {
                    named.add(op.key());
                }
            }
            assertEquals(1, named.size(), "operations naming " + route.name() + ": " + named);
        }
    }

    @Test
    void operationIdsAreUniqueAndAreTheResourceNames() {
        Map<String, Operation> byShape = new HashMap<>();
        Set<String> ids = new TreeSet<>();
        for (Operation op : operations()) {
            String id = op.node().path("operationId").asText("");
            assertFalse(id.isEmpty(), "no operationId: " + op.key());
            assertTrue(ids.add(id), "duplicate operationId " + id);
            byShape.put(shape(op.method(), op.path()), op);
        }
        Map<String, Integer> nameCounts = new HashMap<>();
        ResourceNames.ROUTES.forEach(r -> nameCounts.merge(r.name(), 1, Integer::sum));
        for (ResourceNames.Route route : ResourceNames.ROUTES) {
            Operation op = byShape.get(shape(route.method(), route.template()));
            assertNotNull(op, "no operation for " + route.template());
            String id = op.node().path("operationId").asText();
            String expected = withoutFormat(route.name());
            if (nameCounts.get(route.name()) > 1) {
                assertTrue(id.equals(expected) || id.startsWith(expected + "-"),
                        op.key() + ": operationId " + id + " should be " + expected + " or " + expected + "-...");
            } else {
                assertEquals(expected, id, op.key());
            }
            assertEquals(route.name(), op.node().path("x-krest-resource-name").asText(), op.key());
        }
    }

    @Test
    void everyRefResolves() {
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertFalse(refs.isEmpty());
        for (String ref : refs) {
            assertTrue(ref.startsWith("#/"), "only local references: " + ref);
            JsonNode target = doc.at(ref.substring(1));
            assertFalse(target.isMissingNode(), "unresolved $ref " + ref);
        }
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null) {
                refs.add(ref.asText());
            }
            node.elements().forEachRemaining(child -> collectRefs(child, refs));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> collectRefs(child, refs));
        }
    }

    @Test
    void everyOperationDocumentsSuccessAndErrors() {
        for (Operation op : operations()) {
            JsonNode responses = op.node().path("responses");
            boolean success = false;
            boolean clientError = false;
            for (Map.Entry<String, JsonNode> response : responses.properties()) {
                String status = response.getKey();
                // 101: a WebSocket upgrade's success
                success |= status.startsWith("2") || status.equals("101");
                if (status.startsWith("4") || status.startsWith("5")) {
                    clientError |= status.startsWith("4");
                    JsonNode body = resolve(response.getValue());
                    JsonNode content = body.path("content");
                    assertTrue(content.size() > 0, op.key() + " " + status + " has no content");
                    content.elements().forEachRemaining(media -> assertEquals(ERROR_REF,
                            media.path("schema").path("$ref").asText(), op.key() + " " + status));
                }
            }
            assertTrue(success, op.key() + " documents no 2xx");
            if (!KREST_ONLY.contains(op.key())) {
                assertTrue(clientError, op.key() + " documents no 4xx");
            }
            assertFalse(op.node().path("summary").asText("").isBlank(), op.key() + " has no summary");
        }
    }

    private static JsonNode resolve(JsonNode node) {
        JsonNode ref = node.get("$ref");
        return ref == null ? node : doc.at(ref.asText().substring(1));
    }

    @Test
    void servedAtOpenapi() throws IOException {
        byte[] expected;
        try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream(OpenApiResource.RESOURCE)) {
            expected = in.readAllBytes();
        }
        try (TestKrest krest = TestKrest.start()) {
            KrestHttp.Response response = krest.http().get("/openapi");
            assertEquals(200, response.status(), response.body());
            assertTrue(response.contentType().startsWith("application/vnd.oai.openapi"), response.contentType());
            assertEquals(new String(expected, StandardCharsets.UTF_8), response.body());
            assertEquals("3.0.3", YAML.readTree(response.body()).path("openapi").asText());

            KrestHttp.Response yaml = krest.http().get("/openapi.yaml");
            assertEquals(200, yaml.status());
            assertTrue(yaml.contentType().startsWith("application/yaml"), yaml.contentType());
        }
    }
}
