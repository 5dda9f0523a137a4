package io.github.krest.proxy.http;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.ErrorResponse;
import io.github.krest.proxy.error.ErrorTable;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.format.EmbeddedFormat;
import io.github.krest.proxy.json.Json;
import io.helidon.common.media.type.MediaType;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Central error answers: every failure, from a handler or from Helidon's own request parsing, reaches the client as
 * {@code {"error_code": ..., "message": ...}} with the mapped status. Never a stack trace or an HTML page.
 *
 * <p>The body's media type is the one the endpoint answers with, as Jersey negotiates an error entity in Confluent's
 * proxy: {@code application/vnd.kafka.v2+json} on v2 endpoints (or what else of the v2 types {@code Accept} prefers),
 * on {@code GET .../records} the embedded format's type {@code Accept} names (binary when it names none),
 * {@code application/json} everywhere else.
 */
public final class HttpErrors {
    private static final System.Logger LOG = System.getLogger(HttpErrors.class.getName());
    /**
     * The {@code error_code} last sent on this thread, for the request observer's metrics and access log. Helidon
     * runs a request's filters, handler and error handler on the request's one (virtual) thread.
     */
    private static final ThreadLocal<Integer> SENT_ERROR_CODE = new ThreadLocal<>();

    /** What a v2 {@code GET .../records} error may be answered as: the embedded formats' types first. */
    private static final List<MediaType> RECORDS_ERROR_TYPES = Stream.concat(
            Arrays.stream(EmbeddedFormat.values()).map(EmbeddedFormat::mediaType),
            ContentTypes.V2_RESPONSE.stream()).toList();

    private HttpErrors() {
    }

    /**
     * Registers the error handler and, for unmatched routes, a JSON 404; call after all routes. A path that matches
     * no route only because it ends in {@code /} is routed again without it, as Confluent's resources match both
     * ({@code POST .../offsets/}).
     *
     * @param routing the routing being built
     */
    public static void register(HttpRouting.Builder routing) {
        routing.error(Throwable.class, (req, res, t) -> send(req, res, toResponse(t)));
        routing.any((req, res) -> {
            String path = req.path().rawPath();
            String trimmed = path.replaceAll("/+$", "");
            if (!trimmed.isEmpty() && !trimmed.equals(path)) {
                res.reroute(trimmed);
                return;
            }
            throw new RestException(ErrorCode.NOT_FOUND, "HTTP 404 Not Found");
        });
    }

    /**
     * Maps handler failures, including Helidon's {@link HttpException}s, and logs the unexpected ones.
     *
     * @param t the failure
     * @return the error body
     */
    public static ErrorResponse toResponse(Throwable t) {
        Throwable cause = ErrorTable.unwrap(t);
        if (cause instanceof HttpException he && !(cause instanceof RestException)) {
            int status = he.status().code();
            return new ErrorResponse(status, status, "HTTP " + status + " " + he.status().reasonPhrase());
        }
        if (cause instanceof java.io.UncheckedIOException || cause instanceof java.io.IOException) {
            // the client went away or sent a broken body; nothing sensible can reach it any more
            return ErrorResponse.of(ErrorCode.BAD_REQUEST, "Could not read the request body.");
        }
        ErrorResponse response = ErrorTable.toResponse(cause);
        if (response.httpStatus() >= 500) {
            LOG.log(Level.WARNING, "Request failed with " + response.errorCode(), cause);
        }
        return response;
    }

    /**
     * Sends {@code error} with the media type the request's endpoint answers with (see the class) unless the
     * response has already started.
     *
     * @param req the request
     * @param res the response
     * @param error the error body
     */
    public static void send(ServerRequest req, ServerResponse res, ErrorResponse error) {
        send(res, error, mediaType(req));
    }

    /**
     * Sends {@code error} as {@code application/json} unless the response has already started; for answers that
     * have no request at hand, else use {@link #send(ServerRequest, ServerResponse, ErrorResponse)}.
     *
     * @param res the response
     * @param error the error body
     */
    public static void send(ServerResponse res, ErrorResponse error) {
        send(res, error, MediaTypes.APPLICATION_JSON);
    }

    /**
     * The media type of an error answer to {@code req}.
     *
     * @param req the request
     * @return see the class
     */
    static MediaType mediaType(ServerRequest req) {
        String resource = ResourceNames.of(req).orElse("");
        if (!resource.startsWith("api.v2.")) {
            return MediaTypes.APPLICATION_JSON;
        }
        List<MediaType> offered = resource.startsWith("api.v2.consumers.consume-")
                || resource.startsWith("api.v2.partitions.consume-") ? RECORDS_ERROR_TYPES : ContentTypes.V2_RESPONSE;
        try {
            return req.headers().contains(HeaderNames.ACCEPT)
                    ? req.headers().bestAccepted(offered.toArray(MediaType[]::new)).orElse(offered.getFirst())
                    : offered.getFirst();
        } catch (RuntimeException unparsableAccept) {
            return offered.getFirst();
        }
    }

    private static void send(ServerResponse res, ErrorResponse error, MediaType type) {
        if (res.isSent()) {
            return;
        }
        SENT_ERROR_CODE.set(error.errorCode());
        res.status(Status.create(error.httpStatus()));
        res.header(HeaderNames.CONTENT_TYPE, type.text());
        if ((error.httpStatus() == 503 || error.httpStatus() == 429
                || error.errorCode() == ErrorCode.IDEMPOTENCY_KEY_IN_USE.code())
                && !res.headers().contains(HeaderNames.RETRY_AFTER)) {
            res.header(HeaderNames.RETRY_AFTER, "1");
        }
        res.send(bytes(error));
    }

    /**
     * Returns and forgets the {@code error_code} that {@link #send} answered on this thread since the last call.
     *
     * @return the code, empty when no error was sent
     */
    public static Optional<Integer> takeSentErrorCode() {
        Integer code = SENT_ERROR_CODE.get();
        SENT_ERROR_CODE.remove();
        return Optional.ofNullable(code);
    }

    /** @return {@code error} serialised */
    public static byte[] bytes(ErrorResponse error) {
        try {
            return Json.mapper().writeValueAsBytes(error);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Direct handlers that answer Helidon's transport-level failures (malformed request line or headers, broken
     * chunked encoding) with the same JSON body.
     *
     * @return handlers for every event type
     */
    public static DirectHandlers directHandlers() {
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            builder.addHandler(type, HttpErrors::direct);
        }
        return builder.build();
    }

    private static DirectHandler.TransportResponse direct(DirectHandler.TransportRequest request,
                                                          DirectHandler.EventType eventType,
                                                          Status status,
                                                          io.helidon.http.ServerResponseHeaders headers,
                                                          String message) {
        int code = status.code();
        String text = "HTTP " + code + " " + status.reasonPhrase();
        if (message != null && !message.isBlank() && code < 500) {
            text = text + ": " + message.lines().findFirst().orElse("");
        }
        byte[] body = bytes(new ErrorResponse(code, code, text));
        return DirectHandler.TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderValues.CONTENT_TYPE_JSON)
                .entity(new String(body, StandardCharsets.UTF_8))
                .keepAlive(eventType.keepAlive())
                .build();
    }
}
