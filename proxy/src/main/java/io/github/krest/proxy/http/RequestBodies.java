package io.github.krest.proxy.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * Reads a non-streaming request body with a size limit, so an oversized body answers 413 before it is buffered
 * (a declared {@code Content-Length} is checked first; a chunked body is counted while read).
 *
 * <p>The listener itself has no payload limit because v3 streaming produce bodies are unbounded in total.
 *
 * <p>Every body read here is JSON: its {@code Content-Type} charset must be UTF-8 or ISO-8859-1 (Confluent's two),
 * and an ISO-8859-1 body is handed on as UTF-8, so that parsers see one encoding.
 */
public final class RequestBodies {
    /** Bodies that declare at most this many bytes are read into one array allocated up front. */
    static final int PREALLOCATE_MAX_BYTES = 8 * 1024 * 1024;

    private RequestBodies() {
    }

    /**
     * Reads the whole body.
     *
     * @param req the request
     * @param maxBytes the limit in bytes ({@code request.body.max.bytes})
     * @return the body in UTF-8, empty array when there is none
     * @throws RestException 413/413 when the body is larger than {@code maxBytes}; 400 for a charset other than
     *         UTF-8 and ISO-8859-1
     */
    public static byte[] read(ServerRequest req, long maxBytes) {
        Charset charset = ContentTypes.requireSupportedCharset(req);
        byte[] body = readBytes(req, maxBytes);
        return charset.equals(StandardCharsets.UTF_8) ? body
                : new String(body, charset).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(ServerRequest req, long maxBytes) {
        try {
            return readEntity(req, maxBytes);
        } catch (IllegalArgumentException e) {
            // Helidon 4.5.0 parses a chunk size while the handler reads, and a size that is not hex escapes as a
            // NumberFormatException from the body stream
            throw RestException.badRequest("Malformed chunked request body.");
        }
    }

    private static byte[] readEntity(ServerRequest req, long maxBytes) {
        long declared = req.headers().contentLength().orElse(-1);
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            if (declared >= 0 && declared <= PREALLOCATE_MAX_BYTES) {
                // the usual case: one array of the declared size, filled in place (no chunk list, no final copy);
                // larger declared sizes are read in growing chunks so a client that declares much and sends little
                // does not get a large array allocated up front
                byte[] body = new byte[(int) declared];
                int read = in.readNBytes(body, 0, body.length);
                return read == body.length ? body : Arrays.copyOf(body, read);
            }
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) {
                throw tooLarge(maxBytes);
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether the request declares a body.
     *
     * @param req the request
     * @return {@code true} for a non-zero {@code Content-Length} or a chunked body
     */
    public static boolean hasBody(ServerRequest req) {
        return req.content().hasEntity() && req.headers().value(HeaderNames.CONTENT_LENGTH)
                .map(v -> !v.trim().equals("0")).orElse(true);
    }

    /**
     * The answer to a body that is not JSON, or not JSON of the expected shape.
     *
     * @param e Jackson's exception
     * @return 400/400 {@code Malformed JSON: } and the first line of Jackson's own message (it quotes no input)
     */
    public static RestException malformed(JsonProcessingException e) {
        String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        return RestException.badRequest("Malformed JSON: " + m.lines().findFirst().orElse(""));
    }

    private static RestException tooLarge(long maxBytes) {
        return new RestException(ErrorCode.PAYLOAD_TOO_LARGE,
                "Request body is larger than " + maxBytes + " bytes (request.body.max.bytes).");
    }
}
