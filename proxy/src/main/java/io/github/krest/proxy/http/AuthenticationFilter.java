package io.github.krest.proxy.http;

import io.github.krest.proxy.security.AuthenticationException;
import io.github.krest.proxy.security.BasicAuthenticator;
import io.github.krest.proxy.security.BearerAuthenticator;
import io.github.krest.proxy.security.CertificatePrincipals;
import io.github.krest.proxy.security.CredentialVerifier;
import io.github.krest.proxy.security.HttpAuthenticator;

import io.github.krest.proxy.caller.Caller;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.ErrorResponse;
import io.github.krest.proxy.error.RestException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Establishes the {@link Caller} of every request, on every listener and route (the v3 streaming produce too),
 * before the access lists and rate limits.
 *
 * <ul>
 *   <li>{@code authentication.method=NONE}: the caller is the one the verified TLS client certificate names
 *       ({@code ssl.principal.mapping.rules}), else {@link Caller#ANONYMOUS}; a certificate that no rule maps
 *       answers 401/40101 (without a challenge: no HTTP scheme would help).</li>
 *   <li>{@code BASIC} / {@code BEARER}: the {@code Authorization} header must carry accepted credentials of that
 *       scheme; otherwise 401 with {@code {"error_code":40101,...}} and a {@code WWW-Authenticate} challenge. With
 *       {@code BEARER} a GET without the header may carry the token in the {@code access_token} query parameter
 *       instead (browsers' {@code EventSource} and {@code WebSocket} cannot send headers). A
 *       client certificate only secures the connection.</li>
 *   <li>Paths of {@code authentication.skip.paths} and {@code OPTIONS} requests (CORS preflights, as Confluent's
 *       {@code access.control.skip.options=true}) pass without credentials, as {@link Caller#ANONYMOUS}.</li>
 *   <li>With a {@link CredentialVerifier} ({@code kafka.principal.propagation} on), the credential is also verified
 *       with Kafka before the request goes on, whatever route it is for: a credential Kafka refuses answers
 *       401/40101 on every route, never only on those that happen to reach Kafka as the caller.</li>
 * </ul>
 *
 * <p>Every 401 of an authenticated route carries the challenge, also one that a later step answers (Kafka refusing
 * a credential it accepted before, say): the filter adds it before the response is sent.
 */
public final class AuthenticationFilter implements Filter {
    /** The query parameter a browser's GET may carry its bearer token in (RFC 6750 section 2.3). */
    public static final String ACCESS_TOKEN = "access_token";
    private static final String BEARER = "Bearer";
    private final Optional<HttpAuthenticator> authenticator;
    private final Optional<CertificatePrincipals> certificates;
    private final List<String> skipPaths;
    private final String realm;
    private final Optional<CredentialVerifier> verifier;

    /**
     * @param authenticator the scheme of {@code authentication.method}, empty for NONE
     * @param certificates  principals of TLS client certificates (used with NONE)
     * @param skipPaths     exact paths and prefixes ending in {@code /*} served without authentication
     * @param realm         the challenge's realm
     * @param verifier      verifies each accepted credential with Kafka before the request acts; empty: the scheme's
     *                      own check is all
     */
    public AuthenticationFilter(Optional<HttpAuthenticator> authenticator,
                                Optional<CertificatePrincipals> certificates, List<String> skipPaths, String realm,
                                Optional<CredentialVerifier> verifier) {
        this.authenticator = authenticator;
        this.certificates = certificates;
        this.skipPaths = List.copyOf(skipPaths);
        this.realm = realm;
        this.verifier = verifier;
    }

    /**
     * @param kafka verifies each credential with Kafka ({@code kafka.principal.propagation} on)
     * @return this filter, verifying credentials with {@code kafka} too once the scheme accepted them
     */
    public AuthenticationFilter verifyingWith(CredentialVerifier kafka) {
        return new AuthenticationFilter(authenticator, certificates, skipPaths, realm, Optional.of(kafka));
    }

    /**
     * @param config krest configuration
     * @return the filter, empty when there is nothing to authenticate (NONE and no https:// listener)
     */
    public static Optional<AuthenticationFilter> of(KrestConfig config) {
        String method = config.getString(KrestConfig.AUTHENTICATION_METHOD).toUpperCase(Locale.ROOT);
        Optional<HttpAuthenticator> authenticator = switch (method) {
            case "BASIC" -> Optional.of(BasicAuthenticator.of(config));
            case "BEARER" -> Optional.of(BearerAuthenticator.of(config));
            default -> Optional.empty();
        };
        boolean tls = config.listeners().stream().anyMatch(KrestConfig.Listener::tls)
                && !config.getString(KrestConfig.SSL_CLIENT_AUTHENTICATION).equalsIgnoreCase("NONE");
        Optional<CertificatePrincipals> certificates = authenticator.isEmpty() && tls
                ? Optional.of(new CertificatePrincipals(config.getString(KrestConfig.SSL_PRINCIPAL_MAPPING_RULES)))
                : Optional.empty();
        if (authenticator.isEmpty() && certificates.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AuthenticationFilter(authenticator, certificates,
                config.getList(KrestConfig.AUTHENTICATION_SKIP_PATHS),
                config.getString(KrestConfig.AUTHENTICATION_REALM), Optional.empty()));
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (authenticator.isEmpty()) {
            try {
                certificates.flatMap(c -> c.caller(req)).ifPresent(caller -> Caller.set(req, caller));
            } catch (IllegalArgumentException noRuleApplies) {
                // as Kafka: a certificate no rule maps fails authentication (it must not pass as anonymous)
                HttpErrors.send(req, res, ErrorResponse.of(ErrorCode.AUTHENTICATION_FAILED,
                        "The client certificate's subject matches no ssl.principal.mapping.rules."));
                return;
            }
            chain.proceed();
            return;
        }
        if (req.prologue().method().equals(Method.OPTIONS) || skipped(req.path().path())) {
            chain.proceed();
            return;
        }
        HttpAuthenticator scheme = authenticator.get();
        Optional<String> header = req.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isEmpty()) {
            header = queryToken(req, scheme);
        }
        if (header.isEmpty()) {
            reject(req, res, scheme, Optional.empty(), "Authentication required: send an Authorization: "
                    + scheme.scheme() + " header.");
            return;
        }
        String value = header.get();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).equalsIgnoreCase(scheme.scheme())) {
            reject(req, res, scheme, Optional.empty(), "Authentication required: send an Authorization: "
                    + scheme.scheme() + " header.");
            return;
        }
        Caller caller;
        try {
            caller = scheme.authenticate(value.substring(space + 1));
        } catch (AuthenticationException e) {
            reject(req, res, scheme, Optional.of(e), e.getMessage());
            return;
        }
        if (verifier.isPresent() && !verified(caller, scheme, req, res)) {
            return;
        }
        Caller.set(req, caller);
        // a 401 answered after this point (Kafka refusing the credential later) challenges like the ones above
        res.beforeSend(() -> {
            if (res.status().code() == 401 && !res.headers().contains(HeaderNames.WWW_AUTHENTICATE)) {
                res.header(HeaderNames.WWW_AUTHENTICATE, scheme.challenge(realm,
                        Optional.of(new AuthenticationException("Kafka refused the credential."))));
            }
        });
        chain.proceed();
    }

    /**
     * The {@code access_token} query parameter of a GET as a bearer credential (RFC 6750 section 2.3), for browsers,
     * whose {@code EventSource} and {@code WebSocket} cannot send an {@code Authorization} header: only with
     * {@code authentication.method=BEARER}, only on GET (no request that changes state can carry its credential in
     * a URL) and only when no {@code Authorization} header came. krest's access log prints no query; docs/security.md
     * says what else may see the URL.
     *
     * @return the credential as an {@code Authorization} header value, empty when the request has none there
     */
    private static Optional<String> queryToken(RoutingRequest req, HttpAuthenticator scheme) {
        if (!scheme.scheme().equalsIgnoreCase(BEARER) || !req.prologue().method().equals(Method.GET)) {
            return Optional.empty();
        }
        return req.query().first(ACCESS_TOKEN).asOptional().filter(t -> !t.isBlank())
                .map(t -> scheme.scheme() + " " + t.strip());
    }

    /** Asks Kafka; answers the request and returns false when the credential cannot be used. */
    private boolean verified(Caller caller, HttpAuthenticator scheme, RoutingRequest req, RoutingResponse res) {
        try {
            verifier.orElseThrow().verify(caller.kafkaIdentity());
            return true;
        } catch (RestException e) {
            if (e.errorCode() == ErrorCode.AUTHENTICATION_FAILED) {
                reject(req, res, scheme, Optional.of(new AuthenticationException(e.getMessage())), e.getMessage());
            } else {
                HttpErrors.send(req, res, ErrorResponse.of(e.errorCode(), e.getMessage()));
            }
        } catch (RuntimeException e) {
            HttpErrors.send(req, res, HttpErrors.toResponse(e));
        }
        return false;
    }

    private void reject(RoutingRequest req, RoutingResponse res, HttpAuthenticator scheme,
                        Optional<AuthenticationException> failure,
                        String message) {
        res.header(HeaderNames.WWW_AUTHENTICATE, scheme.challenge(realm, failure));
        HttpErrors.send(req, res, ErrorResponse.of(ErrorCode.AUTHENTICATION_FAILED, message));
    }

    /**
     * @param path the request path
     * @return whether {@code authentication.skip.paths} lets it through; paths with dot segments never match
     */
    boolean skipped(String path) {
        if (path.contains("/..") || path.contains("/./") || path.contains("//")) {
            return false;
        }
        for (String skip : skipPaths) {
            if (skip.endsWith("/*")) {
                String prefix = skip.substring(0, skip.length() - 1);
                if (path.startsWith(prefix)) {
                    return true;
                }
            } else if (path.equals(skip)) {
                return true;
            }
        }
        return false;
    }
}
