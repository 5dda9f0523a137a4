package io.github.krest.proxy.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import io.github.krest.proxy.http.json.Json;

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

    private DataReaders() {
    }

    /**
     * Reads base64 text at the parser's current token.
     *
     * @param p parser positioned on the value token
     * @param field the field's name for messages
     * @return decoded bytes, empty for JSON null
     * @throws RestException 400 when the token is not a string or not valid base64
     */
    public static Optional<byte[]> binary(JsonParser p, String field) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return Optional.empty();
        }
        if (t != JsonToken.VALUE_STRING) {
            p.skipChildren();
            throw RestException.badRequest(field + " is not a base64 string.");
        }
        try {
            return Optional.of(p.getBinaryValue(BASE64));
        } catch (JsonProcessingException e) {
            throw RestException.badRequest(field + " is not a valid base64 string.");
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
