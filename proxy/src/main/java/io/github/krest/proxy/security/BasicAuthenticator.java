package io.github.krest.proxy.security;

import io.github.krest.proxy.http.AuthenticationFilter;

import io.github.krest.proxy.caller.Caller;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import io.github.krest.proxy.config.KrestConfig;

/**
 * {@code authentication.method=BASIC} (RFC 7617): {@code Authorization: Basic base64(user:password)}, checked in
 * one of two explicit ways, see {@link Verification}.
 */
public final class BasicAuthenticator implements HttpAuthenticator {
    /** How BASIC credentials are checked. */
    public enum Verification {
        /** Against {@code authentication.basic.password.file} (bcrypt hashes). */
        PASSWORD_FILE,
        /**
         * By Kafka: the user name and password are passed on in the {@link Caller}, and the
         * {@link AuthenticationFilter}'s {@link CredentialVerifier} has Kafka verify them (a SASL PLAIN or SCRAM
         * handshake as the caller, {@code kafka.principal.propagation}) before the request goes on. Selected when
         * {@code authentication.basic.password.file} is empty. Without propagation nothing would check the
         * password, so start-up refuses that combination.
         */
        DELEGATED_TO_KAFKA;

        /**
         * @param config krest configuration
         * @return how BASIC credentials are checked under this configuration
         */
        public static Verification of(KrestConfig config) {
            return config.getString(KrestConfig.AUTHENTICATION_BASIC_PASSWORD_FILE).isBlank()
                    ? DELEGATED_TO_KAFKA : PASSWORD_FILE;
        }
    }

    private final Optional<PasswordFile> passwords;

    private BasicAuthenticator(Optional<PasswordFile> passwords) {
        this.passwords = passwords;
    }

    /**
     * @param passwords the password file to check against
     * @return an authenticator of {@link Verification#PASSWORD_FILE}
     */
    public static BasicAuthenticator checking(PasswordFile passwords) {
        return new BasicAuthenticator(Optional.of(passwords));
    }

    /** @return an authenticator of {@link Verification#DELEGATED_TO_KAFKA} */
    public static BasicAuthenticator delegatingToKafka() {
        return new BasicAuthenticator(Optional.empty());
    }

    /**
     * @param config krest configuration with {@code authentication.method=BASIC}
     * @return the authenticator {@link Verification#of} selects
     */
    public static BasicAuthenticator of(KrestConfig config) {
        return switch (Verification.of(config)) {
            case PASSWORD_FILE -> checking(new PasswordFile(
                    Path.of(config.getString(KrestConfig.AUTHENTICATION_BASIC_PASSWORD_FILE).strip()),
                    Duration.ofMillis(config.getLong(KrestConfig.AUTHENTICATION_VERIFIED_CACHE_MS))));
            case DELEGATED_TO_KAFKA -> delegatingToKafka();
        };
    }

    /** @return how this authenticator checks credentials */
    public Verification verification() {
        return passwords.isPresent() ? Verification.PASSWORD_FILE : Verification.DELEGATED_TO_KAFKA;
    }

    @Override
    public String scheme() {
        return "Basic";
    }

    @Override
    public Caller authenticate(String credentials) throws AuthenticationException {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(credentials.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new AuthenticationException("Malformed Basic credentials.");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw new AuthenticationException("Malformed Basic credentials.");
        }
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        if (passwords.isPresent() && !passwords.get().verify(user, password)) {
            throw new AuthenticationException("Invalid user name or password.");
        }
        return new Caller(user, new Caller.Credential.Password(user, password));
    }

    @Override
    public String challenge(String realm, Optional<AuthenticationException> failure) {
        return "Basic realm=\"" + quoted(realm) + "\", charset=\"UTF-8\"";
    }

    static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
