package io.github.krest.proxy.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.krest.proxy.http.json.Json;
import io.helidon.common.media.type.MediaType;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/** Sends JSON bodies with a chosen media type. */
public final class Responses {
    private Responses() {
    }

    /**
     * Serialises {@code body} with krest's mapper and sends it.
     *
     * @param res the response
     * @param status HTTP status
     * @param type the negotiated media type
     * @param body a Jackson-serialisable value
     */
    public static void json(ServerResponse res, Status status, MediaType type, Object body) {
        byte[] bytes;
        try {
            bytes = Json.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise response", e);
        }
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, type.text());
        res.send(bytes);
    }
}
