package io.github.krest.proxy.format;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.record.ProduceRecord;
import io.github.krest.proxy.record.ConsumedRecord;
import io.github.krest.proxy.record.RecordConverter;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.json.Json;

/**
 * Renders consumed records as v2 {@code GET .../records} elements (Confluent: {@code {"topic","key","value",
 * "partition","offset"}}; krest adds {@code timestamp} in epoch ms and {@code headers}
 * {@code [{"name","value":base64}]}, additive fields clients ignore), and writes the answer's JSON array
 * ({@link Answer}). Keys and values: base64 for binary, the stored JSON for json (a record that is not JSON is
 * refused), and for
 * the schema formats the data decoded with its schema: Avro's JSON encoding for avro, the JSON text for jsonschema,
 * the proto3 JSON mapping for protobuf (a record not in the Confluent wire format, with an unknown schema id or one
 * of another format, or that does not decode is refused; see {@link SchemaFormat#deserialize}). Records are written
 * into an {@link Answer} as a poll reads them ({@link #into}).
 */
public final class RecordRenderers {
    private final Optional<SchemaFormats> schemas;

    /**
     * @param schemas the schema formats, empty without a Schema Registry
     */
    public RecordRenderers(Optional<SchemaFormats> schemas) {
        this.schemas = schemas;
    }

    private static final SerializableString TOPIC = new SerializedString("topic");
    private static final SerializableString KEY = new SerializedString("key");
    private static final SerializableString VALUE = new SerializedString("value");
    private static final SerializableString PARTITION = new SerializedString("partition");
    private static final SerializableString OFFSET = new SerializedString("offset");
    private static final SerializableString TIMESTAMP = new SerializedString("timestamp");
    private static final SerializableString HEADERS = new SerializedString("headers");
    private static final SerializableString NAME = new SerializedString("name");

    /**
     * Checks that consumers of a format can be served.
     *
     * @param format a format
     * @throws RestException 422/42206 for a schema format without a Schema Registry
     */
    public void requireAvailable(EmbeddedFormat format) {
        if (format.needsSchema()) {
            SchemaFormats.require(schemas, format);
        }
    }

    /**
     * A converter that writes each record it is given into {@code answer} at once, so that a poll holds its answer's
     * bytes rather than its records: the key and value are converted first (a record that cannot be converted
     * leaves the answer as it was), then the element is written.
     *
     * @param answer the answer being written
     * @param format binary, json, or avro, jsonschema, protobuf (with a Schema Registry)
     * @return the converter; it returns the record's index in the answer
     * @throws RestException 422/42206 for a format that cannot be served (see {@link #requireAvailable})
     */
    public RecordConverter<Integer> into(Answer answer, EmbeddedFormat format) {
        requireAvailable(format);
        return switch (format) {
            case BINARY -> r -> answer.write(r, r.key().orElse(null), r.value().orElse(null));
            case JSON -> r -> answer.write(r, json(r.key().orElse(null), "key"), json(r.value().orElse(null),
                    "value"));
            case AVRO, JSONSCHEMA, PROTOBUF -> {
                SchemaFormat schema = SchemaFormats.require(schemas, format);
                yield r -> answer.write(r, decode(schema, r.key().orElse(null), "key"),
                        decode(schema, r.value().orElse(null), "value"));
            }
        };
    }

    private static JsonNode decode(SchemaFormat schema, byte[] bytes, String what) {
        if (bytes == null) {
            return null;
        }
        try {
            return schema.deserialize(bytes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("its " + what + " cannot be read as "
                    + schema.format().formatName() + ": " + e.getMessage());
        }
    }

    /**
     * The v2 {@code GET .../records} answer, written record by record: {@code [{"topic","key","value","partition",
     * "offset","timestamp","headers":[{"name","value"}]}]}, every field always present (null keys, values and header
     * values as JSON null). Base64 is encoded with the JDK's encoder and written as-is (it needs no escaping), which
     * costs a fraction of Jackson's own {@code writeBinary}. Not thread-safe: one request writes it.
     */
    public static final class Answer {
        private final JsonGenerator g;
        private final Base64Writer base64 = new Base64Writer();
        private int records;

        /**
         * Starts the array.
         *
         * @param out where the UTF-8 JSON goes; closed by {@link #finish}
         */
        public Answer(OutputStream out) {
            try {
                this.g = Json.mapper().createGenerator(out);
                g.writeStartArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * @param key {@code byte[]} (written as base64), a {@link JsonNode}, or null
         * @param value as {@code key}
         * @return the record's index in the answer
         */
        private Integer write(ConsumedRecord r, Object key, Object value) {
            try {
                g.writeStartObject();
                g.writeFieldName(TOPIC);
                g.writeString(r.topic());
                g.writeFieldName(KEY);
                writeData(g, key, base64);
                g.writeFieldName(VALUE);
                writeData(g, value, base64);
                g.writeFieldName(PARTITION);
                g.writeNumber(r.partition());
                g.writeFieldName(OFFSET);
                g.writeNumber(r.offset());
                g.writeFieldName(TIMESTAMP);
                g.writeNumber(r.timestamp());
                g.writeFieldName(HEADERS);
                g.writeStartArray();
                for (ProduceRecord.Header h : r.headers()) {
                    g.writeStartObject();
                    g.writeFieldName(NAME);
                    g.writeString(h.name());
                    g.writeFieldName(VALUE);
                    writeData(g, h.value().orElse(null), base64);
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return records++;
        }

        /** @return how many records were written */
        public int records() {
            return records;
        }

        /**
         * Ends the array and flushes it into the output, which it closes.
         *
         * @throws IOException when the output fails
         */
        public void finish() throws IOException {
            g.writeEndArray();
            g.close();
        }
    }

    private static void writeData(JsonGenerator g, Object data, Base64Writer base64) throws IOException {
        if (data == null) {
            g.writeNull();
        } else if (data instanceof byte[] bytes) {
            base64.write(g, bytes);
        } else {
            g.writeTree((JsonNode) data);
        }
    }

    /** Base64 strings through one reused buffer. */
    private static final class Base64Writer {
        private static final Base64.Encoder ENCODER = Base64.getEncoder();
        private byte[] buffer = new byte[4096];

        void write(JsonGenerator g, byte[] bytes) throws IOException {
            int length = 4 * ((bytes.length + 2) / 3);
            if (buffer.length < length) {
                buffer = new byte[Math.max(length, buffer.length * 2)];
            }
            int written = ENCODER.encode(bytes, buffer);
            // base64's alphabet needs no JSON escaping
            g.writeRawUTF8String(buffer, 0, written);
        }
    }

    private static JsonNode json(byte[] bytes, String what) {
        if (bytes == null) {
            return null;
        }
        try {
            JsonNode node = Json.mapper().readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException("its " + what + " is empty, not JSON");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("its " + what + " is not valid JSON");
        }
    }
}
