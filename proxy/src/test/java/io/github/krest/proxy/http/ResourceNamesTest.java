package io.github.krest.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Requests resolve to Confluent's resource names, which the access lists and (later) metrics use. */
class ResourceNamesTest {

    private static Optional<String> resolve(String method, String path) {
        return ResourceNames.resolve(method, path, Optional.empty(), List.of());
    }

    @Test
    void resolvesV2AndV3Paths() {
        assertEquals(Optional.of("api.v2.topics.list"), resolve("GET", "/topics"));
        assertEquals(Optional.of("api.v2.partitions.get-offsets"), resolve("GET", "/topics/t/partitions/0/offsets"));
        assertEquals(Optional.of("api.v2.consumers.seek-to-end"),
                resolve("POST", "/consumers/g/instances/i/positions/end"));
        assertEquals(Optional.of("api.v3.topics.create"), resolve("POST", "/v3/clusters/abc/topics"));
        assertEquals(Optional.of("api.v3.batch-produce.produce-to-topic"),
                resolve("POST", "/v3/clusters/abc/topics/t/records:batch"));
        assertEquals(Optional.of("api.v3.acls.delete"), resolve("DELETE", "/v3/clusters/abc/acls"));
        assertEquals(Optional.empty(), resolve("GET", "/nope"));
        assertEquals(Optional.empty(), resolve("PUT", "/topics"));
    }

    @Test
    void literalDashWinsOverParameter() {
        assertEquals(Optional.of("api.v3.topic-configs.alter-multi"),
                resolve("POST", "/v3/clusters/c/topics/-/configs:alter"));
        assertEquals(Optional.of("api.v3.topic-configs.alter"), resolve("POST", "/v3/clusters/c/topics/t/configs:alter"));
        assertEquals(Optional.of("api.v3.brokers-configs.list"), resolve("GET", "/v3/clusters/c/brokers/-/configs"));
        assertEquals(Optional.of("api.v3.partition-reassignments.list"),
                resolve("GET", "/v3/clusters/c/topics/-/partitions/-/reassignment"));
        assertEquals(Optional.of("api.v3.partition-reassignments.search-by-topic"),
                resolve("GET", "/v3/clusters/c/topics/t/partitions/-/reassignment"));
    }

    @Test
    void v2ProduceAndConsumeNamesCarryTheFormat() {
        assertEquals(Optional.of("api.v2.produce-to-topic.json"), ResourceNames.resolve("POST", "/topics/t",
                Optional.of("application/vnd.kafka.json.v2+json"), List.of()));
        assertEquals(Optional.of("api.v2.produce-to-partition.binary"), ResourceNames.resolve("POST",
                "/topics/t/partitions/1", Optional.of("application/vnd.kafka.binary.v2+json"), List.of()));
        assertEquals(Optional.of("api.v2.consumers.consume-json-schema"), ResourceNames.resolve("GET",
                "/consumers/g/instances/i/records", Optional.empty(),
                List.of("application/vnd.kafka.jsonschema.v2+json")));
        // reads by offset: named like polls, after the format Accept names (binary when it names none)
        assertEquals(Optional.of("api.v2.partitions.consume-protobuf"), ResourceNames.resolve("GET",
                "/topics/t/partitions/0/records", Optional.empty(), List.of("application/vnd.kafka.protobuf.v2+json")));
        assertEquals(Optional.of("api.v2.partitions.consume-binary"), ResourceNames.resolve("GET",
                "/topics/t/partitions/0/records", Optional.empty(), List.of()));
    }

    @Test
    void entriesMatchNamesOrPrefixes() {
        assertTrue(ResourceNames.matches("api.v3.acls.*", "api.v3.acls.create"));
        assertTrue(ResourceNames.matches(" api.v2.topics.list ", "api.v2.topics.list"));
        assertFalse(ResourceNames.matches("api.v3.acls.*", "api.v3.aclsx.create"));
        assertFalse(ResourceNames.matches("api.v3.topics.list", "api.v3.topics.list.extra"));
    }

    @Test
    void everyTemplateResolvesToItsOwnName() {
        for (ResourceNames.Route route : ResourceNames.ROUTES) {
            String path = route.template().replaceAll("\\{[^}]+}", "x1");
            String expected = route.name().replace("*", "binary");
            Optional<String> resolved = resolve(route.method(), path);
            assertTrue(resolved.isPresent(), route.toString());
            if (!route.template().contains("{")) {
                assertEquals(expected, resolved.get(), route.toString());
            }
        }
    }
}
