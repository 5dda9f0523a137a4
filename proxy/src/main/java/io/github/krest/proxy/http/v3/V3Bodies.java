package io.github.krest.proxy.http.v3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.http.ContentTypes;
import io.github.krest.proxy.http.RequestBodies;
import io.github.krest.proxy.http.RequestFields;
import io.github.krest.proxy.json.Json;
import io.helidon.webserver.http.ServerRequest;

/**
 * Reads the JSON request bodies of the v3 admin endpoints into their records; a field a record does not have is
 * refused with 400/400 naming it ({@link RequestFields}), as Confluent's Jackson mapping refuses it.
 */
final class V3Bodies {
    private V3Bodies() {
    }

    /**
     * @param req the request
     * @param maxBodyBytes {@code request.body.max.bytes}
     * @param type the body record
     * @param <T> its type
     * @return the body, empty when there is none or it is JSON {@code null}
     * @throws RestException 415 unless {@code Content-Type: application/json}; 400 for an unsupported charset,
     *         malformed or mistyped JSON or an unknown field; 413 when larger than {@code maxBodyBytes}
     */
    static <T> Optional<T> read(ServerRequest req, long maxBodyBytes, Class<T> type) {
        if (!ContentTypes.contentType(req).map(t -> t.equals(ContentTypes.JSON.text())).orElse(false)) {
            throw ContentTypes.unsupportedMediaType();
        }
        byte[] body = RequestBodies.read(req, maxBodyBytes);
        if (body.length == 0) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(Json.mapper().readerFor(type)
                    .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(body));
        } catch (UnrecognizedPropertyException e) {
            throw RequestFields.unrecognized(e);
        } catch (JsonProcessingException e) {
            throw RequestBodies.malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * As {@link #read}, for endpoints whose body is required.
     *
     * @return the body
     * @throws RestException also 400 "Request body is empty." when there is none
     */
    static <T> T require(ServerRequest req, long maxBodyBytes, Class<T> type) {
        return read(req, maxBodyBytes, type).orElseThrow(() -> RestException.badRequest("Request body is empty."));
    }
}
