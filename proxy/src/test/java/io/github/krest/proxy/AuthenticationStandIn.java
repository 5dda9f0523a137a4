package io.github.krest.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.security.Caller;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * TEST-ONLY STAND-IN for HTTP authentication, until the real one ({@code authentication.method=BASIC|BEARER})
 * lands. It checks nothing (Kafka checks the credentials when {@code kafka.principal.propagation} is on):
 * <ul>
 *   <li>{@code Authorization: Basic base64(user:password)} becomes {@code Caller(user, Password(user, password))};
 *   <li>{@code Authorization: Bearer <jwt>} becomes {@code Caller(sub, BearerToken(jwt))}, {@code sub} read from
 *       the token's claims without validating it;
 *   <li>a request without either stays {@link Caller#ANONYMOUS}.
 * </ul>
 *
 * <p>Installed through the package-private test seam {@code KrestServer.start(config, Optional<Filter>)}. When the
 * real authentication is merged: replace {@link #start} by {@code KrestServer.start(config)} with
 * {@code authentication.method=BASIC} and a credentials file holding the same users and passwords (BEARER with the
 * test's JWKS for the OAUTHBEARER test), delete this class and the seam. The tests send real {@code Basic} and
 * {@code Bearer} headers and need no other change, except that real authentication answers a wrong password or a
 * bad token with its own 401/40101 before Kafka is asked.
 */
public final class AuthenticationStandIn implements Filter {
    private static final String PREFIX = "Basic ";
    private static final String BEARER = "Bearer ";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * Starts krest with this stand-in in authentication's place.
     *
     * @param config the configuration
     * @return the running server
     */
    public static KrestServer start(KrestConfig config) {
        return KrestServer.start(config, Optional.of(new AuthenticationStandIn()));
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        req.headers().first(HeaderNames.AUTHORIZATION)
                .filter(h -> h.regionMatches(true, 0, PREFIX, 0, PREFIX.length()))
                .flatMap(h -> decode(h.substring(PREFIX.length()).trim()))
                .ifPresent(caller -> Caller.set(req, caller));
        req.headers().first(HeaderNames.AUTHORIZATION)
                .filter(h -> h.regionMatches(true, 0, BEARER, 0, BEARER.length()))
                .flatMap(h -> bearer(h.substring(BEARER.length()).trim()))
                .ifPresent(caller -> Caller.set(req, caller));
        chain.proceed();
    }

    private static Optional<Caller> bearer(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode claims = MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return Optional.of(new Caller(claims.path("sub").asText(""), new Caller.Credential.BearerToken(token)));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<Caller> decode(String encoded) {
        try {
            String pair = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            if (colon <= 0) {
                return Optional.empty();
            }
            String user = pair.substring(0, colon);
            return Optional.of(new Caller(user, new Caller.Credential.Password(user, pair.substring(colon + 1))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
