package io.github.krest.proxy.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.json.Json;

/**
 * Turns embedded key/value data into record bytes, for the formats that need no schema: binary (base64 text, decoded
 * straight from the parser's buffer), JSON (the value's compact JSON text, as Confluent's
 * {@code KafkaJsonSerializer} writes it) and string (UTF-8). JSON {@code null} is a null key or value.
 *
 * <p>Errors are 400/400 with the field named, e.g. {@code records[2].value is not a valid base64 string.}
 */
public final class DataReaders {
    /** Standard base64 with or without padding, as {@code java.util.Base64.getDecoder()} accepts. */
    public static final Base64Variant BASE64 = Base64Variants.MIME_NO_LINEFEEDS
            .withReadPadding(Base64Variant.PaddingReadBehaviour.PADDING_ALLOWED);

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5c5c5c5c5c5c5c5cL;
    private static final long LOW_BITS = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    private DataReaders() {
    }

    /**
     * Finds where the plain run of a JSON string's UTF-8 text ends: eight bytes at a time up to the word holding a
     * quote or backslash, then byte by byte.
     *
     * @param bytes UTF-8 JSON text
     * @param from the first byte to look at, inside a string
     * @param to the end of the bytes to look at
     * @return the index of the first {@code "} or {@code \\} at or after {@code from}, or {@code to} when there is none
     */
    public static int plainEnd(byte[] bytes, int from, int to) {
        int i = from;
        while (i + Long.BYTES <= to) {
            long word = (long) LONGS.get(bytes, i);
            if (hasByte(word, QUOTES) || hasByte(word, BACKSLASHES)) {
                break;
            }
            i += Long.BYTES;
        }
        while (i < to && bytes[i] != '"' && bytes[i] != '\\') {
            i++;
        }
        return i;
    }

    /** @return whether any of the eight bytes of {@code word} equals the byte repeated in {@code pattern} */
    private static boolean hasByte(long word, long pattern) {
        long x = word ^ pattern;
        return ((x - LOW_BITS) & ~x & HIGH_BITS) != 0;
    }

    /**
     * Reads base64 text at the parser's current token, decoding it straight from the request body the parser reads
     * when it can: the JDK's decoder (intrinsified, several times faster than Jackson's byte-by-byte one) over the
     * string's bytes in {@code source}, without the text ever becoming a {@code String} or going through Jackson's
     * byte builder. A string with escapes, or one the JDK's decoder refuses (e.g. padded blocks one after another),
     * goes to Jackson's decoder, so the accepted input is exactly {@link #BASE64}'s either way.
     *
     * @param p parser positioned on the value token, created on {@code source} from its first byte
     * @param source the UTF-8 bytes the parser reads, or {@code null} to always use Jackson's decoder
     * @param field the field's name for messages
     * @return decoded bytes, empty for JSON null
     * @throws RestException 400 when the token is not a string or not valid base64
     */
    public static Optional<byte[]> binary(JsonParser p, byte[] source, String field) throws IOException {
        return binary(p, source, 0, field);
    }

    /**
     * {@link #binary(JsonParser, byte[], String)} for a parser created on {@code source} from offset {@code base}
     * (its byte offsets count from there).
     *
     * @param p parser positioned on the value token
     * @param source the UTF-8 bytes the parser reads, or {@code null} to always use Jackson's decoder
     * @param base the offset in {@code source} of the parser's first byte
     * @param field the field's name for messages
     * @return decoded bytes, empty for JSON null
     * @throws RestException 400 when the token is not a string or not valid base64
     */
    public static Optional<byte[]> binary(JsonParser p, byte[] source, int base, String field) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return Optional.empty();
        }
        if (t != JsonToken.VALUE_STRING) {
            p.skipChildren();
            throw RestException.badRequest(field + " is not a base64 string.");
        }
        if (source != null) {
            long offset = p.currentTokenLocation().getByteOffset();
            byte[] decoded = offset < 0 ? null : decodeInPlace(source, base + offset);
            if (decoded != null) {
                return Optional.of(decoded);
            }
        }
        try {
            return Optional.of(p.getBinaryValue(BASE64));
        } catch (JsonProcessingException e) {
            throw RestException.badRequest(field + " is not a valid base64 string.");
        }
    }

    /**
     * @param quote the offset of the string token's opening quote in {@code source}
     * @return the decoded string, or {@code null} when the fast path does not apply (escapes, not where expected,
     *         or text the JDK's decoder refuses)
     */
    private static byte[] decodeInPlace(byte[] source, long quote) {
        if (quote < 0 || quote >= source.length || source[(int) quote] != '"') {
            return null;
        }
        int start = (int) quote + 1;
        int end = plainEnd(source, start, source.length);
        if (end == source.length || source[end] != '"') {
            // a backslash, or no closing quote
            return null;
        }
        try {
            ByteBuffer decoded = Base64.getDecoder().decode(ByteBuffer.wrap(source, start, end - start));
            byte[] array = decoded.array();
            return decoded.remaining() == array.length ? array : Arrays.copyOf(array, decoded.remaining());
        } catch (IllegalArgumentException notPlain) {
            return null;
        }
    }

    /**
     * Copies the JSON value at the parser's current token as compact JSON text.
     *
     * @param p parser positioned on the value's first token
     * @return UTF-8 JSON text, empty for JSON null
     */
    public static Optional<byte[]> json(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return Optional.empty();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
            g.copyCurrentStructure(p);
        }
        return Optional.of(out.toByteArray());
    }

    /**
     * Base64 text in a tree node.
     *
     * @param node the data node, possibly null or JSON null
     * @param field the field's name for messages
     * @return decoded bytes, empty for null
     * @throws RestException 400 when the node is not a string or not valid base64
     */
    public static Optional<byte[]> binary(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw RestException.badRequest(field + "=" + abbreviate(node) + " is not a base64 string.");
        }
        String text = node.textValue();
        try {
            // the JDK's decoder is several times faster than Jackson's char-by-char one; what it refuses (e.g.
            // padded blocks one after another) goes to Jackson's, so the accepted input stays exactly BASE64's
            return Optional.of(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException notPlain) {
            // fall through
        }
        try {
            return Optional.of(BASE64.decode(text));
        } catch (IllegalArgumentException e) {
            throw RestException.badRequest(field + "=" + abbreviate(node) + " is not a valid base64 string.");
        }
    }

    /**
     * A tree node as compact JSON text.
     *
     * @param node the data node, possibly null or JSON null
     * @return UTF-8 JSON text, empty for null
     */
    public static Optional<byte[]> json(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.mapper().writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A JSON string node as UTF-8.
     *
     * @param node the data node, possibly null or JSON null
     * @param field the field's name for messages
     * @return UTF-8 bytes, empty for null
     * @throws RestException 400 when the node is not a string
     */
    public static Optional<byte[]> string(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw RestException.badRequest(field + "=" + abbreviate(node) + " is not a string.");
        }
        return Optional.of(node.textValue().getBytes(StandardCharsets.UTF_8));
    }

    private static String abbreviate(JsonNode node) {
        String s = node.toString();
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
