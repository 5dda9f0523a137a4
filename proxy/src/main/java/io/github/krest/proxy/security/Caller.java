package io.github.krest.proxy.security;

import io.helidon.webserver.http.ServerRequest;

import java.util.Objects;

/**
 * Who sent a request, as authentication established it, and the credential krest may present to Kafka on the
 * caller's behalf when {@code kafka.principal.propagation} is on.
 *
 * <p>Authentication (a filter that runs before the API routes) stores the caller in the request context with
 * {@link #set}; everything after it reads the caller with {@link #of}. Without authentication every request is
 * {@link #ANONYMOUS}, whose principal is the empty string (the value the state store keeps for consumer instances
 * created without authentication).
 *
 * @param principal  the principal name: the Basic user name, the JWT's principal claim, or the certificate subject
 *                   after {@code ssl.principal.mapping.rules}; empty for {@link #ANONYMOUS}
 * @param credential what the caller proved their identity with
 */
public record Caller(String principal, Credential credential) {
    /** The caller of every request when authentication is off. */
    public static final Caller ANONYMOUS = new Caller("", new Credential.None());

    public Caller {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(credential, "credential");
    }

    /**
     * The caller of a request.
     *
     * @param request the request
     * @return the caller authentication stored, or {@link #ANONYMOUS}
     */
    public static Caller of(ServerRequest request) {
        return request.context().get(Caller.class).orElse(ANONYMOUS);
    }

    /**
     * Records the authenticated caller of a request; called once, by authentication.
     *
     * @param request the request
     * @param caller  its caller
     */
    public static void set(ServerRequest request, Caller caller) {
        request.context().register(caller);
    }

    /** What a caller authenticated with. {@code toString} never shows a secret. */
    public sealed interface Credential {
        /** No authentication. */
        record None() implements Credential {
        }

        /**
         * HTTP Basic: the user name and password as sent (already checked against the credentials file when one is
         * configured); propagated to Kafka as SASL PLAIN or SCRAM credentials.
         */
        record Password(String username, String password) implements Credential {
            @Override
            public String toString() {
                return "Password[username=" + username + ", password=[hidden]]";
            }
        }

        /** A validated JWT, in its compact form; propagated to Kafka as the OAUTHBEARER token. */
        record BearerToken(String token) implements Credential {
            @Override
            public String toString() {
                return "BearerToken[[hidden]]";
            }
        }

        /** A TLS client certificate, by its subject distinguished name (RFC 2253). */
        record Certificate(String subjectDn) implements Credential {
        }
    }
}
