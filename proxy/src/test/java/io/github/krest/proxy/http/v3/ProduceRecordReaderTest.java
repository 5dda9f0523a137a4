package io.github.krest.proxy.http.v3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.json.Json;
import org.junit.jupiter.api.Test;

/**
 * {@link ProduceRecordReader#readFast} must read a plain record exactly as {@link ProduceRecordReader#read} reads
 * its tree, and give up (null) on everything else, valid or not, so that {@code read} answers for it; {@code read}
 * refuses a field a record does not have, at any level, naming it.
 */
class ProduceRecordReaderTest {
    private static final ProduceRecordReader READER = new ProduceRecordReader(Optional.empty());
    private static final Optional<Integer> PARTITIONS = Optional.of(3);

    @Test
    void plainRecordsReadAsTheirTrees() {
        for (String record : List.of(
                "{}",
                "{\"value\":{\"type\":\"BINARY\",\"data\":\"" + "QUJD".repeat(400) + "\"}}",
                "{\"partition_id\":2,\"key\":{\"type\":\"binary\",\"data\":\"a2V5\"},"
                        + "\"value\":{\"type\":\"STRING\",\"data\":\"h\\u00e9llo \\\"x\\\"\"}}",
                "{\"key\":null,\"value\":{\"type\":\"BINARY\",\"data\":null},\"headers\":null,\"partition_id\":null}",
                "{\"value\":{\"type\":\"BINARY\"},\"timestamp\":\"2021-02-05T19:14:42+01:00\"}",
                "{\"value\":{\"type\":\"BINARY\",\"data\":\"YQ\"}}",
                "{\"value\":{\"type\":\"BINARY\",\"data\":\"a\\u0032V5\"}}",
                "{\"value\":{\"type\":\"STRING\",\"data\":\"1\"},\"value\":{\"type\":\"BINARY\",\"data\":\"dg==\"}}")) {
            ProduceRecordReader.Parsed fast = fast(record);
            assertNotNull(fast, record);
            assertSame(READER.read(tree(record), "t", PARTITIONS), fast, record);
        }
    }

    @Test
    void everythingElseIsLeftToTheTreeReader() {
        for (String record : List.of(
                "{\"value\":{\"type\":\"JSON\",\"data\":{\"a\":1}}}",
                "{\"value\":{\"data\":\"a2V5\",\"type\":\"BINARY\"}}",
                "{\"value\":{\"type\":\"BINARY\",\"data\":\"not base64!\"}}",
                "{\"value\":{\"type\":\"BINARY\",\"data\":5}}",
                "{\"value\":{\"type\":\"STRING\",\"data\":[]}}",
                "{\"value\":{\"type\":\"AVRO\",\"data\":\"x\",\"schema_id\":1}}",
                "{\"value\":{\"type\":\"BINARY\",\"data\":\"dg==\",\"subject\":\"s\"}}",
                "{\"value\":\"dg==\"}",
                "{\"partition_id\":3}",
                "{\"partition_id\":-1}",
                "{\"partition_id\":1.0}",
                "{\"partition_id\":\"1\"}",
                "{\"headers\":[{\"name\":\"h\",\"value\":\"dg==\"}]}",
                "{\"timestamp\":\"yesterday\"}",
                "{\"timestamp\":5}",
                "{\"value\":{\"type\":\"BINARY\",\"data\":\"dg==\"}",
                "{\"value\":}",
                "{\"extra\":{\"nested\":[1,{\"x\":\"}\"}]},\"value\":{\"type\":\"STRING\",\"data\":\"\"}}",
                "{\"value\":{\"type\":\"STRING\",\"data\":\"\",\"extra\":1}}")) {
            assertNull(fast(record), record);
        }
    }

    @Test
    void fieldsARecordDoesNotHaveAreRefusedNamingThem() {
        Map<String, String> records = Map.of(
                "{\"records\":{\"subject\":\"foobar\"}}", "\"records\"",
                "{\"extra\":{\"nested\":[1]},\"value\":{\"type\":\"STRING\",\"data\":\"\"}}", "\"extra\"",
                "{\"value\":{\"type\":\"STRING\",\"dat\":\"x\"}}", "\"value.dat\"",
                "{\"key\":{\"type\":\"BINARY\",\"data\":null,\"schemaId\":1}}", "\"key.schemaId\"",
                "{\"headers\":[{\"name\":\"h\"},{\"name\":\"h\",\"vaule\":\"dg==\"}]}", "\"headers[1].vaule\"");
        records.forEach((record, field) -> {
            RestException e = assertThrows(RestException.class, () -> READER.read(tree(record), "t", PARTITIONS),
                    record);
            assertEquals(ErrorCode.BAD_REQUEST, e.errorCode(), record);
            assertTrue(e.getMessage().startsWith("Unrecognized field " + field), e.getMessage());
        });
        // a batch entry's own id is known there, and only there
        String entry = "{\"id\":\"1\",\"value\":{\"type\":\"STRING\",\"data\":\"x\"}}";
        assertEquals(1, READER.read(tree(entry), "t", PARTITIONS, Set.of("id", "value")).record().value()
                .orElseThrow().length);
        assertThrows(RestException.class, () -> READER.read(tree(entry), "t", PARTITIONS));
    }

    private static ProduceRecordReader.Parsed fast(String record) {
        // the record sits inside a larger buffer, as the framer hands it out
        byte[] bytes = ("  xx" + record + "yy").getBytes(StandardCharsets.UTF_8);
        return READER.readFast(Json.mapper().getFactory(), bytes, 4,
                record.getBytes(StandardCharsets.UTF_8).length, "t", PARTITIONS);
    }

    private static JsonNode tree(String record) {
        try {
            return Json.mapper().readTree(record);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void assertSame(ProduceRecordReader.Parsed expected, ProduceRecordReader.Parsed actual,
                                   String record) {
        assertEquals(expected.record().topic(), actual.record().topic(), record);
        assertEquals(expected.record().partition(), actual.record().partition(), record);
        assertArrayEquals(expected.record().key().orElse(null), actual.record().key().orElse(null), record);
        assertArrayEquals(expected.record().value().orElse(null), actual.record().value().orElse(null), record);
        assertEquals(expected.record().key().isPresent(), actual.record().key().isPresent(), record);
        assertEquals(expected.record().value().isPresent(), actual.record().value().isPresent(), record);
        assertEquals(expected.record().headers(), actual.record().headers(), record);
        assertEquals(expected.record().timestamp(), actual.record().timestamp(), record);
        assertEquals(expected.key(), actual.key(), record);
        assertEquals(expected.value(), actual.value(), record);
    }
}
