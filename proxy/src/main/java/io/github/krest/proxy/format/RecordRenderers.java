package io.github.krest.proxy.format;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.core.consumer.ConsumedRecord;
import io.github.krest.proxy.core.consumer.RecordConverter;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.http.json.Json;

/**
 * Renders consumed records as v2 {@code GET .../records} elements (Confluent: {@code {"topic","key","value",
 * "partition","offset"}}; krest adds {@code timestamp} in epoch ms and {@code headers}
 * {@code [{"name","value":base64}]}, additive fields clients ignore). Keys and values: base64 for binary (Jackson
 * writes the bytes as base64 directly), the stored JSON for json (a record that is not JSON is refused), and for
 * the schema formats the data decoded with its schema: Avro's JSON encoding for avro, the JSON text for jsonschema,
 * the proto3 JSON mapping for protobuf (a record not in the Confluent wire format, with an unknown schema id or one
 * of another format, or that does not decode is refused; see {@link SchemaFormat#deserialize}).
 */
public final class RecordRenderers {
    private final Optional<SchemaFormats> schemas;

    /**
     * @param schemas the schema formats, empty without a Schema Registry
     */
    public RecordRenderers(Optional<SchemaFormats> schemas) {
        this.schemas = schemas;
    }

    /** A header of a rendered record; the value is written as base64, null when absent. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record RenderedHeader(@JsonProperty("name") String name, @JsonProperty("value") byte[] value) {
    }

    /** One element of the records array; {@code key}/{@code value} are {@code byte[]}, a JSON tree, or null. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record RenderedRecord(@JsonProperty("topic") String topic,
                                 @JsonProperty("key") Object key,
                                 @JsonProperty("value") Object value,
                                 @JsonProperty("partition") int partition,
                                 @JsonProperty("offset") long offset,
                                 @JsonProperty("timestamp") long timestamp,
                                 @JsonProperty("headers") List<RenderedHeader> headers) {
    }

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
     * @param format binary, json, or avro, jsonschema, protobuf (with a Schema Registry)
     * @return the converter for that format
     * @throws RestException 422/42206 for a format that cannot be served (see {@link #requireAvailable})
     */
    public RecordConverter<RenderedRecord> forFormat(EmbeddedFormat format) {
        requireAvailable(format);
        return switch (format) {
            case BINARY -> r -> render(r, r.key().orElse(null), r.value().orElse(null));
            case JSON -> r -> render(r, json(r.key().orElse(null), "key"), json(r.value().orElse(null), "value"));
            case AVRO, JSONSCHEMA, PROTOBUF -> {
                SchemaFormat schema = SchemaFormats.require(schemas, format);
                yield r -> render(r, decode(schema, r.key().orElse(null), "key"),
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

    private static RenderedRecord render(ConsumedRecord r, Object key, Object value) {
        return new RenderedRecord(r.topic(), key, value, r.partition(), r.offset(), r.timestamp(),
                r.headers().stream().map(h -> new RenderedHeader(h.name(), h.value().orElse(null))).toList());
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
