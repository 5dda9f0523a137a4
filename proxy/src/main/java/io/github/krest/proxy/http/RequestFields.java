package io.github.krest.proxy.http;

import java.util.Collection;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.github.krest.proxy.error.RestException;

/**
 * krest's one rule for the fields of a JSON request body: a field the endpoint does not know is refused, naming it,
 * never skipped. Confluent's proxy reads every body with Jackson's default {@code FAIL_ON_UNKNOWN_PROPERTIES}, so a
 * client that works against it sends no unknown field; a client that does (a v2-shaped body sent to v3, a typo in
 * {@code partition_id}) would otherwise have a record written that it did not describe.
 *
 * <p>The answer is 400/400 {@code Unrecognized field "<path>" (known fields: ...)} (Confluent: the JSON mapping
 * error's 400); the v3 stream writes it as the record's receipt and goes on, and {@code records:batch} refuses the
 * whole batch with 422/422 (Confluent's {@code ProduceBatchAction}), see its resource.
 */
public final class RequestFields {
    private RequestFields() {
    }

    /**
     * The first field of {@code object} not in {@code known}.
     *
     * @param object a JSON object (anything else has no fields)
     * @param known the field names the endpoint reads there
     * @return the field's name, empty when every field is known
     */
    public static Optional<String> firstUnknown(JsonNode object, Set<String> known) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    /**
     * Checks that {@code object} has only {@code known} fields.
     *
     * @param object a JSON object of the request body
     * @param at where it is in the body, e.g. {@code records[2]}; empty for the body itself
     * @param known the field names the endpoint reads there
     * @throws RestException 400/400 naming the first unknown field
     */
    public static void requireKnown(JsonNode object, String at, Set<String> known) {
        Optional<String> unknown = firstUnknown(object, known);
        if (unknown.isPresent()) {
            throw unrecognized(path(at, unknown.get()), known);
        }
    }

    /**
     * @param at where the object is in the body, empty for the body itself
     * @param field a field of it
     * @return {@code at.field}, or {@code field} at the top
     */
    public static String path(String at, String field) {
        return at.isEmpty() ? field : at + "." + field;
    }

    /**
     * @param path the unknown field, e.g. {@code records} or {@code records[0].partiton}
     * @param known the field names the endpoint reads where it was found
     * @return 400/400 {@code Unrecognized field "<path>" (known fields: a, b, c)}
     */
    public static RestException unrecognized(String path, Collection<String> known) {
        return RestException.badRequest("Unrecognized field \"" + path + "\" (known fields: "
                + String.join(", ", new TreeSet<>(known)) + ")");
    }

    /**
     * The answer to a field Jackson found no property for, when a body is bound to a record with
     * {@code FAIL_ON_UNKNOWN_PROPERTIES}.
     *
     * @param e Jackson's exception
     * @return 400/400 as {@link #unrecognized(String, Collection)}, the path and known fields taken from {@code e}
     */
    public static RestException unrecognized(UnrecognizedPropertyException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return unrecognized(path.isEmpty() ? e.getPropertyName() : path.toString(),
                e.getKnownPropertyIds().stream().map(String::valueOf).toList());
    }
}
