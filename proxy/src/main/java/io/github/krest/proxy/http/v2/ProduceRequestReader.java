package io.github.krest.proxy.http.v2;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.krest.proxy.record.ProduceRecord;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.format.DataReaders;
import io.github.krest.proxy.format.EmbeddedFormat;
import io.github.krest.proxy.http.RequestFields;
import io.github.krest.proxy.json.Json;

/**
 * Parses a v2 produce body (Confluent v2: {@code POST /topics/{topic}}, docs/api.md)
 * with Jackson's streaming parser, straight into records:
 * <pre>{"records": [{"key": ..., "value": ..., "partition": 0, "headers": [{"name": "h", "value": "base64"}]}]}</pre>
 * {@code headers} is a krest extension (Confluent v2 has none). {@code key_schema} / {@code value_schema} (schema
 * text), {@code key_schema_id} / {@code value_schema_id} and krest's {@code key_message_name} /
 * {@code value_message_name} (the protobuf message to write) are read for the schema formats, whose key and value
 * data is kept as compact JSON text for the caller to convert; binary and json ignore them. A field of none of these
 * names is refused ({@link RequestFields}), as Confluent's Jackson mapping refuses it.
 *
 * <p>Errors: empty body 422/42206, malformed JSON, wrongly typed or unknown fields 400/400, no records 422/422, more
 * than the limit 422/42206.
 */
final class ProduceRequestReader {
    /** The fields of the body. */
    private static final Set<String> REQUEST_FIELDS = Set.of("records", "key_schema", "key_schema_id",
            "value_schema", "value_schema_id", "key_message_name", "value_message_name");
    /** The fields of one record ({@code partition} is overridden by the path's, as in Confluent). */
    private static final Set<String> RECORD_FIELDS = Set.of("key", "value", "partition", "headers");
    /** The fields of one header. */
    private static final Set<String> HEADER_FIELDS = Set.of("name", "value");

    private ProduceRequestReader() {
    }

    /**
     * A parsed request.
     *
     * @param records the records in request order
     * @param keySchema {@code key_schema}, the schema text of the keys
     * @param keySchemaId {@code key_schema_id}
     * @param valueSchema {@code value_schema}
     * @param valueSchemaId {@code value_schema_id}
     * @param keyMessageName {@code key_message_name} (krest, protobuf): the message the keys are
     * @param valueMessageName {@code value_message_name} (krest, protobuf): the message the values are
     */
    record Request(List<ProduceRecord> records, Optional<String> keySchema, Optional<Integer> keySchemaId,
                   Optional<String> valueSchema, Optional<Integer> valueSchemaId, Optional<String> keyMessageName,
                   Optional<String> valueMessageName) {
    }

