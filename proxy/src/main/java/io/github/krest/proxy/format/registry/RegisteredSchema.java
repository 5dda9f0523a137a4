package io.github.krest.proxy.format.registry;

/**
 * A schema as the Schema Registry stores it.
 *
 * @param id the registry's global schema id (the 4 bytes after the magic byte of the wire format)
 * @param type {@code AVRO}, {@code JSON} or {@code PROTOBUF} (the registry omits it for Avro)
 * @param schema the schema text
 */
public record RegisteredSchema(int id, String type, String schema) {
}
