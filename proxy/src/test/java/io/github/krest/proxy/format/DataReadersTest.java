package io.github.krest.proxy.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import org.junit.jupiter.api.Test;

/**
 * {@link DataReaders}, the schema-less embedded formats: base64 with or without padding, errors that name the field,
 * JSON stored as compact text, strings as UTF-8, and JSON null as a null key or value; for tree nodes and for
 * parsers alike.
 */
class DataReadersTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode tree(String json) throws IOException {
        return MAPPER.readTree(json);
    }

    private static String utf8(Optional<byte[]> bytes) {
        return new String(bytes.orElseThrow(), StandardCharsets.UTF_8);
    }

    @Test
    void base64WithAndWithoutPadding() throws IOException {
        assertEquals("hello", utf8(DataReaders.binary(tree("\"aGVsbG8=\""), "value")));
        assertEquals("hello", utf8(DataReaders.binary(tree("\"aGVsbG8\""), "value")));
        assertEquals("hi", utf8(DataReaders.binary(tree("\"aGk=\""), "value")));
        assertEquals("hi", utf8(DataReaders.binary(tree("\"aGk\""), "value")));
        assertArrayEquals(new byte[] {0, 1, (byte) 0xfe, (byte) 0xff},
                DataReaders.binary(tree("\"AAH+/w==\""), "value").orElseThrow());
        assertArrayEquals(new byte[0], DataReaders.binary(tree("\"\""), "value").orElseThrow());
    }

    @Test
    void invalidBase64NamesTheField() throws IOException {
        RestException e = assertThrows(RestException.class,
                () -> DataReaders.binary(tree("\"not base64!\""), "records[2].value"));
        assertEquals(ErrorCode.BAD_REQUEST, e.errorCode());
        assertTrue(e.getMessage().startsWith("records[2].value="), e.getMessage());
        assertTrue(e.getMessage().endsWith("is not a valid base64 string."), e.getMessage());

        RestException notString = assertThrows(RestException.class,
                () -> DataReaders.binary(tree("{\"a\":1}"), "headers[0].value"));
        assertEquals(ErrorCode.BAD_REQUEST, notString.errorCode());
        assertTrue(notString.getMessage().startsWith("headers[0].value="), notString.getMessage());
        assertTrue(notString.getMessage().endsWith("is not a base64 string."), notString.getMessage());
    }

    @Test
    void longInvalidDataIsAbbreviatedInTheMessage() throws IOException {
        String longText = "!".repeat(1000);
        RestException e = assertThrows(RestException.class,
                () -> DataReaders.binary(tree("\"" + longText + "\""), "value"));
        assertTrue(e.getMessage().length() < 200, e.getMessage());
    }

    @Test
    void jsonIsCopiedCompact() throws IOException {
        String json = "{ \"a\" : [ 1, 2.5, \"x\" ],\n  \"b\" : { \"c\" : null, \"d\" : true } }";
        assertEquals("{\"a\":[1,2.5,\"x\"],\"b\":{\"c\":null,\"d\":true}}", utf8(DataReaders.json(tree(json))));
        assertEquals("42", utf8(DataReaders.json(tree("42"))));
        assertEquals("\"text\"", utf8(DataReaders.json(tree("\"text\""))));
    }

    @Test
    void nullIsEmpty() throws IOException {
        assertEquals(Optional.empty(), DataReaders.json(NullNode.getInstance()));
        assertEquals(Optional.empty(), DataReaders.json((JsonNode) null));
        assertEquals(Optional.empty(), DataReaders.binary(tree("null"), "value"));
        assertEquals(Optional.empty(), DataReaders.binary((JsonNode) null, "value"));
        assertEquals(Optional.empty(), DataReaders.string(NullNode.getInstance(), "value"));
    }

    @Test
    void stringIsUtf8AndMustBeAString() throws IOException {
        assertArrayEquals("käse €".getBytes(StandardCharsets.UTF_8),
                DataReaders.string(tree("\"käse €\""), "value").orElseThrow());
        RestException e = assertThrows(RestException.class, () -> DataReaders.string(tree("12"), "key"));
        assertEquals(ErrorCode.BAD_REQUEST, e.errorCode());
        assertTrue(e.getMessage().startsWith("key="), e.getMessage());
    }

    @Test
    void parserVariants() throws IOException {
        try (JsonParser p = MAPPER.createParser("[\"aGVsbG8\", null, 7, \"%%%\", { \"x\" : [1, 2] }, null]")) {
            assertEquals(JsonToken.START_ARRAY, p.nextToken());
            p.nextToken();
            assertEquals("hello", utf8(DataReaders.binary(p, null, "v0")));
            p.nextToken();
            assertEquals(Optional.empty(), DataReaders.binary(p, null, "v1"));
            p.nextToken();
            RestException notString = assertThrows(RestException.class, () -> DataReaders.binary(p, null, "v2"));
            assertEquals("v2 is not a base64 string.", notString.getMessage());
            p.nextToken();
            RestException invalid = assertThrows(RestException.class, () -> DataReaders.binary(p, null, "v3"));
            assertEquals("v3 is not a valid base64 string.", invalid.getMessage());
            p.nextToken();
            assertEquals("{\"x\":[1,2]}", utf8(DataReaders.json(p)));
            p.nextToken();
            assertEquals(Optional.empty(), DataReaders.json(p));
            assertEquals(JsonToken.END_ARRAY, p.nextToken());
        }
    }

    /**
     * Decoding straight from the body's bytes gives exactly what Jackson's decoder gives, or the same error, whatever
     * comes before the string (multi-byte UTF-8, whitespace) and whatever the string holds (escapes, padding,
     * invalid text).
     */
    @Test
    void decodingFromTheSourceAgreesWithJackson() throws IOException {
        String[] values = {"aGVsbG8=", "aGVsbG8", "aGk=", "aGk", "", "AAH+/w==", "AAH\\/+w==", "aGk=aGk=", "%%%",
                "aGVsbG8=x", "a", "aGVs bG8=", "aGVsbG8==", "\\u0061Gk=", "ä", "A".repeat(4000)};
        for (String v : values) {
            String json = "{\"käse €\" :  [ {\"x\": \"é\", \"value\" : \"" + v + "\"} ] }";
            byte[] source = json.getBytes(StandardCharsets.UTF_8);
            Object fast = decodeValue(source, source);
            Object jackson = decodeValue(source, null);
            if (fast instanceof byte[] f && jackson instanceof byte[] j) {
                assertArrayEquals(j, f, v);
            } else {
                assertEquals(jackson, fast, v);
            }
        }
    }

    /** @return the decoded bytes of the "value" field, or the error message */
    private static Object decodeValue(byte[] json, byte[] source) throws IOException {
        try (JsonParser p = MAPPER.createParser(json)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME && p.currentName().equals("value")) {
                    p.nextToken();
                    try {
                        byte[] decoded = DataReaders.binary(p, source, "value").orElseThrow();
                        assertEquals(JsonToken.END_OBJECT, p.nextToken(), "the parser goes on after the value");
                        return decoded;
                    } catch (RestException e) {
                        return e.getMessage();
                    }
                }
            }
        }
        throw new AssertionError("no value in " + new String(json, StandardCharsets.UTF_8));
    }
}
