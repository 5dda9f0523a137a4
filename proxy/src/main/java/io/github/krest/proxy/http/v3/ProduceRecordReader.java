package io.github.krest.proxy.http.v3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.record.ProduceRecord;
import io.github.krest.proxy.core.ProduceService;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.format.DataReaders;
import io.github.krest.proxy.format.EmbeddedFormat;
import io.github.krest.proxy.format.ParsedSchema;
import io.github.krest.proxy.format.SchemaFormat;
import io.github.krest.proxy.format.SchemaFormats;
import io.github.krest.proxy.http.RequestFields;

/**
 * Converts one v3 produce request record (Confluent {@code ProduceRequest}; docs/api.md)
 * into a {@link ProduceRecord}:
 * <pre>{"partition_id": 1, "headers": [{"name": "h", "value": "base64"}],
 *  "key": {"type": "BINARY|JSON|STRING", "data": ...}, "value": {...}, "timestamp": "2021-02-05T19:14:42Z"}</pre>
 * Every field is optional; a missing key or value is null. Errors: wrongly typed data 400, a field of another name
 * (at any level) 400 naming it ({@link RequestFields}, never a record the client did not describe), a negative
 * {@code partition_id} 404/40402, a partition the topic does not have 404/40403.
 *
 * <p>AVRO, JSONSCHEMA and PROTOBUF keys and values (and those with data but no {@code type}, whose format is then
 * the selected schema's registry type) pick their schema by Confluent's rules (docs/api.md, v3 produce):
 * {@code schema_id} (no {@code type}, {@code schema_version} or {@code schema}), else {@code schema_version} (no
 * {@code type} or {@code schema}), else a raw {@code schema} with {@code type} (registered when absent), else, with
 * no {@code type}, the subject's latest version. The subject is {@code subject}, else the
 * {@code subject_name_strategy} ({@code TOPIC_NAME} {@code <topic>-key|-value}, {@code RECORD_NAME} the record's full
 * name, a JSON Schema's {@code title}, a Protobuf schema's first message's full name; {@code TOPIC_RECORD_NAME}
 * {@code <topic>-<name>}), else {@code TOPIC_NAME}. A violated combination is 400 "Unsupported argument"; without a
 * Schema Registry 422/42206; registry
 * failures as {@link io.github.krest.proxy.format.registry.SchemaRegistryException}; data not matching the schema
 * 422/42203 naming the field. PROTOBUF writes the schema's first message unless krest's {@code message_name} names
 * another (fully qualified or relative to the package; nested too), which the record strategies then use.
 */
final class ProduceRecordReader {
    /** The fields of a record (Confluent {@code ProduceRequest}). */
    static final Set<String> RECORD_FIELDS = Set.of("partition_id", "headers", "key", "value", "timestamp");
    /** The fields of a key or value (Confluent {@code ProduceRequestData}, and krest's {@code message_name}). */
    static final Set<String> DATA_FIELDS = Set.of("type", "subject", "subject_name_strategy", "schema_id",
            "schema_version", "schema", "data", "message_name");
    /** The fields of a header. */
    static final Set<String> HEADER_FIELDS = Set.of("name", "value");

    private final Optional<SchemaFormats> schemas;

    ProduceRecordReader(Optional<SchemaFormats> schemas) {
        this.schemas = schemas;
    }

