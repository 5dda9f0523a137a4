package io.github.krest.proxy.format;

import java.util.Locale;
import java.util.Optional;

import io.helidon.common.media.type.MediaType;
import io.helidon.common.media.type.MediaTypes;

/**
 * The v2 embedded formats: how keys and values are written inside the JSON of a request or response
 * (Confluent {@code EmbeddedFormat}; docs/api.md, "Conventions").
 */
public enum EmbeddedFormat {
    /** Base64 strings; bytes as they are. */
    BINARY("binary", "binary", false),
    /** Any JSON value; stored as its compact JSON text. */
    JSON("json", "json", false),
    /** Avro's JSON encoding; stored as Avro binary in Confluent's wire format ({@link AvroConverter}). */
    AVRO("avro", "avro", true),
    /** JSON valid against a JSON Schema; stored as text in Confluent's wire format ({@link JsonSchemaConverter}). */
    JSONSCHEMA("jsonschema", "json-schema", true),
    /** The proto3 JSON mapping of a message; stored in Confluent's wire format ({@link ProtobufConverter}). */
    PROTOBUF("protobuf", "protobuf", true);

    private final String name;
    private final String resourceSuffix;
    private final boolean schema;
    // Helidon's media types are immutable values, only not annotated as such.
    @SuppressWarnings("ImmutableEnumChecker")
    private final MediaType mediaType;

    EmbeddedFormat(String name, String resourceSuffix, boolean schema) {
        this.name = name;
        this.resourceSuffix = resourceSuffix;
        this.schema = schema;
        this.mediaType = MediaTypes.create("application", "vnd.kafka." + name + ".v2+json");
    }

    /** @return e.g. {@code application/vnd.kafka.binary.v2+json} */
    public MediaType mediaType() {
        return mediaType;
    }

    /** @return the suffix of Confluent's resource name, e.g. {@code json-schema} in {@code api.v2.produce-to-topic.json-schema} */
    public String resourceSuffix() {
        return resourceSuffix;
    }

    /** @return whether the format needs a Schema Registry */
    public boolean needsSchema() {
        return schema;
    }

    /** @return the lower-case name used in {@code format} fields */
    public String formatName() {
        return name;
    }

    /**
     * The format of a v2 produce {@code Content-Type}; plain {@code application/json} counts as {@link #JSON}
     * (krest accepts it; Confluent answers 415, kafka-rest#1000).
     *
     * @param contentType lower-case media type without parameters
     * @return the format, empty when the type is not a produce type
     */
    public static Optional<EmbeddedFormat> ofProduceContentType(String contentType) {
        if (contentType.equals("application/json")) {
            return Optional.of(JSON);
        }
        for (EmbeddedFormat f : values()) {
            if (f.mediaType.text().equals(contentType)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /**
     * @param name a {@code format} value, case-insensitive
     * @return the format, empty when unknown
     */
    public static Optional<EmbeddedFormat> ofName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (EmbeddedFormat f : values()) {
            if (f.name.equals(n)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
