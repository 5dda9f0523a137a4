package io.github.krest.proxy.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

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

    /** Writes a response body. */
    @FunctionalInterface
    public interface BodyWriter {
        /**
         * @param out where the body goes
         * @throws IOException when writing fails
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes a body into memory and sends it whole with its Content-Length, so that anything failing while it is
     * written is still answered as an error. The buffer starts at {@code sizeHint} bytes: a good hint means one
     * allocation and no copy until Helidon writes the answer out.
     *
     * @param res the response
     * @param status HTTP status
     * @param type the negotiated media type
     * @param sizeHint expected body bytes
     * @param writer writes the body
     */
    public static void json(ServerResponse res, Status status, MediaType type, long sizeHint, BodyWriter writer) {
        Buffer buffer = new Buffer((int) Math.min(Math.max(sizeHint, 32), Integer.MAX_VALUE - 16));
        try {
            writer.writeTo(buffer);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot serialise response", e);
        }
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, type.text());
        res.send(buffer.array(), 0, buffer.size());
    }

    /** A byte array output stream whose array is sent as it is, without the copy {@code toByteArray} makes. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer(int size) {
            super(size);
        }

        byte[] array() {
            return buf;
        }
    }
}
