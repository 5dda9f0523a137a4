package io.github.krest.proxy.format;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.AllowSchemaLoader;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.json.Json;

/**
 * The jsonschema embedded format: the data is plain JSON, validated against the schema with networknt's
 * {@code json-schema-validator}, and stored as its compact UTF-8 JSON text after the wire-format header (what
 * Confluent's {@code KafkaJsonSchemaSerializer} writes). The dialect is the schema's {@code $schema} (draft 4, 6, 7,
 * 2019-09, 2020-12), draft-07 when absent (Confluent's default). A schema is checked against its dialect's
 * meta-schema; {@code $ref}s to other documents are not loaded (schema references are not supported), except the
 * bundled meta-schemas. Reading does not validate (as Confluent's deserializer by default). A registry that refuses
 * a schema without {@code $schema} (Apicurio, unless the schema has top-level {@code properties}) gets it with
 * draft-07's {@code $schema} added.
 */
public final class JsonSchemaConverter implements SchemaConverter {
    private static final String DRAFT_07 = "http://json-schema.org/draft-07/schema#";
    private static final Map<SpecVersion.VersionFlag, String> META_SCHEMAS = Map.of(
            SpecVersion.VersionFlag.V4, "http://json-schema.org/draft-04/schema",
            SpecVersion.VersionFlag.V6, "http://json-schema.org/draft-06/schema",
            SpecVersion.VersionFlag.V7, "http://json-schema.org/draft-07/schema",
            SpecVersion.VersionFlag.V201909, "https://json-schema.org/draft/2019-09/schema",
            SpecVersion.VersionFlag.V202012, "https://json-schema.org/draft/2020-12/schema");

    /**
     * A parsed JSON Schema; registered as its compact JSON text, named by its {@code title} for
     * {@code RECORD_NAME}.
     *
     * @param node the schema document
     * @param validator the compiled validator
     */
    public record JsonSchemaDocument(JsonNode node, JsonSchema validator) implements ParsedSchema {
        @Override
        public String canonical() {
            return node.toString();
        }

        @Override
        public Optional<String> name() {
            JsonNode title = node.get("title");
            return title != null && title.isTextual() && !title.textValue().isEmpty()
                    ? Optional.of(title.textValue()) : Optional.empty();
        }
    }

    @Override
    public EmbeddedFormat format() {
        return EmbeddedFormat.JSONSCHEMA;
    }

    @Override
    public String schemaType() {
        return "JSON";
    }

    /**
     * @param text a JSON Schema (object or boolean)
     * @return the parsed schema
     * @throws RestException 422/42205 when the text is not JSON, not a schema, or breaks its meta-schema
     */
    @Override
    public JsonSchemaDocument parse(String text) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw invalid("not JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !(node.isObject() || node.isBoolean())) {
            throw invalid("a JSON Schema is a JSON object or boolean");
        }
        SpecVersion.VersionFlag dialect;
        try {
            dialect = SpecVersionDetector.detectOptionalVersion(node, false).orElse(SpecVersion.VersionFlag.V7);
        } catch (JsonSchemaException e) {
            throw invalid(e.getMessage());
        }
        JsonSchemaFactory factory = factory(dialect);
        try {
            Set<ValidationMessage> problems = factory.getSchema(SchemaLocation.of(META_SCHEMAS.get(dialect)))
                    .validate(node);
            if (!problems.isEmpty()) {
                throw invalid(describe(problems, "schema"));
            }
            JsonSchema validator = factory.getSchema(node);
            validator.initializeValidators();
            return new JsonSchemaDocument(node, validator);
        } catch (JsonSchemaException e) {
            throw invalid(e.getMessage());
        }
    }

    /** Adds {@code "$schema": "http://json-schema.org/draft-07/schema#"} to an object schema without one. */
    @Override
    public Optional<ParsedSchema> withDeclaredDialect(ParsedSchema schema) {
        JsonNode node = ((JsonSchemaDocument) schema).node();
        if (!node.isObject() || node.has("$schema")) {
            return Optional.empty();
        }
        ObjectNode declared = Json.mapper().createObjectNode().put("$schema", DRAFT_07);
        declared.setAll((ObjectNode) node);
        return Optional.of(parse(declared.toString()));
    }

    @Override
    public byte[] toPayload(ParsedSchema schema, JsonNode data, String field) {
        Set<ValidationMessage> problems;
        try {
            problems = ((JsonSchemaDocument) schema).validator().validate(data);
        } catch (JsonSchemaException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(describe(problems, field));
        }
        try {
            return Json.mapper().writeValueAsBytes(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public JsonNode toJson(ParsedSchema schema, byte[] bytes, int offset) {
        try {
            JsonNode node = Json.mapper().readTree(bytes, offset, bytes.length - offset);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException("it has no JSON after the schema id");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("it is not valid JSON after the schema id");
        }
    }

    /** Only the bundled meta-schemas may be loaded: no network or file access from a schema's {@code $ref}. */
    private static JsonSchemaFactory factory(SpecVersion.VersionFlag dialect) {
        return JsonSchemaFactory.builder(JsonSchemaFactory.getInstance(dialect))
                .schemaLoaders(b -> b.add(new AllowSchemaLoader(iri -> {
                    String s = iri.toString();
                    return s.startsWith("classpath:") || META_SCHEMAS.values().stream().anyMatch(s::startsWith);
                })))
                .build();
    }

    /** E.g. {@code records[0].value.username: integer found, string expected}, problems in path order. */
    private static String describe(Set<ValidationMessage> problems, String field) {
        List<ValidationMessage> sorted = problems.stream()
                .sorted(Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation().toString())
                        .thenComparing(ValidationMessage::getError))
                .toList();
        return sorted.stream().limit(5).map(m -> field + m.getInstanceLocation().toString().substring(1) + ": "
                + m.getError()).collect(Collectors.joining("; "))
                + (sorted.size() > 5 ? "; and " + (sorted.size() - 5) + " more" : "");
    }

    private static RestException invalid(String why) {
        return new RestException(ErrorCode.INVALID_SCHEMA, "Invalid schema: " + why);
    }
}
