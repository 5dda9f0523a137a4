package io.github.krest.proxy.format;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.format.registry.RegisteredSchema;
import io.github.krest.proxy.format.registry.SchemaRegistryClient;
import io.github.krest.proxy.format.registry.SchemaRegistryException;

/**
 * A schema embedded format (avro, jsonschema, protobuf) over a Schema Registry: resolves the schema of a produce
 * request (by id, by subject and version, or by schema text registered under its subject when absent), writes JSON
 * data as Confluent's serializers do ({@link ConfluentWireFormat} header, then the {@link SchemaConverter}'s
 * payload) and reads such records back to JSON. The format-specific part is the converter; this class is shared.
 *
 * <p>Errors: invalid schema text 422/42205; data that does not match the schema 422/42203 naming the field;
 * registry failures as {@link SchemaRegistryException} (unknown id 404/40403, incompatible schema 422/42207,
 * unreachable 503/50304, forbidden 403/40301); a schema id of another format 422/42205.
 */
public final class SchemaFormat {
    private final SchemaRegistryClient registry;
    private final SchemaConverter converter;
    private final Cache<Integer, ParsedSchema> parsed;

    /** A schema ready for writing: its registry id and the parsed schema. */
    public record ResolvedSchema(int id, ParsedSchema schema) {
    }

    /**
     * @param registry the (caching) registry client
     * @param converter the format's converter
     * @param maxSchemas most parsed schemas kept
     */
    public SchemaFormat(SchemaRegistryClient registry, SchemaConverter converter, long maxSchemas) {
        this.registry = registry;
        this.converter = converter;
        this.parsed = Caffeine.newBuilder().maximumSize(maxSchemas).build();
    }

    /** @return the embedded format */
    public EmbeddedFormat format() {
        return converter.format();
    }

    /**
     * The schema of a produce request's keys or values (Confluent v2: {@code key_schema_id} /
     * {@code value_schema_id}, else {@code key_schema} / {@code value_schema}, registered under {@code subject}
     * when absent).
     *
     * @param subject e.g. {@code orders-value}
     * @param schemaText the schema text, if given
     * @param schemaId the schema id, if given; wins over the text
     * @return the schema, empty when neither is given
     */
    public Optional<ResolvedSchema> resolve(String subject, Optional<String> schemaText, Optional<Integer> schemaId) {
        if (schemaId.isPresent()) {
            return Optional.of(byId(schemaId.get()));
        }
        return schemaText.map(text -> register(subject, parse(text)));
    }

    /**
     * @param id global schema id
     * @return the schema with that id
     * @throws SchemaRegistryException 404/40403 when the registry does not have it
     * @throws RestException 422/42205 when it is a schema of another format
     */
    public ResolvedSchema byId(int id) {
        return new ResolvedSchema(id, schemaById(id));
    }

    /**
     * @param subject subject name
     * @param version a version number or {@code latest}
     * @return that version's schema
     * @throws SchemaRegistryException 404 when the subject or version does not exist
     */
    public ResolvedSchema version(String subject, String version) {
        return of(registry.version(subject, version));
    }

    /**
     * @param registered a schema the registry answered
     * @return it parsed (cached by id)
     * @throws RestException 422/42205 when it is a schema of another format or does not parse
     */
    public ResolvedSchema of(RegisteredSchema registered) {
        ParsedSchema cached = parsed.getIfPresent(registered.id());
        if (cached != null) {
            return new ResolvedSchema(registered.id(), cached);
        }
        return new ResolvedSchema(registered.id(), parse(registered));
    }

    /**
     * Registers a parsed schema under a subject, or finds the id it already has there. When the registry refuses
     * it as invalid and the converter can declare its dialect ({@link SchemaConverter#withDeclaredDialect}), the
     * declared form is registered instead.
     *
     * @param subject subject name
     * @param schema the schema, from {@link #parse}
     * @return its id
     */
    public ResolvedSchema register(String subject, ParsedSchema schema) {
        ParsedSchema registered = schema;
        int id;
        try {
            id = registry.register(subject, converter.schemaType(), schema.canonical());
        } catch (SchemaRegistryException e) {
            // a registry that needs the dialect spelled out gets the one krest validates with anyway
            Optional<ParsedSchema> declared = e.errorCode() == ErrorCode.INVALID_SCHEMA
                    ? converter.withDeclaredDialect(schema) : Optional.empty();
            if (declared.isEmpty()) {
                throw e;
            }
            registered = declared.get();
            id = registry.register(subject, converter.schemaType(), registered.canonical());
        }
        parsed.put(id, registered);
        return new ResolvedSchema(id, registered);
    }

