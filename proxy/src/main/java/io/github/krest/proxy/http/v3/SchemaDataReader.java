package io.github.krest.proxy.http.v3;

import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.format.EmbeddedFormat;
import io.github.krest.proxy.format.ParsedSchema;
import io.github.krest.proxy.format.SchemaFormat;
import io.github.krest.proxy.format.SchemaFormats;
import io.github.krest.proxy.http.v3.ProduceRecordReader.Data;
import io.github.krest.proxy.http.v3.ProduceRecordReader.Echo;

/**
 * Reads a v3 key or value that uses a schema (AVRO, JSONSCHEMA, PROTOBUF, or data with no {@code type}) for
 * {@link ProduceRecordReader}: selects the schema by Confluent's rules ({@code schema_id}, {@code schema_version},
 * a raw {@code schema}, or the subject's latest version), names the subject ({@code subject} or
 * {@code subject_name_strategy}), applies krest's {@code message_name}, and serializes the data with the format.
 */
final class SchemaDataReader {
    private final Optional<SchemaFormats> schemas;

    /** @param schemas the schema formats; empty without a Schema Registry (then every schema use is 422/42206) */
    SchemaDataReader(Optional<SchemaFormats> schemas) {
        this.schemas = schemas;
    }

    /**
     * Confluent's schema selection for an AVRO, JSONSCHEMA or PROTOBUF key or value ({@code typed}), or one
     * without {@code "type"}, whose format is the selected schema's registry type.
     *
     * @param node the key or value object
     * @param field {@code key} or {@code value}
     * @param topic the topic from the path
     * @param typed the format its {@code "type"} field names; empty when it has none
     * @return the serialized data and what the receipt echoes about it
     * @throws RestException for invalid input, as described on {@link ProduceRecordReader}
     */
    Data read(JsonNode node, String field, String topic, Optional<EmbeddedFormat> typed) {
        SchemaFormats formats = schemas.orElseThrow(SchemaDataReader::schemasNeedRegistry);
        boolean hasId = node.hasNonNull("schema_id");
        boolean hasVersion = node.hasNonNull("schema_version");
        boolean hasSchema = node.hasNonNull("schema");
        SchemaFormats.Selected selected;
        String subject;
        if (hasId) {
            if (typed.isPresent() || hasVersion || hasSchema) {
                throw unsupported(field, "schema_id cannot be combined with type, schema_version or schema.");
            }
            selected = message(node, field, formats.byId(integer(node.get("schema_id"), field + ".schema_id")));
            subject = subject(node, field, topic, Optional.of(selected.schema().schema()));
        } else if (hasVersion) {
            if (typed.isPresent() || hasSchema) {
                throw unsupported(field, "schema_version cannot be combined with type or schema.");
            }
            subject = subject(node, field, topic, Optional.empty());
            int version = integer(node.get("schema_version"), field + ".schema_version");
            selected = message(node, field, formats.version(subject, Integer.toString(version)));
            return serialize(selected, node, field, subject, Optional.of(version));
        } else if (hasSchema) {
            if (typed.isEmpty()) {
                throw unsupported(field, "schema needs type.");
            }
            JsonNode text = node.get("schema");
            if (!text.isTextual()) {
                throw RestException.badRequest(field + ".schema must be a string.");
            }
            SchemaFormat format = formats.get(typed.get());
            ParsedSchema schema = format.parse(text.textValue());
            // the record strategies name the subject after the message written
            ParsedSchema written = messageName(node, field).map(m -> format.selectMessage(schema, m)).orElse(schema);
            subject = subject(node, field, topic, Optional.of(written));
            selected = message(node, field, new SchemaFormats.Selected(format, format.register(subject, schema)));
        } else if (typed.isEmpty()) {
            subject = subject(node, field, topic, Optional.empty());
            selected = message(node, field, formats.version(subject, "latest"));
        } else {
            throw unsupported(field, "type " + node.get("type").textValue()
                    + " needs schema_id, schema_version or schema.");
        }
        return serialize(selected, node, field, subject, Optional.empty());
    }

    /** Applies krest's {@code message_name} (protobuf: the message written), when given. */
    private static SchemaFormats.Selected message(JsonNode node, String field, SchemaFormats.Selected selected) {
        return messageName(node, field).map(m -> new SchemaFormats.Selected(selected.format(),
                selected.format().selectMessage(selected.schema(), m))).orElse(selected);
    }

    private static Optional<String> messageName(JsonNode node, String field) {
        JsonNode name = node.get("message_name");
        if (name == null || name.isNull()) {
            return Optional.empty();
        }
        if (!name.isTextual() || name.textValue().isEmpty()) {
            throw RestException.badRequest(field + ".message_name must be a non-empty string.");
        }
        return Optional.of(name.textValue());
    }

    private static Data serialize(SchemaFormats.Selected selected, JsonNode node, String field, String subject,
                                  Optional<Integer> knownVersion) {
        SchemaFormat format = selected.format();
        SchemaFormat.ResolvedSchema resolved = selected.schema();
        JsonNode data = node.get("data");
        Optional<byte[]> bytes = data == null || data.isNull() ? Optional.empty()
                : Optional.of(format.serialize(resolved, data, field + ".data"));
        int version = knownVersion.orElseGet(() -> format.versionOf(subject, resolved));
        return new Data(bytes, Optional.of(new Echo(format.format().name(), Optional.of(subject),
                Optional.of(resolved.id()), Optional.of(version))));
    }

    /**
     * The subject: {@code subject}, else by {@code subject_name_strategy}, else {@code <topic>-key|-value}; the
     * record strategies use the schema's name (Avro full name, JSON Schema title, the Protobuf message written).
     */
    private static String subject(JsonNode node, String field, String topic, Optional<ParsedSchema> schema) {
        JsonNode subject = node.get("subject");
        if (subject != null && !subject.isNull()) {
            if (!subject.isTextual() || subject.textValue().isEmpty()) {
                throw RestException.badRequest(field + ".subject must be a non-empty string.");
            }
            return subject.textValue();
        }
        JsonNode strategy = node.get("subject_name_strategy");
        String name = strategy == null || strategy.isNull() ? "TOPIC_NAME"
                : strategy.asText().toUpperCase(Locale.ROOT);
        return switch (name) {
            case "TOPIC_NAME" -> topic + "-" + field;
            case "RECORD_NAME", "TOPIC_RECORD_NAME" -> {
                ParsedSchema s = schema.orElseThrow(() -> unsupported(field, "subject_name_strategy " + name
                        + " needs schema_id or schema (or give subject)."));
                String recordName = s.name().orElseThrow(() -> unsupported(field, "subject_name_strategy "
                        + name + " needs a schema with a name (a JSON Schema needs a title)."));
                yield name.equals("RECORD_NAME") ? recordName : topic + "-" + recordName;
            }
            default -> throw RestException.badRequest(field + ".subject_name_strategy=" + strategy
                    + " is not one of TOPIC_NAME, RECORD_NAME, TOPIC_RECORD_NAME.");
        };
    }

    private static int integer(JsonNode node, String name) {
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw RestException.badRequest(name + "=" + node + " is not an integer.");
        }
        return node.intValue();
    }

    private static RestException unsupported(String field, String why) {
        return RestException.badRequest("Unsupported argument: " + field + ": " + why);
    }

    private static RestException schemasNeedRegistry() {
        return RestException.payload("Schema Registry must be configured when using schemas.");
    }
}
