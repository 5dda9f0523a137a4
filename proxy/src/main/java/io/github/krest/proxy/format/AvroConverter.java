package io.github.krest.proxy.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.json.Json;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;

/**
 * Avro data in its JSON encoding (as Confluent's REST Proxy reads and writes it: a union value is
 * {@code {"string": "x"}} or {@code null}, bytes and fixed are ISO-8859-1 strings) to Avro binary and back.
 * Reading walks the JSON tree against the schema, so a mismatch names the field, e.g.
 * {@code records[0].value.username: expected a string, got 5}. Fields missing from the JSON take their schema
 * default; unknown JSON fields are ignored.
 */
public final class AvroConverter implements SchemaConverter {
    /**
     * A parsed Avro schema; registered as {@link Schema#toString()}, named by its full name for
     * {@code RECORD_NAME} (a primitive's is its type name, e.g. {@code string}).
     *
     * @param schema the Avro schema
     */
    public record AvroSchema(Schema schema) implements ParsedSchema {
        @Override
        public String canonical() {
            return schema.toString();
        }

        @Override
        public Optional<String> name() {
            // a primitive's full name is its type name, e.g. string
            return Optional.of(schema.getFullName());
        }
    }

    @Override
    public EmbeddedFormat format() {
        return EmbeddedFormat.AVRO;
    }

    @Override
    public String schemaType() {
        return "AVRO";
    }

    /**
     * @param text Avro schema JSON
     * @return the parsed schema
     * @throws RestException 422/42205 when it is not a valid Avro schema
     */
    @Override
    public AvroSchema parse(String text) {
        try {
            return new AvroSchema(new Schema.Parser().parse(text));
        } catch (RuntimeException e) {
            // SchemaParseException, and other AvroRuntimeExceptions for bad defaults or names
            throw new RestException(ErrorCode.INVALID_SCHEMA, "Invalid schema: " + e.getMessage());
        }
    }

    @Override
    public byte[] toPayload(ParsedSchema schema, JsonNode data, String field) {
        return toBinary(((AvroSchema) schema).schema(), data, field);
    }

    @Override
    public JsonNode toJson(ParsedSchema schema, byte[] bytes, int offset) {
        return toJson(((AvroSchema) schema).schema(), bytes, offset);
    }

