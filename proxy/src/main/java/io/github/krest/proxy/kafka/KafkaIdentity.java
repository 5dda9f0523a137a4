package io.github.krest.proxy.kafka;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Who a request acts as towards Kafka: the caller's principal and the secret krest may present to Kafka on its
 * behalf when {@code kafka.principal.propagation} is on. A transport-neutral copy of the HTTP layer's
 * {@code caller.Caller}, so that core and kafka code never see HTTP types.
 *
 * @param principal  the caller's principal name; empty without authentication
 * @param credential what krest can present to Kafka for the caller
 */
public record KafkaIdentity(String principal, Credential credential) {
    /** A request without authentication. */
    public static final KafkaIdentity ANONYMOUS = new KafkaIdentity("", new Credential.None());

    public KafkaIdentity {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(credential, "credential");
    }

    /** A secret Kafka accepts. {@code toString} never shows it. */
    public sealed interface Credential {
        /** Nothing krest could present to Kafka (no authentication, or a TLS client certificate). */
        record None() implements Credential {
        }

        /** A user name and password, for SASL PLAIN and SCRAM. */
        record Password(String username, String password) implements Credential {
            public Password {
                Objects.requireNonNull(username, "username");
                Objects.requireNonNull(password, "password");
            }

            @Override
            public String toString() {
                return "Password[username=" + username + ", password=[hidden]]";
            }
        }

        /** A compact JWT, for SASL OAUTHBEARER. */
        record BearerToken(String token) implements Credential {
            public BearerToken {
                Objects.requireNonNull(token, "token");
            }

            @Override
            public String toString() {
                return "BearerToken[[hidden]]";
            }
        }
    }

    /**
     * The key under which a caller's Kafka clients are cached: the principal and a SHA-256 of the credential, so that
     * another password (or token) for the same principal never reuses clients that authenticated with the first.
     *
     * @return e.g. {@code alice#3f2a...}
     */
    public String cacheKey() {
        String secret = switch (credential) {
            case Credential.None none -> "none";
            case Credential.Password p -> "password:" + p.username() + ":" + p.password();
            case Credential.BearerToken t -> "token:" + t.token();
        };
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return principal + "#" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
