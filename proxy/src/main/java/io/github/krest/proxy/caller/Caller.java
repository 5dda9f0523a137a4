package io.github.krest.proxy.caller;

import io.github.krest.proxy.kafka.KafkaIdentity;
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

    /**
     * The caller as the core and Kafka layers see it (no HTTP types): the principal, and the credential krest can
     * present to Kafka under {@code kafka.principal.propagation} (a password or a bearer token; nothing for a
     * certificate or without authentication).
     *
     * @return the Kafka identity of this caller
     */
    public KafkaIdentity kafkaIdentity() {
        KafkaIdentity.Credential kafka = switch (credential) {
            case Credential.Password p -> new KafkaIdentity.Credential.Password(p.username(), p.password());
            case Credential.BearerToken t -> new KafkaIdentity.Credential.BearerToken(t.token());
            case Credential.None none -> new KafkaIdentity.Credential.None();
            case Credential.Certificate c -> new KafkaIdentity.Credential.None();
        };
        return new KafkaIdentity(principal, kafka);
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
