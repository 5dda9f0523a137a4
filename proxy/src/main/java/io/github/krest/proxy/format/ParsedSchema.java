package io.github.krest.proxy.format;

import java.util.Optional;

/**
 * A schema text parsed by its {@link SchemaConverter} (Confluent {@code ParsedSchema}): an Avro schema, a JSON
 * Schema, or a Protobuf file.
 */
public interface ParsedSchema {
    /** @return the text krest registers for this schema (the format's canonical form) */
    String canonical();

    /**
     * @return the name the {@code RECORD_NAME} and {@code TOPIC_RECORD_NAME} subject strategies use: the Avro
     *         record's full name, the JSON Schema's {@code title}, the Protobuf message's fully-qualified name;
     *         empty when the schema has none (e.g. an Avro primitive, a JSON Schema without title)
     */
    Optional<String> name();
}
