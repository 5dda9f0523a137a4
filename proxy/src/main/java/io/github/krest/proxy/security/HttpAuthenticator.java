package io.github.krest.proxy.security;

import io.github.krest.proxy.caller.Caller;

/**
 * One HTTP authentication scheme ({@code authentication.method}): checks the credentials of an
 * {@code Authorization} header and names the challenge of a 401.
 */
public interface HttpAuthenticator {
    /** @return the scheme, as in the {@code Authorization} header: {@code Basic} or {@code Bearer} */
    String scheme();

    /**
     * @param credentials the {@code Authorization} header value after the scheme and its space
     * @return the authenticated caller
     * @throws AuthenticationException when the credentials are not accepted
     */
    Caller authenticate(String credentials) throws AuthenticationException;

    /**
     * @param realm   {@code authentication.realm}
     * @param failure why authentication failed; empty when no credentials were sent
     * @return the {@code WWW-Authenticate} header value
     */
    String challenge(String realm, java.util.Optional<AuthenticationException> failure);
}
