package io.github.krest.proxy.format.registry;

/**
 * The Confluent Schema Registry REST operations krest uses ({@code /subjects}, {@code /schemas/ids}); Apicurio
 * serves the same API under {@code /apis/ccompat/v7}.
 *
 * <p>Every method throws {@link SchemaRegistryException}: unreachable or failing registry 503/50304, rejected
 * credentials 401/40101, forbidden 403/40301, unknown subject, version or id 404/40403, invalid schema 422/42205,
 * incompatible or otherwise refused 422/42207; the registry's own message is kept.
 */
public interface SchemaRegistryClient {
    /**
     * {@code GET /schemas/ids/{id}}.
     *
     * @param id global schema id
     * @return the schema
     */
    RegisteredSchema byId(int id);

    /**
     * {@code GET /subjects/{subject}/versions/{version}}.
     *
     * @param subject subject name, e.g. {@code orders-value}
     * @param version a version number or {@code latest}
     * @return the schema with its id
     */
    RegisteredSchema version(String subject, String version);

    /**
     * {@code POST /subjects/{subject}/versions}: registers the schema, or returns the id it already has (the
     * registry answers the existing id for a schema registered before).
     *
     * @param subject subject name
     * @param type {@code AVRO}, {@code JSON} or {@code PROTOBUF}
     * @param schema schema text
     * @return the global schema id
     */
    int register(String subject, String type, String schema);

    /**
     * {@code POST /subjects/{subject}}: the version a schema has under a subject (404/40403 when it has none).
     *
     * @param subject subject name
     * @param type {@code AVRO}, {@code JSON} or {@code PROTOBUF}
     * @param schema schema text
     * @return the schema's version number under {@code subject}
     */
    int versionOf(String subject, String type, String schema);
}
