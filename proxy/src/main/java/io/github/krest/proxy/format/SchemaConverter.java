package io.github.krest.proxy.format;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.error.RestException;

/**
 * One schema embedded format (Strimzi's habit: one converter per format): parses the registry's schema text, and
 * converts JSON data to the payload that follows the {@link ConfluentWireFormat} header and back. Registry access,
 * schema selection and framing are shared in {@link SchemaFormat}.
 */
public interface SchemaConverter {
    /** @return the embedded format, e.g. {@link EmbeddedFormat#AVRO} */
    EmbeddedFormat format();

    /** @return the registry's {@code schemaType}: {@code AVRO}, {@code JSON} or {@code PROTOBUF} */
    String schemaType();

    /**
     * @param text schema text
     * @return the parsed schema
     * @throws RestException 422/42205 when the text is not a valid schema of this format
     */
    ParsedSchema parse(String text);

    /**
     * The same schema with its dialect declared, for registries that refuse it without (Apicurio's ccompat API
     * takes a JSON Schema only with a json-schema.org {@code $schema} or a top-level {@code properties}).
     *
     * @param schema a schema from {@link #parse}
     * @return the schema with the dialect krest applies anyway declared; empty when it already declares one or
     *         the format has no such notion
     */
    default Optional<ParsedSchema> withDeclaredDialect(ParsedSchema schema) {
        return Optional.empty();
    }

    /**
     * The schema writing another of its messages (protobuf: a schema file has several).
     *
     * @param schema a schema from {@link #parse}
     * @param name the message's name
     * @return the schema, writing that message
     * @throws RestException 400 when the format has no messages or the schema has no such message
     */
    default ParsedSchema selectMessage(ParsedSchema schema, String name) {
        throw RestException.badRequest("A message name applies to protobuf schemas only.");
    }

    /**
     * @param schema a schema from {@link #parse}
     * @param data the JSON value (not null)
     * @param field the value's name for messages, e.g. {@code records[0].value}
     * @return the payload written after the 5-byte header
     * @throws IllegalArgumentException when the data does not match the schema; the message names the field
     */
    byte[] toPayload(ParsedSchema schema, JsonNode data, String field);

    /**
     * @param schema the writer's schema, from {@link #parse}
     * @param bytes the whole record key or value
     * @param offset where the payload starts (after the 5-byte header)
     * @return the data as JSON
     * @throws IllegalArgumentException when the payload does not decode with {@code schema}
     */
    JsonNode toJson(ParsedSchema schema, byte[] bytes, int offset);
}