    /**
     * @param body the request body
     * @param topic the topic from the path
     * @param pathPartition the partition from the path, which overrides each record's
     * @param format the request's format
     * @param maxRecords most records allowed
     * @return the records in request order, and the schema fields
     */
    static Request read(byte[] body, String topic, Optional<Integer> pathPartition,
                                    EmbeddedFormat format, int maxRecords) {
        if (body.length == 0) {
            throw RestException.payload("Request body is empty. Data is required.");
        }
        try (JsonParser p = Json.mapper().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw RestException.badRequest("The request body must be a JSON object with a records array.");
            }
            List<ProduceRecord> records = null;
            Optional<String> keySchema = Optional.empty();
            Optional<Integer> keySchemaId = Optional.empty();
            Optional<String> valueSchema = Optional.empty();
            Optional<Integer> valueSchemaId = Optional.empty();
            Optional<String> keyMessageName = Optional.empty();
            Optional<String> valueMessageName = Optional.empty();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "records" -> records = readRecords(p, body, topic, pathPartition, format, maxRecords);
                    case "key_schema" -> keySchema = schemaText(p, field);
                    case "value_schema" -> valueSchema = schemaText(p, field);
                    case "key_schema_id" -> keySchemaId = schemaId(p, field);
                    case "value_schema_id" -> valueSchemaId = schemaId(p, field);
                    case "key_message_name" -> keyMessageName = schemaText(p, field);
                    case "value_message_name" -> valueMessageName = schemaText(p, field);
                    default -> throw RequestFields.unrecognized(field, REQUEST_FIELDS);
                }
            }
            if (p.nextToken() != null) {
                throw RestException.badRequest("Unexpected content after the request's JSON object.");
            }
            if (records == null || records.isEmpty()) {
                throw new RestException(ErrorCode.UNPROCESSABLE_ENTITY, "records may not be empty");
            }
            return new Request(records, keySchema, keySchemaId, valueSchema, valueSchemaId, keyMessageName,
                    valueMessageName);
        } catch (StreamConstraintsException e) {
            throw RestException.badRequest("A value in the request is too large: " + firstLine(e));
        } catch (JsonProcessingException e) {
            throw RestException.badRequest("Malformed JSON: " + firstLine(e));
        } catch (IOException e) {
            throw RestException.badRequest("Could not read the request body: " + e.getMessage());
        }
    }

    private static List<ProduceRecord> readRecords(JsonParser p, byte[] body, String topic,
                                                   Optional<Integer> pathPartition, EmbeddedFormat format,
                                                   int maxRecords) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw RestException.badRequest("records must be an array.");
        }
        List<ProduceRecord> records = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            int index = records.size();
            if (index >= maxRecords) {
                throw RestException.payload("Too many records: at most " + maxRecords
                        + " are accepted in one request (produce.request.max.records).");
            }
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw RestException.badRequest("records[" + index + "] must be an object.");
            }
            records.add(readRecord(p, body, "records[" + index + "]", topic, pathPartition, format));
        }
        return records;
    }

    private static ProduceRecord readRecord(JsonParser p, byte[] body, String at, String topic,
                                            Optional<Integer> pathPartition, EmbeddedFormat format)
            throws IOException {
        Optional<byte[]> key = Optional.empty();
        Optional<byte[]> value = Optional.empty();
        Optional<Integer> partition = Optional.empty();
        List<ProduceRecord.Header> headers = List.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "key" -> key = data(p, body, format, at + ".key");
                case "value" -> value = data(p, body, format, at + ".value");
                case "partition" -> partition = partition(p, at);
                case "headers" -> headers = headers(p, body, at);
                default -> throw RequestFields.unrecognized(RequestFields.path(at, field), RECORD_FIELDS);
            }
        }
        Optional<Integer> effective = pathPartition.isPresent() ? pathPartition : partition;
        return new ProduceRecord(topic, effective, key, value, headers, Optional.empty());
    }

    /** Binary data is decoded straight from {@code body}, the bytes the parser reads. */
    private static Optional<byte[]> data(JsonParser p, byte[] body, EmbeddedFormat format, String field)
            throws IOException {
        return format == EmbeddedFormat.BINARY ? DataReaders.binary(p, body, field) : DataReaders.json(p);
    }

    private static Optional<String> schemaText(JsonParser p, String field) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return Optional.empty();
        }
        if (t != JsonToken.VALUE_STRING) {
            p.skipChildren();
            throw RestException.badRequest(field + " must be a string.");
        }
        return Optional.of(p.getText());
    }

    private static Optional<Integer> schemaId(JsonParser p, String field) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return Optional.empty();
        }
        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
            p.skipChildren();
            throw RestException.badRequest(field + " must be an integer.");
        }
        return Optional.of(p.getIntValue());
    }

    private static Optional<Integer> partition(JsonParser p, String at) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return Optional.empty();
        }
        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
            p.skipChildren();
            throw RestException.badRequest(at + ".partition must be an integer.");
        }
        return Optional.of(p.getIntValue());
    }

    private static List<ProduceRecord.Header> headers(JsonParser p, byte[] body, String at) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            throw RestException.badRequest(at + ".headers must be an array of {\"name\", \"value\"} objects.");
        }
        List<ProduceRecord.Header> headers = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String where = at + ".headers[" + headers.size() + "]";
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw RestException.badRequest(where + " must be an object.");
            }
            String name = null;
            Optional<byte[]> value = Optional.empty();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("name")) {
                    if (p.currentToken() != JsonToken.VALUE_STRING) {
                        throw RestException.badRequest(where + ".name must be a string.");
                    }
                    name = p.getText();
                } else if (field.equals("value")) {
                    value = DataReaders.binary(p, body, where + ".value");
                } else {
                    throw RequestFields.unrecognized(RequestFields.path(where, field), HEADER_FIELDS);
                }
            }
            if (name == null) {
                throw RestException.badRequest(where + ".name is required.");
            }
            headers.add(new ProduceRecord.Header(name, value));
        }
        return headers;
    }

    private static String firstLine(Exception e) {
        String m = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        return m == null ? "" : m.lines().findFirst().orElse("");
    }
}
