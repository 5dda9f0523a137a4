package io.github.krest.proxy.security;

/**
 * A request whose credentials krest does not accept; answered 401/40101 with a {@code WWW-Authenticate} challenge.
 * The message is shown to the client, so it never contains a credential.
 */
public final class AuthenticationException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message why, safe to show to the client */
    public AuthenticationException(String message) {
        super(message, null, false, false);
    }
}
