package io.github.krest.proxy.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.krest.proxy.caller.Caller;
import io.github.krest.proxy.core.IdempotentProduce;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.ErrorResponse;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.json.Json;
import io.github.krest.state.IdempotencyKey;
import io.github.krest.state.StoredAnswer;
import io.helidon.common.media.type.MediaType;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The HTTP side of {@link IdempotentProduce}: the {@code Idempotency-Key} request header (IETF httpapi draft "The
 * Idempotency-Key HTTP Header Field"), the request fingerprint, and the answers a claim decides (docs/api.md,
 * "Idempotent produce").
 *
 * <p>The header's value is a Structured Field String ({@code Idempotency-Key: "8e03978e-..."}) as the draft
 * specifies, or, since many clients send it so, a bare token of visible ASCII; 1 to 255 characters either way, one
 * field line. Anything else answers 400. A replay is answered with the stored status, type and body and
 * {@code Idempotent-Replayed: true}; a key still in use 409/40904 with {@code Retry-After}.
 */
public final class IdempotencyKeys {
    /** {@code Idempotency-Key}. */
    public static final HeaderName IDEMPOTENCY_KEY = HeaderNames.create("Idempotency-Key");
    /** {@code Idempotent-Replayed: true} on an answer that a retry got from the store. */
    public static final HeaderName REPLAYED = HeaderNames.create("Idempotent-Replayed");

    private IdempotencyKeys() {
    }

    /**
     * @param req a request
     * @return its {@code Idempotency-Key}, unquoted; empty when the request has none
     * @throws RestException 400/400 when the header is repeated, empty, too long or not a string
     */
    public static Optional<String> key(ServerRequest req) {
        List<String> values = req.headers().all(IDEMPOTENCY_KEY, List::of);
        if (values.isEmpty()) {
            return Optional.empty();
        }
        if (values.size() > 1) {
            throw invalid("it must be sent once");
        }
        return Optional.of(parse(values.getFirst()));
    }

    /**
     * @param value a header value
     * @return the key it holds
     * @throws RestException 400/400 when it is not a key
     */
    static String parse(String value) {
        String v = value.strip();
        String key;
        if (v.startsWith("\"")) {
            StringBuilder out = new StringBuilder();
            int i = 1;
            while (true) {
                if (i >= v.length()) {
                    throw invalid("the string is not closed");
                }
                char c = v.charAt(i++);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    if (i >= v.length() || (v.charAt(i) != '"' && v.charAt(i) != '\\')) {
                        throw invalid("only \\\" and \\\\ may be escaped");
                    }
                    c = v.charAt(i++);
                } else if (c < 0x20 || c > 0x7e) {
                    throw invalid("a string holds printable ASCII only");
                }
                out.append(c);
            }
            String rest = v.substring(i).strip();
            // Structured Field parameters (;name=value) may follow the string; they say nothing krest uses
            if (!rest.isEmpty() && !rest.startsWith(";")) {
                throw invalid("one string is expected");
            }
            key = out.toString();
        } else {
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c <= 0x20 || c > 0x7e || c == '"' || c == ',' || c == ';' || c == '\\') {
                    throw invalid("send it as a string, e.g. Idempotency-Key: \"8e03978e-40d5-43e8-bc93-6894a57f9324\"");
                }
            }
            key = v;
        }
        if (key.isEmpty() || key.length() > IdempotencyKey.MAX_LENGTH) {
            throw invalid("it must have 1 to " + IdempotencyKey.MAX_LENGTH + " characters");
        }
        return key;
    }

    private static RestException invalid(String why) {
        return RestException.badRequest("Invalid Idempotency-Key header: " + why + ".");
    }

    /**
     * The fingerprint of a produce request: the SHA-256 of its method, path, content type and body, so that a
     * retry matches and any other request under the same key does not.
     *
     * @param req the request
     * @param body its body
     * @return the hash, base64url without padding (43 characters)
     */
    public static String fingerprint(ServerRequest req, byte[] body) {
        return fingerprint(req.prologue().method().text(), req.path().rawPath(),
                req.headers().contentType().map(t -> t.text()).orElse(""), body);
    }

    /**
     * @param method the request method
     * @param rawPath the request path as sent
     * @param contentType the {@code Content-Type} header's value, empty when absent
     * @param body the request body
     * @return the fingerprint, as {@link #fingerprint(ServerRequest, byte[])}
     */
    public static String fingerprint(String method, String rawPath, String contentType, byte[] body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String head = method + "\n" + rawPath + "\n" + contentType.toLowerCase(Locale.ROOT) + "\n";
            sha.update(head.getBytes(StandardCharsets.UTF_8));
            sha.update(body);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Claims the request's key: answers a replay or a 409 itself, or hands back the attempt that runs the request.
     *
     * @param produce the service
     * @param req the request
     * @param res its response, answered when the claim is not to proceed
     * @param key the request's key
     * @param body the request's body
     * @return the attempt, empty when the response was sent
     * @throws RestException 422/42209 when the key was used for another request, 503/50303 when the store is down
     */
    public static Optional<IdempotentProduce.Attempt> claim(IdempotentProduce produce, ServerRequest req,
                                                             ServerResponse res, String key, byte[] body) {
        IdempotentProduce.Claim claim = produce.claim(Caller.of(req).principal(), key, fingerprint(req, body));
        return switch (claim) {
            case IdempotentProduce.Proceed proceed -> Optional.of(proceed.attempt());
            case IdempotentProduce.Replay replay -> {
                StoredAnswer answer = replay.answer();
                res.status(Status.create(answer.status()));
                res.header(HeaderNames.CONTENT_TYPE, answer.contentType());
                res.header(REPLAYED, "true");
                res.send(answer.body().getBytes(StandardCharsets.UTF_8));
                yield Optional.empty();
            }
            case IdempotentProduce.Busy busy -> {
                res.header(HeaderNames.RETRY_AFTER, Long.toString(busy.retryAfterSeconds()));
                HttpErrors.send(req, res, ErrorResponse.of(ErrorCode.IDEMPOTENCY_KEY_IN_USE, "A request with "
                        + "Idempotency-Key " + key + " is still being processed; retry after Retry-After seconds "
                        + "to get its answer."));
                yield Optional.empty();
            }
        };
    }

    /**
     * Sends a JSON answer and, for a request that runs under an idempotency key, ends its attempt with it first.
     *
     * @param res the response
     * @param attempt the request's attempt, empty without a key
     * @param status the status
     * @param type the media type
     * @param body a Jackson-serialisable value
     */
    public static void answer(ServerResponse res, IdempotentProduce.Attempt attempt, Status status, MediaType type,
                              Object body) {
        String json;
        try {
            json = Json.mapper().writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise response", e);
        }
        attempt.finish(new StoredAnswer(status.code(), type.text(), json));
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, type.text());
        res.send(json.getBytes(StandardCharsets.UTF_8));
    }
}
