package io.github.krest.proxy.format;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.format.registry.CachingSchemaRegistryClient;
import io.github.krest.proxy.format.registry.CircuitBreakingSchemaRegistryClient;
import io.github.krest.proxy.format.registry.HttpSchemaRegistryClient;
import io.github.krest.proxy.format.registry.RegisteredSchema;
import io.github.krest.proxy.format.registry.SchemaRegistryClient;
import io.github.krest.proxy.format.registry.SchemaRegistryTls;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * The schema embedded formats (avro, jsonschema, protobuf), sharing one Schema Registry client with its caches and
 * circuit breaker; built once at start-up when {@code schema.registry.url} is set.
 */
public final class SchemaFormats {
    private final Map<EmbeddedFormat, SchemaFormat> formats = new EnumMap<>(EmbeddedFormat.class);
    private final Map<String, SchemaFormat> byType = new HashMap<>();
    private final SchemaRegistryClient registry;
    private final Optional<CircuitBreaker> registryBreaker;

    /**
     * A schema the registry chose the format of (v3 produce without {@code type}).
     *
     * @param format the schema's format
     * @param schema the schema
     */
    public record Selected(SchemaFormat format, SchemaFormat.ResolvedSchema schema) {
    }

    /**
     * @param registry the (caching) registry client
     * @param maxSchemas most parsed schemas kept per format
     */
    public SchemaFormats(SchemaRegistryClient registry, long maxSchemas) {
        this(registry, maxSchemas, Optional.empty());
    }

    private SchemaFormats(SchemaRegistryClient registry, long maxSchemas, Optional<CircuitBreaker> registryBreaker) {
        for (SchemaConverter c : List.of(new AvroConverter(), new JsonSchemaConverter(), new ProtobufConverter())) {
            SchemaFormat format = new SchemaFormat(registry, c, maxSchemas);
            formats.put(c.format(), format);
            byType.put(c.schemaType(), format);
        }
        this.registry = registry;
        this.registryBreaker = registryBreaker;
    }

    /**
     * A schema by id, in the format its registry {@code schemaType} names.
     *
     * @param id global schema id
     * @return the schema and its format
     * @throws io.github.krest.proxy.format.registry.SchemaRegistryException 404/40403 when the registry does not
     *         have it
     * @throws RestException 422/42205 when its type is unknown or it does not parse
     */
    public Selected byId(int id) {
        return select(registry.byId(id));
    }

    /**
     * A subject's version, in the format its registry {@code schemaType} names.
     *
     * @param subject subject name
     * @param version a version number or {@code latest}
     * @return the schema and its format
     * @throws io.github.krest.proxy.format.registry.SchemaRegistryException 404 when the subject or version does
     *         not exist
     */
    public Selected version(String subject, String version) {
        return select(registry.version(subject, version));
    }

    private Selected select(RegisteredSchema registered) {
        SchemaFormat format = byType.get(registered.type());
        if (format == null) {
            throw new RestException(ErrorCode.INVALID_SCHEMA, "Invalid schema: schema id " + registered.id()
                    + " has the unknown type " + registered.type() + ".");
        }
        return new Selected(format, format.of(registered));
    }

    /**
     * @param config {@code schema.registry.url}, {@code schema.registry.basic.auth.user.info},
     *               {@code schema.registry.cache.max.size}, {@code schema.registry.request.timeout.ms},
     *               {@code schema.registry.ssl.*}
     * @return the schema formats, empty when {@code schema.registry.url} is empty
     */
    public static Optional<SchemaFormats> of(KrestConfig config) {
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
        return Optional.of(new SchemaFormats(new CachingSchemaRegistryClient(breaking, maxSize), maxSize,
                Optional.of(breaking.breaker())));
    }

    /** @return the Schema Registry client's circuit breaker (for metrics), when built by {@link #of} */
    public Optional<CircuitBreaker> registryBreaker() {
        return registryBreaker;
    }

    /**
     * @param format avro, jsonschema or protobuf
     * @return that format
     * @throws IllegalArgumentException for a format without schemas
     */
    public SchemaFormat get(EmbeddedFormat format) {
        SchemaFormat f = formats.get(format);
        if (f == null) {
            throw new IllegalArgumentException(format.formatName() + " has no schema");
        }
        return f;
    }

    /**
     * @param formats the schema formats, empty without a Schema Registry
     * @param format a schema format
     * @return that format
     * @throws RestException 422/42206 without a Schema Registry (Confluent's message)
     */
    public static SchemaFormat require(Optional<SchemaFormats> formats, EmbeddedFormat format) {
        return formats.orElseThrow(() -> RestException.payload(
                "Schema Registry must be configured when using schemas.")).get(format);
    }
}
