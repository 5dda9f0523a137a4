package io.github.krest.proxy.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.format.registry.RegisteredSchema;
import io.github.krest.proxy.format.registry.SchemaRegistryClient;
import io.github.krest.proxy.format.registry.SchemaRegistryException;
import io.github.krest.proxy.json.Json;
import org.junit.jupiter.api.Test;

/**
 * Golden bytes of the jsonschema wire format: magic byte 0, the schema id as 4 bytes big-endian, then the data as
 * compact UTF-8 JSON text (what Confluent's {@code KafkaJsonSchemaSerializer} writes), validation naming the field,
 * and the way back to JSON.
 */
class JsonSchemaFormatTest {
    private static final String USER = "{\"title\":\"User\",\"type\":\"object\",\"properties\":{"
            + "\"username\":{\"type\":\"string\"},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}},"
            + "\"required\":[\"username\"]}";

    private static JsonNode json(String text) throws Exception {
        return Json.mapper().readTree(text);
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    private static SchemaFormat format(InMemorySchemaRegistryClient registry) {
        return new SchemaFormat(registry, new JsonSchemaConverter(), 10);
    }

    @Test
    void userWithSchemaIdOneIsHeaderThenCompactJson() throws Exception {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient(1);
        SchemaFormat format = format(registry);
        SchemaFormat.ResolvedSchema schema = format.resolve("users-value", Optional.of(USER), Optional.empty())
                .orElseThrow();
        assertEquals(1, schema.id());
        assertEquals("JSON", registry.byId(1).type());
        byte[] bytes = format.serialize(schema, json("{ \"username\" : \"alice\" }"), "records[0].value");
        // magic 0 | id 1 | {"username":"alice"}
        assertArrayEquals(hex("00 00000001 7b22757365726e616d65223a22616c696365227d"), bytes);
        assertEquals("{\"username\":\"alice\"}", new String(bytes, 5, bytes.length - 5, StandardCharsets.UTF_8));
        assertEquals(json("{\"username\":\"alice\"}"), format.deserialize(bytes));
        assertEquals(Optional.of("User"), schema.schema().name());
    }

    @Test
    void idsAreBigEndianAndAnyJsonValueIsAllowedByItsSchema() throws Exception {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient(258);
        SchemaFormat format = format(registry);
        SchemaFormat.ResolvedSchema schema = format.resolve("k-key", Optional.of("{\"type\":\"integer\"}"),
                Optional.empty()).orElseThrow();
        assertArrayEquals(hex("00 00000102 3432"), format.serialize(schema, json("42"), "records[0].key"));
        assertEquals(Optional.empty(), schema.schema().name(), "no title, no record name");
    }

    @Test
    void dataNotMatchingTheSchemaNamesTheField() throws Exception {
        SchemaFormat format = format(new InMemorySchemaRegistryClient(1));
        SchemaFormat.ResolvedSchema user = format.resolve("u", Optional.of(USER), Optional.empty()).orElseThrow();
        RestException e = assertThrows(RestException.class,
                () -> format.serialize(user, json("{\"username\":5}"), "records[3].value"));
        assertEquals(ErrorCode.JSON_CONVERSION, e.errorCode());
        assertEquals(422, e.errorCode().httpStatus());
        assertTrue(e.getMessage().contains("records[3].value.username: integer found, string expected"),
                e.getMessage());
        RestException nested = assertThrows(RestException.class,
                () -> format.serialize(user, json("{\"username\":\"a\",\"tags\":[1,\"x\"]}"), "v"));
        assertTrue(nested.getMessage().contains("v.tags[1]: string found, integer expected"), nested.getMessage());
        RestException missing = assertThrows(RestException.class,
                () -> format.serialize(user, json("{}"), "records[0].value"));
        assertTrue(missing.getMessage().contains("records[0].value: required property 'username' not found"),
                missing.getMessage());
    }

    @Test
    void invalidSchemasAre42205() {
        SchemaFormat format = format(new InMemorySchemaRegistryClient(1));
        for (String bad : new String[] {"{\"type\":5}", "not json", "[1]", "{\"type\":\"object\",\"required\":1}"}) {
            RestException e = assertThrows(RestException.class,
                    () -> format.resolve("u", Optional.of(bad), Optional.empty()), bad);
            assertEquals(ErrorCode.INVALID_SCHEMA, e.errorCode(), bad);
            assertTrue(e.getMessage().startsWith("Invalid schema: "), e.getMessage());
        }
    }

    @Test
    void aRegistryThatNeedsTheDialectGetsDraft07Declared() throws Exception {
        InMemorySchemaRegistryClient memory = new InMemorySchemaRegistryClient(1);
        // Apicurio's ccompat API: a JSON Schema needs a json-schema.org $schema or top-level properties
        SchemaRegistryClient picky = new SchemaRegistryClient() {
            @Override
            public RegisteredSchema byId(int id) {
                return memory.byId(id);
            }

            @Override
            public RegisteredSchema version(String subject, String version) {
                return memory.version(subject, version);
            }

            @Override
            public int register(String subject, String type, String schema) {
                if ((!schema.contains("json-schema.org") && !schema.contains("\"properties\""))
                        || schema.contains("\"title\":\"refused\"")) {
                    throw SchemaRegistryException.of(422, 42201, "Given schema is not from type: JSON", subject);
                }
                return memory.register(subject, type, schema);
            }

            @Override
            public int versionOf(String subject, String type, String schema) {
                return memory.versionOf(subject, type, schema);
            }
        };
        SchemaFormat format = new SchemaFormat(picky, new JsonSchemaConverter(), 10);
        SchemaFormat.ResolvedSchema schema = format.resolve("k-key", Optional.of("{\"type\":\"string\"}"),
                Optional.empty()).orElseThrow();
        assertEquals("{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"string\"}",
                memory.byId(schema.id()).schema());
        assertArrayEquals(hex("00 00000001 22 6b 22"), format.serialize(schema, json("\"k\""), "records[0].key"));
        // a schema the registry refuses for another reason stays refused
        RestException e = assertThrows(RestException.class, () -> format.resolve("k-key",
                Optional.of("{\"title\":\"refused\"}"), Optional.empty()));
        assertTrue(e.getMessage().contains("not from type"), e.getMessage());
    }

    @Test
    void remoteReferencesAreNotLoaded() {
        SchemaFormat format = format(new InMemorySchemaRegistryClient(1));
        RestException e = assertThrows(RestException.class, () -> format.resolve("u",
                Optional.of("{\"$ref\":\"http://127.0.0.1:1/other.json\"}"), Optional.empty()));
        assertEquals(ErrorCode.INVALID_SCHEMA, e.errorCode(), e.getMessage());
    }

    @Test
    void aDialectFromSchemaIsUsed() throws Exception {
        SchemaFormat format = format(new InMemorySchemaRegistryClient(1));
        // prefixItems exists in 2020-12 only
        SchemaFormat.ResolvedSchema tuple = format.resolve("t", Optional.of(
                "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"array\","
                        + "\"prefixItems\":[{\"type\":\"string\"}]}"), Optional.empty()).orElseThrow();
        RestException e = assertThrows(RestException.class, () -> format.serialize(tuple, json("[1]"), "v"));
        assertTrue(e.getMessage().contains("v[0]"), e.getMessage());
    }

    @Test
    void recordsThatAreNotJsonOrOfAnotherFormatArePoison() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient(1);
        registry.register("a", "AVRO", "\"string\"");
        SchemaFormat format = format(registry);
        format.resolve("u", Optional.of(USER), Optional.empty());
        IllegalArgumentException notJson = assertThrows(IllegalArgumentException.class,
                () -> format.deserialize(hex("00 00000002 7b7b")));
        assertTrue(notJson.getMessage().contains("not valid JSON"), notJson.getMessage());
        IllegalArgumentException avro = assertThrows(IllegalArgumentException.class,
                () -> format.deserialize(hex("00 00000001 02 61")));
        assertTrue(avro.getMessage().contains("schema id 1 is not a valid JSON schema"), avro.getMessage());
    }
}