    /**
     * @param schema a resolved schema
     * @param name the message records are written with (protobuf), see {@link SchemaConverter#selectMessage}
     * @return the schema, writing that message
     * @throws RestException 400 for another format or an unknown message
     */
    public ResolvedSchema selectMessage(ResolvedSchema schema, String name) {
        return new ResolvedSchema(schema.id(), converter.selectMessage(schema.schema(), name));
    }

    /**
     * @param schema a parsed schema
     * @param name the message records are written with (protobuf)
     * @return the schema, writing that message
     * @throws RestException 400 for another format or an unknown message
     */
    public ParsedSchema selectMessage(ParsedSchema schema, String name) {
        return converter.selectMessage(schema, name);
    }

    /**
     * @param subject subject name
     * @param schema a schema the registry has
     * @return its version number under {@code subject}
     * @throws SchemaRegistryException 404/40403 when the subject does not have it
     */
    public int versionOf(String subject, ResolvedSchema schema) {
        // the registry's own text, so that the lookup matches what was registered byte for byte
        return registry.versionOf(subject, converter.schemaType(), registry.byId(schema.id()).schema());
    }

    /**
     * @param schema the resolved schema
     * @param data the JSON value (not null)
     * @param field the value's name for messages, e.g. {@code records[0].value}
     * @return the record bytes in the wire format
     * @throws RestException 422/42203 when the data does not match the schema
     */
    public byte[] serialize(ResolvedSchema schema, JsonNode data, String field) {
        try {
            return ConfluentWireFormat.frame(schema.id(), converter.toPayload(schema.schema(), data, field));
        } catch (IllegalArgumentException e) {
            throw new RestException(ErrorCode.JSON_CONVERSION, "Conversion of JSON to Object failed: "
                    + e.getMessage());
        }
    }

    /**
     * @param bytes a record key or value in the wire format
     * @return its data as JSON
     * @throws IllegalArgumentException when the bytes are not in the wire format, name a schema id the registry
     *                                  does not have (or one of another format), or do not decode (a poison record)
     * @throws SchemaRegistryException when the registry cannot be asked (retriable)
     */
    public JsonNode deserialize(byte[] bytes) {
        int id = ConfluentWireFormat.schemaId(bytes);
        ParsedSchema schema;
        try {
            schema = schemaById(id);
        } catch (SchemaRegistryException e) {
            if (e.notFound()) {
                throw new IllegalArgumentException("its schema id " + id + " is not in the Schema Registry");
            }
            throw e;
        } catch (RestException e) {
            throw new IllegalArgumentException("its schema id " + id + " is not a valid "
                    + converter.schemaType() + " schema (" + e.getMessage() + ")");
        }
        return converter.toJson(schema, bytes, ConfluentWireFormat.HEADER_LENGTH);
    }

    /**
     * @param text schema text
     * @return the parsed schema
     * @throws RestException 422/42205 when it is not a valid schema of this format
     */
    public ParsedSchema parse(String text) {
        return converter.parse(text);
    }

    private ParsedSchema schemaById(int id) {
        ParsedSchema cached = parsed.getIfPresent(id);
        if (cached != null) {
            return cached;
        }
        return parse(registry.byId(id));
    }

    private ParsedSchema parse(RegisteredSchema registered) {
        if (!registered.type().equals(converter.schemaType())) {
            throw new RestException(ErrorCode.INVALID_SCHEMA, "Invalid schema: schema id " + registered.id()
                    + " is " + registered.type() + ", not " + converter.schemaType() + ".");
        }
        ParsedSchema schema = converter.parse(registered.schema());
        parsed.put(registered.id(), schema);
        return schema;
    }
}
