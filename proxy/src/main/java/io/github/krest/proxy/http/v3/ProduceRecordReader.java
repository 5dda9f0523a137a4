package io.github.krest.proxy.http.v3;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.core.ProduceRecord;
import io.github.krest.proxy.core.ProduceService;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.format.DataReaders;

/**
 * Converts one v3 produce request record (Confluent {@code ProduceRequest}, shared/reference/confluent-api.md §3.1)
 * into a {@link ProduceRecord}:
 * <pre>{"partition_id": 1, "headers": [{"name": "h", "value": "base64"}],
 *  "key": {"type": "BINARY|JSON|STRING", "data": ...}, "value": {...}, "timestamp": "2021-02-05T19:14:42Z"}</pre>
 * Every field is optional; a missing key or value is null. Errors: wrongly typed data 400, a negative
 * {@code partition_id} 404/40402, a partition the topic does not have 404/40403, schema types or a key/value with
 * data but no {@code type} 422/42206 (they need a Schema Registry).
 */
final class ProduceRecordReader {
    private final boolean schemaRegistryConfigured;

    ProduceRecordReader(boolean schemaRegistryConfigured) {
        this.schemaRegistryConfigured = schemaRegistryConfigured;
    }

    /** The record and what the receipt echoes about its key and value. */
    record Parsed(ProduceRecord record, Optional<String> keyType, Optional<String> valueType) {
    }

    /**
     * @param node the record's JSON object
     * @param topic the topic from the path
     * @param partitionCount the topic's partition count, empty when not known yet
     * @return the record
     * @throws RestException for invalid input, as described on the class
     */
    Parsed read(JsonNode node, String topic, Optional<Integer> partitionCount) {
        if (!node.isObject()) {
            throw RestException.badRequest("A produce request record must be a JSON object.");
        }
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
        Data key = data(node.get("key"), "key");
        Data value = data(node.get("value"), "value");
        ProduceRecord record = new ProduceRecord(topic, partition, key.bytes(), value.bytes(),
                headers(node.get("headers")), timestamp(node.get("timestamp")));
        return new Parsed(record, key.type(), value.type());
    }

    private record Data(Optional<byte[]> bytes, Optional<String> type) {
        static final Data ABSENT = new Data(Optional.empty(), Optional.empty());
    }

    private Data data(JsonNode node, String field) {
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
                || node.hasNonNull("subject_name_strategy");
        if (typeNode == null || typeNode.isNull()) {
            if ((data == null || data.isNull()) && !schemaSelector) {
                return Data.ABSENT;
            }
            throw schemasNeedRegistry();
        }
        if (!typeNode.isTextual()) {
            throw RestException.badRequest(field + ".type must be a string.");
        }
        String type = typeNode.textValue().toUpperCase(Locale.ROOT);
        Optional<byte[]> bytes = switch (type) {
            case "BINARY" -> DataReaders.binary(data, "data");
            case "JSON" -> DataReaders.json(data);
            case "STRING" -> DataReaders.string(data, "data");
            case "AVRO", "JSONSCHEMA", "PROTOBUF" -> throw schemasNeedRegistry();
            default -> throw RestException.badRequest(field + ".type=" + typeNode.textValue()
                    + " is not one of BINARY, JSON, STRING, AVRO, JSONSCHEMA, PROTOBUF.");
        };
        if (schemaSelector) {
            throw RestException.badRequest("Unsupported argument: " + field
                    + " of type " + type + " cannot have schema_id, schema_version, schema, subject or "
                    + "subject_name_strategy.");
        }
        return new Data(bytes, Optional.of(type));
    }

    private RestException schemasNeedRegistry() {
        return RestException.payload(schemaRegistryConfigured
                ? "Schema types (AVRO, JSONSCHEMA, PROTOBUF) are not supported by this krest version yet."
                : "Schema Registry must be configured when using schemas.");
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
