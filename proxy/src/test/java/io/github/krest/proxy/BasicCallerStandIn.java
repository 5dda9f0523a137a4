package io.github.krest.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.security.Caller;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * TEST-ONLY STAND-IN for HTTP Basic authentication, until the real one ({@code authentication.method=BASIC})
 * lands: turns an {@code Authorization: Basic base64(user:password)} header into
 * {@code Caller(user, Password(user, password))} without checking the password (Kafka checks it when
 * {@code kafka.principal.propagation} is on). A request without that header stays {@link Caller#ANONYMOUS}.
 *
 * <p>Installed through the package-private test seam {@code KrestServer.start(config, Optional<Filter>)}. When the
 * real authentication is merged, replace {@link #start} by {@code KrestServer.start(config)} with
 * {@code authentication.method=BASIC} and a credentials file holding the same users and passwords, delete this class
 * and the seam; the tests send real Basic headers and need no other change.
 */
public final class BasicCallerStandIn implements Filter {
    private static final String PREFIX = "Basic ";

    /**
     * Starts krest with this stand-in in authentication's place.
     *
     * @param config the configuration
     * @return the running server
     */
    public static KrestServer start(KrestConfig config) {
        return KrestServer.start(config, Optional.of(new BasicCallerStandIn()));
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        req.headers().first(HeaderNames.AUTHORIZATION)
                .filter(h -> h.regionMatches(true, 0, PREFIX, 0, PREFIX.length()))
                .flatMap(h -> decode(h.substring(PREFIX.length()).trim()))
                .ifPresent(caller -> Caller.set(req, caller));
        chain.proceed();
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
