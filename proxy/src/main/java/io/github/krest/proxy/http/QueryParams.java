package io.github.krest.proxy.http;

import java.util.Optional;

import io.github.krest.proxy.error.RestException;
import io.helidon.webserver.http.ServerRequest;

/** Typed query parameters. */
public final class QueryParams {
    private QueryParams() {
    }

    /**
     * An integer query parameter.
     *
     * @param req the request
     * @param name the parameter's name
     * @return its value, empty when absent or blank
     * @throws RestException 400/400 when it is not an integer
     */
    public static Optional<Long> optionalLong(ServerRequest req, String name) {
        Optional<String> raw = req.query().first(name).asOptional();
        if (raw.isEmpty() || raw.get().isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(raw.get().trim()));
        } catch (NumberFormatException e) {
            throw RestException.badRequest("Query parameter " + name + " must be an integer.");
        }
    }
}