    /**
     * What the receipt echoes about a key or value.
     *
     * @param type the {@code type}, upper case
     * @param subject the schema's subject, for schema types
     * @param schemaId the schema's id, for schema types
     * @param schemaVersion the schema's version under {@code subject}, for schema types
     */
    record Echo(String type, Optional<String> subject, Optional<Integer> schemaId, Optional<Integer> schemaVersion) {
        static Echo of(String type) {
            return new Echo(type, Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /** The record and what the receipt echoes about its key and value. */
    record Parsed(ProduceRecord record, Optional<Echo> key, Optional<Echo> value) {
    }

    /**
     * @param node the record's JSON object
     * @param topic the topic from the path
     * @param partitionCount the topic's partition count, empty when not known yet
     * @return the record
     * @throws RestException for invalid input, as described on the class
     */
    Parsed read(JsonNode node, String topic, Optional<Integer> partitionCount) {
        return read(node, topic, partitionCount, RECORD_FIELDS);
    }

    /**
     * As {@link #read(JsonNode, String, Optional)} for a record object that has more fields of its own, e.g. the
     * {@code id} of a batch entry.
     *
     * @param recordFields the fields of the object: {@link #RECORD_FIELDS} and its own
     */
    Parsed read(JsonNode node, String topic, Optional<Integer> partitionCount, Set<String> recordFields) {
        if (!node.isObject()) {
            throw RestException.badRequest("A produce request record must be a JSON object.");
        }
        unknownField(node, recordFields).ifPresent(path -> {
            throw RequestFields.unrecognized(path, knownAt(path, recordFields));
        });
        Optional<Integer> partition = Optional.empty();
        JsonNode partitionNode = node.get("partition_id");
        if (partitionNode != null && !partitionNode.isNull()) {
            if (!partitionNode.canConvertToInt() || !partitionNode.isIntegralNumber()) {
                throw RestException.badRequest("partition_id=" + partitionNode + " is not an integer.");
            }
            int p = partitionNode.intValue();
            ProduceService.checkPartition(topic, p, partitionCount, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            partition = Optional.of(p);
        }
        Data key = data(node.get("key"), "key", topic);
        Data value = data(node.get("value"), "value", topic);
        ProduceRecord record = new ProduceRecord(topic, partition, key.bytes(), value.bytes(),
                headers(node.get("headers")), timestamp(node.get("timestamp")));
        return new Parsed(record, key.echo(), value.echo());
    }

    /**
     * The first field of a record object, or of its key, value or headers, that a record does not have.
     *
     * @param node the record object
     * @param recordFields the fields of the object itself
     * @return its path, e.g. {@code records} or {@code key.dta} or {@code headers[0].nmae}; empty when there is none
     */
    static Optional<String> unknownField(JsonNode node, Set<String> recordFields) {
        Optional<String> top = RequestFields.firstUnknown(node, recordFields);
        if (top.isPresent()) {
            return top;
        }
        for (String field : List.of("key", "value")) {
            JsonNode data = node.get(field);
            if (data != null && data.isObject()) {
                Optional<String> inner = RequestFields.firstUnknown(data, DATA_FIELDS);
                if (inner.isPresent()) {
                    return Optional.of(field + "." + inner.get());
                }
            }
        }
        JsonNode headers = node.get("headers");
        if (headers != null && headers.isArray()) {
            for (int i = 0; i < headers.size(); i++) {
                Optional<String> inner = RequestFields.firstUnknown(headers.get(i), HEADER_FIELDS);
                if (inner.isPresent()) {
                    return Optional.of("headers[" + i + "]." + inner.get());
                }
            }
        }
        return Optional.empty();
    }

    /** @return the fields known where {@link #unknownField} found {@code path} */
    static Set<String> knownAt(String path, Set<String> recordFields) {
        return path.startsWith("headers[") ? HEADER_FIELDS
                : path.startsWith("key.") || path.startsWith("value.") ? DATA_FIELDS : recordFields;
    }

    private static final Optional<Echo> BINARY = Optional.of(Echo.of("BINARY"));
    private static final Optional<Echo> STRING = Optional.of(Echo.of("STRING"));

    /**
     * {@link #read} for the common record, straight from its UTF-8 bytes: {@code partition_id}, {@code timestamp},
     * null {@code headers}, and a key and value that are null or {@code {"type":"BINARY"|"STRING","data":...}}
     * ({@code type} first), base64 decoded from {@code source} itself (no {@code String}, no tree). A record with
     * any other field is left to {@link #read}, which refuses it; a repeated field counts as its last value, as in
     * a tree.
     *
     * @param factory the parser factory (its stream constraints apply)
     * @param source the bytes holding the record
     * @param start the offset of the record's opening brace
     * @param length the record's length, bytes
     * @param topic the topic from the path
     * @param partitionCount the topic's partition count, empty when not known yet
     * @return the record as {@link #read} reads it, or null for anything else, valid or not (read it as a tree with
     *         {@link #read}, which then gives the record or its error)
     */
    Parsed readFast(JsonFactory factory, byte[] source, int start, int length, String topic,
                    Optional<Integer> partitionCount) {
        try (JsonParser p = factory.createParser(source, start, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Optional<Integer> partition = Optional.empty();
            Data key = Data.ABSENT;
            Data value = Data.ABSENT;
            Optional<Instant> timestamp = Optional.empty();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "partition_id" -> {
                        if (v == JsonToken.VALUE_NULL) {
                            partition = Optional.empty();
                        } else if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
                                && p.getIntValue() >= 0
                                && (partitionCount.isEmpty() || p.getIntValue() < partitionCount.get())) {
                            partition = Optional.of(p.getIntValue());
                        } else {
                            return null;
                        }
                    }
                    case "key" -> key = fastData(p, source, start);
                    case "value" -> value = fastData(p, source, start);
                    case "headers" -> {
                        if (v != JsonToken.VALUE_NULL) {
                            return null;
                        }
                    }
                    case "timestamp" -> {
                        if (v == JsonToken.VALUE_NULL) {
                            timestamp = Optional.empty();
                        } else if (v == JsonToken.VALUE_STRING) {
                            timestamp = Optional.of(OffsetDateTime.parse(p.getText()).toInstant());
                        } else {
                            return null;
                        }
                    }
                    default -> {
                        return null;
                    }
                }
                if (key == null || value == null) {
                    return null;
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
            return new Parsed(new ProduceRecord(topic, partition, key.bytes(), value.bytes(), List.of(), timestamp),
                    key.echo(), value.echo());
        } catch (IOException | RuntimeException e) {
            // not valid JSON, not valid data, not a date: read() names the problem
            return null;
        }
    }

    /** @return the key or value at the parser's token, or null when it is not a plain BINARY or STRING one */
    private static Data fastData(JsonParser p, byte[] source, int base) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return Data.ABSENT;
        }
        if (t != JsonToken.START_OBJECT || p.nextToken() != JsonToken.FIELD_NAME || !"type".equals(p.currentName())
                || p.nextToken() != JsonToken.VALUE_STRING) {
            return null;
        }
        String type = p.getText();
        boolean binary = type.equalsIgnoreCase("BINARY");
        if (!binary && !type.equalsIgnoreCase("STRING")) {
            return null;
        }
        Optional<byte[]> bytes = Optional.empty();
        JsonToken next = p.nextToken();
        if (next == JsonToken.FIELD_NAME) {
            if (!"data".equals(p.currentName())) {
                return null;
            }
            JsonToken data = p.nextToken();
            if (binary) {
                bytes = DataReaders.binary(p, source, base, "data");
            } else if (data == JsonToken.VALUE_STRING) {
                bytes = Optional.of(p.getText().getBytes(StandardCharsets.UTF_8));
            } else if (data != JsonToken.VALUE_NULL) {
                return null;
            }
            next = p.nextToken();
        }
        return next == JsonToken.END_OBJECT ? new Data(bytes, binary ? BINARY : STRING) : null;
    }

    private record Data(Optional<byte[]> bytes, Optional<Echo> echo) {
        static final Data ABSENT = new Data(Optional.empty(), Optional.empty());
    }

    private Data data(JsonNode node, String field, String topic) {
        if (node == null || node.isNull()) {
            return Data.ABSENT;
        }
        if (!node.isObject()) {
            throw RestException.badRequest(field + " must be an object such as {\"type\": \"BINARY\", \"data\": ...}.");
        }
        JsonNode typeNode = node.get("type");
        JsonNode data = node.get("data");
        boolean schemaSelector = node.hasNonNull("schema_id") || node.hasNonNull("schema_version")
                || node.hasNonNull("schema") || node.hasNonNull("subject")
                || node.hasNonNull("subject_name_strategy") || node.hasNonNull("message_name");
        if (typeNode == null || typeNode.isNull()) {
            if ((data == null || data.isNull()) && !schemaSelector) {
                return Data.ABSENT;
            }
            return schemaData(node, field, topic, Optional.empty());
        }
        if (!typeNode.isTextual()) {
            throw RestException.badRequest(field + ".type must be a string.");
        }
        String type = typeNode.textValue().toUpperCase(Locale.ROOT);
        if (type.equals("AVRO") || type.equals("JSONSCHEMA") || type.equals("PROTOBUF")) {
            return schemaData(node, field, topic, Optional.of(EmbeddedFormat.valueOf(type)));
        }
        Optional<byte[]> bytes = switch (type) {
            case "BINARY" -> DataReaders.binary(data, "data");
            case "JSON" -> DataReaders.json(data);
            case "STRING" -> DataReaders.string(data, "data");
            default -> throw RestException.badRequest(field + ".type=" + typeNode.textValue()
                    + " is not one of BINARY, JSON, STRING, AVRO, JSONSCHEMA, PROTOBUF.");
        };
        if (schemaSelector) {
            throw RestException.badRequest("Unsupported argument: " + field
                    + " of type " + type + " cannot have schema_id, schema_version, schema, subject, "
                    + "subject_name_strategy or message_name.");
        }
        return new Data(bytes, Optional.of(Echo.of(type)));
    }

    /**
     * Confluent's schema selection for an AVRO, JSONSCHEMA or PROTOBUF key or value ({@code typed}), or one
     * without {@code "type"}, whose format is the selected schema's registry type.
     */
    private Data schemaData(JsonNode node, String field, String topic, Optional<EmbeddedFormat> typed) {
        SchemaFormats formats = schemas.orElseThrow(ProduceRecordReader::schemasNeedRegistry);
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

    private static List<ProduceRecord.Header> headers(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw RestException.badRequest("headers must be an array of {\"name\", \"value\"} objects.");
        }
        List<ProduceRecord.Header> headers = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode h = node.get(i);
            JsonNode name = h.get("name");
            if (!h.isObject() || name == null || !name.isTextual()) {
                throw RestException.badRequest("headers[" + i + "] needs a string name.");
            }
            headers.add(new ProduceRecord.Header(name.textValue(),
                    DataReaders.binary(h.get("value"), "headers[" + i + "].value")));
        }
        return headers;
    }

    private static Optional<Instant> timestamp(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw RestException.badRequest("timestamp=" + node + " is not an ISO-8601 date-time string.");
        }
        try {
            return Optional.of(OffsetDateTime.parse(node.textValue()).toInstant());
        } catch (DateTimeParseException e) {
            throw RestException.badRequest("timestamp=" + node + " is not an ISO-8601 date-time string.");
        }
    }
}
