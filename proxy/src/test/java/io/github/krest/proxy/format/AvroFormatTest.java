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
import io.github.krest.proxy.format.registry.CachingSchemaRegistryClient;
import io.github.krest.proxy.json.Json;
import org.junit.jupiter.api.Test;

/**
 * Golden bytes of the Confluent wire format: magic byte 0, the schema id as 4 bytes big-endian, then Avro binary
 * (what Confluent's {@code KafkaAvroSerializer} writes), and the way back to JSON.
 */
class AvroFormatTest {
    private static final String USER = "{\"type\":\"record\",\"name\":\"User\",\"fields\":"
            + "[{\"name\":\"username\",\"type\":\"string\"}]}";
    private static final String UNION = "{\"type\":\"record\",\"name\":\"T\",\"namespace\":\"k\",\"fields\":["
            + "{\"name\":\"n\",\"type\":[\"null\",\"string\"]},{\"name\":\"i\",\"type\":\"int\"},"
            + "{\"name\":\"l\",\"type\":{\"type\":\"array\",\"items\":\"long\"},\"default\":[]}]}";

    private static JsonNode json(String text) throws Exception {
        return Json.mapper().readTree(text);
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    @Test
    void userRecordWithSchemaIdOne() throws Exception {
        SchemaFormat avro = new SchemaFormat(new InMemorySchemaRegistryClient(1), new AvroConverter(), 10);
        SchemaFormat.ResolvedSchema schema = avro.resolve("users-value", Optional.of(USER), Optional.empty())
                .orElseThrow();
        assertEquals(1, schema.id());
        byte[] bytes = avro.serialize(schema, json("{\"username\":\"alice\"}"), "records[0].value");
        // magic 0 | id 1 | string length 5 (zig-zag 0x0a) | "alice"
        assertArrayEquals(hex("00 00000001 0a 616c696365"), bytes);
        assertEquals(json("{\"username\":\"alice\"}"), avro.deserialize(bytes));
    }

    @Test
    void unionsUseAvroJsonEncodingAndIdsAreBigEndian() throws Exception {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient(258);
        SchemaFormat avro = new SchemaFormat(registry, new AvroConverter(), 10);
        SchemaFormat.ResolvedSchema schema = avro.resolve("t-value", Optional.of(UNION), Optional.empty())
                .orElseThrow();
        byte[] bytes = avro.serialize(schema, json("{\"n\":{\"string\":\"x\"},\"i\":-1,\"l\":[1,-2]}"), "v");
        // magic 0 | id 258 = 0x00000102 | union branch 1 | "x" | int -1 | array block of 2: 1, -2, end
        assertArrayEquals(hex("00 00000102 02 02 78 01 04 02 03 00"), bytes);
        assertEquals(json("{\"n\":{\"string\":\"x\"},\"i\":-1,\"l\":[1,-2]}"), avro.deserialize(bytes));

        // null branch; a missing field takes its default
        byte[] nulls = avro.serialize(schema, json("{\"n\":null,\"i\":0}"), "v");
        assertArrayEquals(hex("00 00000102 00 00 00"), nulls);
        assertEquals(json("{\"n\":null,\"i\":0,\"l\":[]}"), avro.deserialize(nulls));
    }

    @Test
    void primitiveSchemaById() throws Exception {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient(7);
        registry.register("k-key", "AVRO", "\"string\"");
        SchemaFormat avro = new SchemaFormat(registry, new AvroConverter(), 10);
        SchemaFormat.ResolvedSchema schema = avro.resolve("k-key", Optional.empty(), Optional.of(7)).orElseThrow();
        byte[] bytes = avro.serialize(schema, json("\"k1\""), "records[0].key");
        assertArrayEquals(hex("00 00000007 04 6b31"), bytes);
        assertEquals(json("\"k1\""), avro.deserialize(bytes));
    }

    @Test
    void dataNotMatchingTheSchemaNamesTheField() throws Exception {
        SchemaFormat avro = new SchemaFormat(new InMemorySchemaRegistryClient(1), new AvroConverter(), 10);
        SchemaFormat.ResolvedSchema user = avro.resolve("u", Optional.of(USER), Optional.empty()).orElseThrow();
        RestException e = assertThrows(RestException.class,
                () -> avro.serialize(user, json("{\"username\":5}"), "records[3].value"));
        assertEquals(ErrorCode.JSON_CONVERSION, e.errorCode());
        assertTrue(e.getMessage().contains("records[3].value.username: expected a string, got 5"), e.getMessage());

        RestException missing = assertThrows(RestException.class,
                () -> avro.serialize(user, json("{}"), "records[0].value"));
        assertTrue(missing.getMessage().contains("records[0].value.username: missing"), missing.getMessage());

        SchemaFormat.ResolvedSchema union = avro.resolve("t", Optional.of(UNION), Optional.empty()).orElseThrow();
        RestException branch = assertThrows(RestException.class,
                () -> avro.serialize(union, json("{\"n\":\"x\",\"i\":1}"), "v"));
        assertTrue(branch.getMessage().contains("v.n: expected null or {\"<branch>\": value}"), branch.getMessage());
    }

    @Test
    void invalidSchemaIs42205() {
        SchemaFormat avro = new SchemaFormat(new InMemorySchemaRegistryClient(1), new AvroConverter(), 10);
        RestException e = assertThrows(RestException.class,
                () -> avro.resolve("u", Optional.of("{\"type\":\"record\"}"), Optional.empty()));
        assertEquals(ErrorCode.INVALID_SCHEMA, e.errorCode());
        assertTrue(e.getMessage().startsWith("Invalid schema: "), e.getMessage());
    }

    @Test
    void unknownIdIs40403OnProduceAndAPoisonRecordOnConsume() {
        SchemaFormat avro = new SchemaFormat(new InMemorySchemaRegistryClient(1), new AvroConverter(), 10);
        RestException e = assertThrows(RestException.class,
                () -> avro.resolve("u", Optional.empty(), Optional.of(99)));
        assertEquals(ErrorCode.SCHEMA_NOT_FOUND, e.errorCode());
        assertEquals(404, e.errorCode().httpStatus());
        IllegalArgumentException poison = assertThrows(IllegalArgumentException.class,
                () -> avro.deserialize(hex("00 00000063 02")));
        assertTrue(poison.getMessage().contains("schema id 99"), poison.getMessage());
    }

    @Test
    void bytesNotInTheWireFormatOrNotDecodingAreRefused() {
        SchemaFormat avro = new SchemaFormat(new InMemorySchemaRegistryClient(1), new AvroConverter(), 10);
        avro.resolve("u", Optional.of(USER), Optional.empty());
        assertThrows(IllegalArgumentException.class, () -> avro.deserialize("plain".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> avro.deserialize(hex("00 0000")));
        // a string length of 50 with only 2 bytes behind it
        IllegalArgumentException truncated = assertThrows(IllegalArgumentException.class,
                () -> avro.deserialize(hex("00 00000001 64 6161")));
        assertTrue(truncated.getMessage().startsWith("it does not decode"), truncated.getMessage());
    }

    @Test
    void schemasAreCachedByIdAndRegistration() throws Exception {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient(1);
        CachingSchemaRegistryClient cached = new CachingSchemaRegistryClient(registry, 10);
        int id = cached.register("u-value", "AVRO", USER);
        assertEquals(id, cached.register("u-value", "AVRO", USER));
        cached.byId(id);
        cached.byId(id);
        cached.version("u-value", "1");
        cached.version("u-value", "1");
        assertEquals(3, registry.calls);
        cached.version("u-value", "latest");
        cached.version("u-value", "latest");
        assertEquals(5, registry.calls, "latest is never cached");

        // a new SchemaFormat over the same registry parses each schema once
        SchemaFormat avro = new SchemaFormat(cached, new AvroConverter(), 10);
        byte[] bytes = hex("00 00000001 0a 616c696365");
        avro.deserialize(bytes);
        avro.deserialize(bytes);
        assertEquals(5, registry.calls);
    }
}
