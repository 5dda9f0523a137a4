package io.github.krest.proxy.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;

/**
 * The Schema Registry's keys: its URL and credentials, krest's schema caches and timeout, and the TLS stores of an
 * https:// registry.
 *
 * <p>One fragment of {@link KrestConfig#DEFINITION}, defined the way Kafka's {@code SslConfigs.addClientSslSupport}
 * adds its keys to a client's {@code ConfigDef}; callers name the keys through their {@link KrestConfig} aliases.
 */
final class SchemaRegistryConfigs {

    static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    static final String SCHEMA_REGISTRY_USER_INFO = "schema.registry.basic.auth.user.info";
    static final String SCHEMA_REGISTRY_CACHE_MAX_SIZE = "schema.registry.cache.max.size";
    static final String SCHEMA_REGISTRY_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    static final String SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
    static final String SCHEMA_REGISTRY_SSL_KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    static final String SCHEMA_REGISTRY_SSL_KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    static final String SCHEMA_REGISTRY_SSL_KEY_PASSWORD = "schema.registry.ssl.key.password";

    private SchemaRegistryConfigs() {
    }

    /**
     * Defines the Schema Registry keys: type, default, validator and doc line of each.
     *
     * @param def the definition to add to
     * @return {@code def}
     */
    static ConfigDef addSchemaRegistrySupport(ConfigDef def) {
        return def
            .define(SCHEMA_REGISTRY_URL, ConfigDef.Type.STRING, "", Importance.MEDIUM,
                    "Schema Registry URL(s), comma-separated, e.g. http://registry:8081 or Apicurio's "
                            + "http://host:8080/apis/ccompat/v7. Empty: schema formats (avro, jsonschema, protobuf) "
                            + "answer 422/42206 (Confluent's default is http://localhost:8081).")
            .define(SCHEMA_REGISTRY_USER_INFO, ConfigDef.Type.PASSWORD, null, Importance.MEDIUM,
                    "user:password for HTTP basic authentication to the Schema Registry; unset: none.")
            .define(SCHEMA_REGISTRY_CACHE_MAX_SIZE, ConfigDef.Type.INT, 1_000, Range.atLeast(1), Importance.LOW,
                    "krest: most schemas cached by id, by subject + version, and by registered schema text "
                            + "(each); ids and versions never change, so entries are only evicted for size.")
            .define(SCHEMA_REGISTRY_TIMEOUT_MS, ConfigDef.Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
                    "krest: connect and request timeout of Schema Registry calls, in ms; a registry that does "
                            + "not answer in time gives 503/50304.")
            .define(SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION, ConfigDef.Type.STRING, "", Importance.LOW,
                    "Trust store of an https:// Schema Registry; empty: the JVM's default trust.")
            .define(SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD, ConfigDef.Type.PASSWORD, null, Importance.LOW,
                    "Password of " + SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION + ".")
            .define(SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE, ConfigDef.Type.STRING, "JKS", Importance.LOW,
                    "Type of " + SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION + " (JKS or PKCS12).")
            .define(SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION, ConfigDef.Type.STRING, "", Importance.LOW,
                    "Key store with krest's client certificate for a Schema Registry that requires one (mutual "
                            + "TLS); empty: none.")
            .define(SCHEMA_REGISTRY_SSL_KEYSTORE_PASSWORD, ConfigDef.Type.PASSWORD, null, Importance.LOW,
                    "Password of " + SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION + ".")
            .define(SCHEMA_REGISTRY_SSL_KEYSTORE_TYPE, ConfigDef.Type.STRING, "JKS", Importance.LOW,
                    "Type of " + SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION + " (JKS or PKCS12).")
            .define(SCHEMA_REGISTRY_SSL_KEY_PASSWORD, ConfigDef.Type.PASSWORD, null, Importance.LOW,
                    "Password of the private key in " + SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION
                            + "; unset: the key store's password.");
    }
}