    /**
     * @param schema the schema
     * @param data the JSON value
     * @param field the value's name for messages, e.g. {@code records[0].value}
     * @return Avro binary (without the wire-format header)
     * @throws IllegalArgumentException when the data does not match the schema; the message names the field
     */
    public static byte[] toBinary(Schema schema, JsonNode data, String field) {
        Object datum = toDatum(schema, data, field);
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new GenericDatumWriter<>(schema).write(datum, encoder);
            encoder.flush();
        } catch (IOException | AvroRuntimeException | ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException(field + " does not match the schema: " + e.getMessage());
        }
        return out.toByteArray();
    }

    /**
     * @param schema the writer's schema
     * @param bytes Avro binary
     * @param offset where the data starts
     * @return the data in Avro's JSON encoding
     * @throws IllegalArgumentException when the bytes do not decode with {@code schema}
     */
    public static JsonNode toJson(Schema schema, byte[] bytes, int offset) {
        Object datum;
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset, null);
            datum = new GenericDatumReader<>(schema).read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("it does not decode with its schema (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(128);
            JsonEncoder encoder = EncoderFactory.get().jsonEncoder(schema, out);
            new GenericDatumWriter<>(schema).write(datum, encoder);
            encoder.flush();
            return Json.mapper().readTree(out.toByteArray());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("it cannot be written as JSON (" + e.getMessage() + ")");
        }
    }

    /**
     * The Avro datum of a JSON value.
     *
     * @param schema the schema
     * @param n the JSON value, null or JSON null for Avro null
     * @param path the value's name for messages
     * @return a datum {@link GenericDatumWriter} accepts
     * @throws IllegalArgumentException when the data does not match
     */
    static Object toDatum(Schema schema, JsonNode n, String path) {
        boolean isNull = n == null || n.isNull();
        switch (schema.getType()) {
            case NULL -> {
                if (!isNull) {
                    throw mismatch(path, "null", n);
                }
                return null;
            }
            case UNION -> {
                return union(schema, n, path);
            }
            default -> {
                if (isNull) {
                    throw new IllegalArgumentException(path + ": expected " + describe(schema) + ", got null");
                }
            }
        }
        return switch (schema.getType()) {
            case BOOLEAN -> {
                if (!n.isBoolean()) {
                    throw mismatch(path, "a boolean", n);
                }
                yield n.booleanValue();
            }
            case INT -> {
                if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                    throw mismatch(path, "an int", n);
                }
                yield n.intValue();
            }
            case LONG -> {
                if (!n.isIntegralNumber() || !n.canConvertToLong()) {
                    throw mismatch(path, "a long", n);
                }
                yield n.longValue();
            }
            case FLOAT -> {
                if (!n.isNumber()) {
                    throw mismatch(path, "a float", n);
                }
                yield n.floatValue();
            }
            case DOUBLE -> {
                if (!n.isNumber()) {
                    throw mismatch(path, "a double", n);
                }
                yield n.doubleValue();
            }
            case STRING -> {
                if (!n.isTextual()) {
                    throw mismatch(path, "a string", n);
                }
                yield n.textValue();
            }
            case BYTES -> {
                if (!n.isTextual()) {
                    throw mismatch(path, "bytes as an ISO-8859-1 string", n);
                }
                yield ByteBuffer.wrap(n.textValue().getBytes(StandardCharsets.ISO_8859_1));
            }
            case FIXED -> {
                if (!n.isTextual()) {
                    throw mismatch(path, "fixed " + schema.getFullName() + " as an ISO-8859-1 string", n);
                }
                byte[] bytes = n.textValue().getBytes(StandardCharsets.ISO_8859_1);
                if (bytes.length != schema.getFixedSize()) {
                    throw new IllegalArgumentException(path + ": expected " + schema.getFixedSize()
                            + " bytes for fixed " + schema.getFullName() + ", got " + bytes.length);
                }
                yield new GenericData.Fixed(schema, bytes);
            }
            case ENUM -> {
                if (!n.isTextual() || !schema.hasEnumSymbol(n.textValue())) {
                    throw mismatch(path, "one of " + schema.getEnumSymbols(), n);
                }
                yield new GenericData.EnumSymbol(schema, n.textValue());
            }
            case ARRAY -> {
                if (!n.isArray()) {
                    throw mismatch(path, "an array", n);
                }
                List<Object> list = new ArrayList<>(n.size());
                for (int i = 0; i < n.size(); i++) {
                    list.add(toDatum(schema.getElementType(), n.get(i), path + "[" + i + "]"));
                }
                yield new GenericData.Array<>(schema, list);
            }
            case MAP -> {
                if (!n.isObject()) {
                    throw mismatch(path, "a map (JSON object)", n);
                }
                Map<String, Object> map = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : n.properties()) {
                    map.put(e.getKey(), toDatum(schema.getValueType(), e.getValue(), path + "." + e.getKey()));
                }
                yield map;
            }
            case RECORD -> {
                if (!n.isObject()) {
                    throw mismatch(path, "a record " + schema.getFullName() + " (JSON object)", n);
                }
                GenericData.Record record = new GenericData.Record(schema);
                for (Schema.Field f : schema.getFields()) {
                    JsonNode value = n.get(f.name());
                    if (value == null) {
                        if (!f.hasDefaultValue()) {
                            throw new IllegalArgumentException(path + "." + f.name()
                                    + ": missing, and the field has no default");
                        }
                        record.put(f.pos(), GenericData.get().getDefaultValue(f));
                    } else {
                        record.put(f.pos(), toDatum(f.schema(), value, path + "." + f.name()));
                    }
                }
                yield record;
            }
            default -> throw new IllegalArgumentException(path + ": unsupported schema type " + schema.getType());
        };
    }

    /** Avro JSON: null, or an object with one field named for the branch, e.g. {@code {"string": "x"}}. */
    private static Object union(Schema schema, JsonNode n, String path) {
        if (n == null || n.isNull()) {
            if (schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL)) {
                return null;
            }
            throw new IllegalArgumentException(path + ": null is not a branch of the union " + names(schema));
        }
        if (!n.isObject() || n.size() != 1) {
            throw mismatch(path, "null or {\"<branch>\": value} for the union " + names(schema), n);
        }
        String branch = n.fieldNames().next();
        Integer index = schema.getIndexNamed(branch);
        if (index == null) {
            throw new IllegalArgumentException(path + ": \"" + branch + "\" is not a branch of the union "
                    + names(schema));
        }
        return toDatum(schema.getTypes().get(index), n.get(branch), path + "." + branch);
    }

    private static List<String> names(Schema union) {
        return union.getTypes().stream().map(Schema::getFullName).toList();
    }

    private static String describe(Schema schema) {
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> schema.getType().getName() + " " + schema.getFullName();
            default -> schema.getType().getName();
        };
    }

    private static IllegalArgumentException mismatch(String path, String expected, JsonNode got) {
        String text = got.toString();
        return new IllegalArgumentException(path + ": expected " + expected + ", got "
                + (text.length() > 40 ? text.substring(0, 40) + "..." : text));
    }
}
