package io.github.krest.proxy.http;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.helidon.common.media.type.MediaType;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;

/**
 * Confluent's media types and the checks that go with them: a wrong {@code Content-Type} answers 415/415 and an
 * unacceptable {@code Accept} 406/406, both with a JSON body (Confluent {@code Versions.java};
 * docs/api.md, "Conventions").
 */
public final class ContentTypes {
    /** {@code application/vnd.kafka.v2+json}: v2 metadata and control requests and responses. */
    public static final MediaType V2_JSON = MediaTypes.create("application", "vnd.kafka.v2+json");
    /** {@code application/vnd.kafka+json}: Confluent's version-less alias, accepted as v2. */
    public static final MediaType KAFKA_JSON = MediaTypes.create("application", "vnd.kafka+json");
    /** {@code application/json}. */
    public static final MediaType JSON = MediaTypes.APPLICATION_JSON;

    /** What a v2 response may be served as, in order of preference. */
    public static final List<MediaType> V2_RESPONSE = List.of(V2_JSON, KAFKA_JSON, JSON);
    /** What a v3 response may be served as. */
    public static final List<MediaType> V3_RESPONSE = List.of(JSON);

    private ContentTypes() {
    }

    /**
     * The request's {@code Content-Type} without parameters, lower-case.
     *
     * @param req the request
     * @return e.g. {@code application/vnd.kafka.binary.v2+json}, empty when absent
     */
    public static Optional<String> contentType(ServerRequest req) {
        return req.headers().contentType().map(HttpMediaType::mediaType).map(MediaType::text)
                .map(s -> s.toLowerCase(Locale.ROOT));
    }

    /**
     * Picks the response media type from {@code Accept}.
     *
     * @param req the request
     * @param offered types this endpoint can answer with, preferred first
     * @return the type to answer with
     * @throws RestException 406/406 when the client accepts none of them
     */
    public static MediaType negotiate(ServerRequest req, List<MediaType> offered) {
        if (!req.headers().contains(HeaderNames.ACCEPT)) {
            return offered.getFirst();
        }
        return req.headers().bestAccepted(offered.toArray(MediaType[]::new))
                .orElseThrow(ContentTypes::notAcceptable);
    }

    /**
     * Checks the request charset: Confluent accepts UTF-8 and ISO-8859-1 (and none given), on v2 and v3 alike.
     *
     * @param req the request
     * @return the body's charset: ISO-8859-1 when named, else UTF-8
     * @throws RestException 400 for any other charset
     */
    public static Charset requireSupportedCharset(ServerRequest req) {
        Optional<String> charset = req.headers().contentType().flatMap(HttpMediaType::charset);
        if (charset.isEmpty()) {
            return StandardCharsets.UTF_8;
        }
        String c = charset.get().toUpperCase(Locale.ROOT);
        if (c.equals("ISO-8859-1")) {
            return StandardCharsets.ISO_8859_1;
        }
        if (!c.equals("UTF-8") && !c.equals("UTF8")) {
            throw RestException.badRequest("Unsupported charset " + charset.get()
                    + ": only UTF-8 and ISO-8859-1 are accepted.");
        }
        return StandardCharsets.UTF_8;
    }

    /** @return 415/415 as Jersey words it */
    public static RestException unsupportedMediaType() {
        return new RestException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "HTTP 415 Unsupported Media Type");
    }

    /** @return 406/406 as Jersey words it */
    public static RestException notAcceptable() {
        return new RestException(ErrorCode.NOT_ACCEPTABLE, "HTTP 406 Not Acceptable");
    }
}
