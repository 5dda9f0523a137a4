package io.github.krest.proxy.format.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * A bounded cache in front of a {@link SchemaRegistryClient}: schemas by id and by subject + version (ids and
 * versions are immutable in the registry, so entries never go stale), and ids of registered schemas by subject +
 * schema text, and versions of schemas by subject + schema text. {@code latest} is not cached. Failures are not cached.
 */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {
    private record SubjectVersion(String subject, String version) {
    }

    private record SubjectSchema(String subject, String type, String schema) {
    }

    private final SchemaRegistryClient delegate;
    private final Cache<Integer, RegisteredSchema> byId;
    private final Cache<SubjectVersion, RegisteredSchema> byVersion;
    private final Cache<SubjectSchema, Integer> registered;
    private final Cache<SubjectSchema, Integer> versions;

    /**
     * @param delegate the registry
     * @param maxSize most entries in each of the four caches
     */
    public CachingSchemaRegistryClient(SchemaRegistryClient delegate, long maxSize) {
        this.delegate = delegate;
        this.byId = Caffeine.newBuilder().maximumSize(maxSize).build();
        this.byVersion = Caffeine.newBuilder().maximumSize(maxSize).build();
        this.registered = Caffeine.newBuilder().maximumSize(maxSize).build();
        this.versions = Caffeine.newBuilder().maximumSize(maxSize).build();
    }

    @Override
    public RegisteredSchema byId(int id) {
        return byId.get(id, delegate::byId);
    }

    @Override
    public RegisteredSchema version(String subject, String version) {
        if (version.equals("latest")) {
            RegisteredSchema latest = delegate.version(subject, version);
            byId.put(latest.id(), latest);
            return latest;
        }
        return byVersion.get(new SubjectVersion(subject, version), k -> delegate.version(k.subject(), k.version()));
    }

    @Override
    public int register(String subject, String type, String schema) {
        return registered.get(new SubjectSchema(subject, type, schema),
                k -> delegate.register(k.subject(), k.type(), k.schema()));
    }

    @Override
    public int versionOf(String subject, String type, String schema) {
        return versions.get(new SubjectSchema(subject, type, schema),
                k -> delegate.versionOf(k.subject(), k.type(), k.schema()));
    }
}
