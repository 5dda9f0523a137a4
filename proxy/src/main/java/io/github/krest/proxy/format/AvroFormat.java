package io.github.krest.proxy.format;

import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.format.registry.CachingSchemaRegistryClient;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.krest.proxy.format.registry.CircuitBreakingSchemaRegistryClient;
import io.github.krest.proxy.format.registry.HttpSchemaRegistryClient;
import io.github.krest.proxy.format.registry.RegisteredSchema;
import io.github.krest.proxy.format.registry.SchemaRegistryClient;
import io.github.krest.proxy.format.registry.SchemaRegistryException;
import io.github.krest.proxy.format.registry.SchemaRegistryTls;
import org.apache.avro.Schema;

/**
 * The avro embedded format over a Schema Registry: resolves the schema of a produce request (by id, or by schema
 * text registered under its subject when absent), writes JSON data as Confluent's {@code KafkaAvroSerializer} does
 * ({@link ConfluentWireFormat} header, then Avro binary) and reads such records back to JSON.
 *
 * <p>Errors: invalid schema text 422/42205; data that does not match the schema 422/42203 naming the field;
 * registry failures as {@link SchemaRegistryException} (unknown id 404/40403, incompatible schema 422/42207,
 * unreachable 503/50304, forbidden 403/40301).
 */
public final class AvroFormat {
    private static final String TYPE = "AVRO";

    private final SchemaRegistryClient registry;
    private final Cache<Integer, Schema> parsed;
    private final Optional<CircuitBreaker> registryBreaker;

    /** A schema ready for writing: its registry id and the parsed schema. */
    public record ResolvedSchema(int id, Schema schema) {
    }

    /**
     * @param registry the (caching) registry client
     * @param maxSchemas most parsed schemas kept
     */
    public AvroFormat(SchemaRegistryClient registry, long maxSchemas) {
        this(registry, maxSchemas, Optional.empty());
    }

    private AvroFormat(SchemaRegistryClient registry, long maxSchemas, Optional<CircuitBreaker> registryBreaker) {
        this.registry = registry;
        this.parsed = Caffeine.newBuilder().maximumSize(maxSchemas).build();
        this.registryBreaker = registryBreaker;
    }

    /**
     * @param config {@code schema.registry.url}, {@code schema.registry.basic.auth.user.info},
     *               {@code schema.registry.cache.max.size}, {@code schema.registry.request.timeout.ms},
     *               {@code schema.registry.ssl.*}
     * @return the avro format, empty when {@code schema.registry.url} is empty
     */
    public static Optional<AvroFormat> of(KrestConfig config) {
        String url = config.getString(KrestConfig.SCHEMA_REGISTRY_URL).trim();
        if (url.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> userInfo = Optional.ofNullable(config.getPassword(KrestConfig.SCHEMA_REGISTRY_USER_INFO))
                .map(p -> p.value());
        int maxSize = config.getInt(KrestConfig.SCHEMA_REGISTRY_CACHE_MAX_SIZE);
        CircuitBreakingSchemaRegistryClient breaking = new CircuitBreakingSchemaRegistryClient(
                new HttpSchemaRegistryClient(url, userInfo,
                        Duration.ofMillis(config.getInt(KrestConfig.SCHEMA_REGISTRY_TIMEOUT_MS)),
                        SchemaRegistryTls.context(config)),
                Duration.ofSeconds(1));
        return Optional.of(new AvroFormat(new CachingSchemaRegistryClient(breaking, maxSize), maxSize,
                Optional.of(breaking.breaker())));
    }

    /** @return the Schema Registry client's circuit breaker (for metrics), when built by {@link #of} */
    public Optional<CircuitBreaker> registryBreaker() {
        return registryBreaker;
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
            int id = schemaId.get();
            return Optional.of(new ResolvedSchema(id, schemaById(id)));
        }
        if (schemaText.isEmpty()) {
            return Optional.empty();
        }
        Schema schema = parse(schemaText.get());
        int id = registry.register(subject, TYPE, schema.toString());
        parsed.put(id, schema);
        return Optional.of(new ResolvedSchema(id, schema));
    }

    /**
     * @param id global schema id
     * @return the schema with that id
     * @throws SchemaRegistryException 404/40403 when the registry does not have it
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
        RegisteredSchema registered = registry.version(subject, version);
        Schema cached = parsed.getIfPresent(registered.id());
        if (cached != null) {
            return new ResolvedSchema(registered.id(), cached);
        }
        return new ResolvedSchema(registered.id(), schemaById(registered.id()));
    }

    /**
     * Registers a parsed schema under a subject, or finds the id it already has there.
     *
     * @param subject subject name
     * @param schema the schema, from {@link #parse}
     * @return its id
     */
    public ResolvedSchema register(String subject, Schema schema) {
        int id = registry.register(subject, TYPE, schema.toString());
        parsed.put(id, schema);
        return new ResolvedSchema(id, schema);
    }

    /**
     * @param subject subject name
     * @param schema a schema the registry has
     * @return its version number under {@code subject}
     * @throws SchemaRegistryException 404/40403 when the subject does not have it
     */
    public int versionOf(String subject, ResolvedSchema schema) {
        // the registry's own text, so that the lookup matches what was registered byte for byte
        return registry.versionOf(subject, TYPE, registry.byId(schema.id()).schema());
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
            return ConfluentWireFormat.frame(schema.id(), AvroConverter.toBinary(schema.schema(), data, field));
        } catch (IllegalArgumentException e) {
            throw new RestException(ErrorCode.JSON_CONVERSION, "Conversion of JSON to Object failed: "
                    + e.getMessage());
        }
    }

    /**
     * @param bytes a record key or value in the wire format
     * @return its data as JSON
     * @throws IllegalArgumentException when the bytes are not in the wire format, name a schema id the registry
     *                                  does not have, or do not decode (a poison record)
     * @throws SchemaRegistryException when the registry cannot be asked (retriable)
     */
    public JsonNode deserialize(byte[] bytes) {
        int id = ConfluentWireFormat.schemaId(bytes);
        Schema schema;
        try {
            schema = schemaById(id);
        } catch (SchemaRegistryException e) {
            if (e.notFound()) {
                throw new IllegalArgumentException("its schema id " + id + " is not in the Schema Registry");
            }
            throw e;
        } catch (RestException e) {
            throw new IllegalArgumentException("its schema id " + id + " is not a valid Avro schema");
        }
        return AvroConverter.toJson(schema, bytes, ConfluentWireFormat.HEADER_LENGTH);
    }

    private Schema schemaById(int id) {
        Schema cached = parsed.getIfPresent(id);
        if (cached != null) {
            return cached;
        }
        RegisteredSchema registered = registry.byId(id);
        if (!registered.type().equals(TYPE)) {
            throw new RestException(ErrorCode.INVALID_SCHEMA, "Invalid schema: schema id " + id + " is "
                    + registered.type() + ", not AVRO.");
        }
        Schema schema = parse(registered.schema());
        parsed.put(id, schema);
        return schema;
    }

    /**
     * @param text Avro schema JSON
     * @return the parsed schema
     * @throws RestException 422/42205 when it is not a valid Avro schema
     */
    public static Schema parse(String text) {
        try {
            return new Schema.Parser().parse(text);
        } catch (RuntimeException e) {
            // SchemaParseException, and other AvroRuntimeExceptions for bad defaults or names
            throw new RestException(ErrorCode.INVALID_SCHEMA, "Invalid schema: " + e.getMessage());
        }
    }
}
