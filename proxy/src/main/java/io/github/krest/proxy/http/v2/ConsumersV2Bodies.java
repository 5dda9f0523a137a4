package io.github.krest.proxy.http.v2;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.http.RequestBodies;
import io.github.krest.proxy.http.RequestFields;
import io.github.krest.proxy.json.Json;
import io.helidon.webserver.http.ServerRequest;

/**
 * Reads the JSON body of a v2 consumer request into its record of {@link ConsumersV2Json}. A field the record does
 * not have is refused with 400/400 naming it ({@link RequestFields}), as Confluent's Jackson mapping refuses it; a
 * value of the wrong JSON type is 400/400 in krest's words for it ({@code partitions must be an array.}).
 *
 * <p>The whole body is parsed before it is bound, so malformed JSON anywhere is answered as such, before a field.
 * The request's {@code Content-Type} is the resource's to check.
 */
final class ConsumersV2Bodies {
    private ConsumersV2Bodies() {
    }

    /**
     * A body that is required.
     *
     * @param req the request
     * @param maxBodyBytes {@code request.body.max.bytes}
     * @param type the body record
     * @param <T> its type
     * @return the body
     * @throws RestException 422/42206 when there is no body (or only whitespace); 400 for malformed JSON, a body
     *         that is not a JSON object, an unknown field or a value of the wrong type, or an unsupported charset;
     *         413 when larger than {@code maxBodyBytes}
     */
    static <T> T require(ServerRequest req, long maxBodyBytes, Class<T> type) {
        return bind(RequestBodies.read(req, maxBodyBytes), false, type);
    }

    /**
     * A body that may be left out: none (or only whitespace) reads as {@code {}}.
     *
     * @return the body
     * @throws RestException as {@link #require}, except for a missing body
     */
    static <T> T readOrEmpty(ServerRequest req, long maxBodyBytes, Class<T> type) {
        return bind(RequestBodies.read(req, maxBodyBytes), true, type);
    }

    /**
     * Binds a body that was read.
     *
     * @param body the body in UTF-8
     * @param mayBeEmpty whether no body (or only whitespace) reads as {@code {}}, else it is 422/42206
     * @param type the body record
     * @return the body
     * @throws RestException as {@link #require}, but for the size and charset
     */
    static <T> T bind(byte[] body, boolean mayBeEmpty, Class<T> type) {
        return bind(tree(body, mayBeEmpty), type);
    }

    private static JsonNode tree(byte[] bytes, boolean mayBeEmpty) {
        if (bytes.length == 0 || new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            if (mayBeEmpty) {
                return Json.mapper().createObjectNode();
            }
            throw RestException.payload("Request body is empty. Data is required.");
        }
        JsonNode node;
        try {
            node = Json.mapper().readTree(bytes);
        } catch (JsonProcessingException e) {
            throw RequestBodies.malformed(e);
        } catch (IOException e) {
            throw RestException.badRequest("Could not read the request body.");
        }
        if (node == null || !node.isObject()) {
            throw RestException.badRequest("The request body must be a JSON object.");
        }
        return node;
    }

    private static <T> T bind(JsonNode body, Class<T> type) {
        try {
            return Json.mapper().readerFor(type).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(body);
        } catch (UnrecognizedPropertyException e) {
            throw RequestFields.unrecognized(e);
        } catch (MismatchedInputException e) {
            throw wrongType(e);
        } catch (JsonProcessingException e) {
            throw RequestBodies.malformed(e);
        } catch (IOException e) {
            throw RestException.badRequest("Could not read the request body.");
        }
    }

    /** @return the answer to a value Jackson cannot bind to its field's type, named as krest always named it */
    private static RestException wrongType(MismatchedInputException e) {
        Class<?> target = e.getTargetType();
        String field = field(e);
        if (target == ConsumersV2Json.SeekTimestamp.class) {
            return RestException.badRequest(ConsumersV2Json.NOT_A_TIMESTAMP);
        }
        if (target == ConsumersV2Json.PartitionBody.class || target == ConsumersV2Json.SeekOffset.class
                || target == ConsumersV2Json.CommitOffset.class) {
            return RestException.badRequest(ConsumersV2Json.NOT_A_PARTITION);
        }
        if (target != null && Collection.class.isAssignableFrom(target)) {
            return RestException.badRequest(field.equals("topics") ? ConsumersV2Json.NOT_TOPIC_NAMES
                    : field + " must be an array.");
        }
        if (target == String.class) {
            return RestException.badRequest(field + " must be a string.");
        }
        return RequestBodies.malformed(e);
    }

    /** @return the last field name on the exception's path, e.g. {@code metadata} for {@code offsets[0].metadata} */
    private static String field(MismatchedInputException e) {
        String field = "";
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                field = r.getFieldName();
            }
        }
        return field;
    }
}
