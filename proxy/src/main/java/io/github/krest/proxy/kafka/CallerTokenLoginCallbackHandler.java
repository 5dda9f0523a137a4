package io.github.krest.proxy.kafka;

import java.io.IOException;
import java.text.ParseException;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.security.auth.callback.Callback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.auth.SaslExtensionsCallback;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerToken;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerTokenCallback;

/**
 * A client-side SASL OAUTHBEARER login callback handler that hands Kafka the caller's own token instead of fetching
 * one: the token arrives as the JAAS option {@value #TOKEN_OPTION} of the {@code OAuthBearerLoginModule} entry that
 * {@link PrincipalPropagation#OAUTHBEARER} writes for each caller. The broker validates the token (e.g. Kafka's
 * {@code OAuthBearerValidatorCallbackHandler} against the issuer's JWKS); this handler only reads the claims Kafka's
 * client needs for its refresh schedule ({@code exp}, {@code iat}, {@code sub}, {@code scope}) with Nimbus JOSE+JWT,
 * without checking the signature again.
 */
public final class CallerTokenLoginCallbackHandler implements AuthenticateCallbackHandler {
    /** The JAAS option that carries the compact JWT. */
    public static final String TOKEN_OPTION = "krestCallerToken";

    private OAuthBearerToken token;

    @Override
    public void configure(Map<String, ?> configs, String saslMechanism, List<AppConfigurationEntry> jaasEntries) {
        Object value = jaasEntries.isEmpty() ? null : jaasEntries.getFirst().getOptions().get(TOKEN_OPTION);
        if (!(value instanceof String compact) || compact.isEmpty()) {
            throw new IllegalArgumentException("sasl.jaas.config has no " + TOKEN_OPTION + " option");
        }
        this.token = CallerToken.parse(compact);
    }

    @Override
    public void handle(Callback[] callbacks) throws IOException, UnsupportedCallbackException {
        for (Callback callback : callbacks) {
            if (callback instanceof OAuthBearerTokenCallback tokenCallback) {
                tokenCallback.token(token);
            } else if (!(callback instanceof SaslExtensionsCallback)) {
                // SaslExtensionsCallback keeps its default: no extensions
                throw new UnsupportedCallbackException(callback);
            }
        }
    }

    @Override
    public void close() {
        token = null;
    }

    /** The caller's token with the claims Kafka's client reads. {@code toString} hides the value. */
    record CallerToken(String value, Set<String> scope, long lifetimeMs, String principalName, Long startTimeMs)
            implements OAuthBearerToken {

        /**
         * @param compact the caller's signed JWT, already verified by the HTTP authenticator
         * @return the token with its claims; {@code exp} missing: an hour from now
         * @throws IllegalArgumentException when it is not a signed JWT or its claims do not parse
         */
        static CallerToken parse(String compact) {
            SignedJWT jwt;
            try {
                jwt = SignedJWT.parse(compact);
            } catch (ParseException e) {
                throw new IllegalArgumentException("The bearer token is not a compact JWT");
            }
            JWTClaimsSet claims;
            try {
                claims = jwt.getJWTClaimsSet();
            } catch (ParseException e) {
                throw new IllegalArgumentException("The bearer token's claims are not JSON");
            }
            long now = System.currentTimeMillis();
            Date exp = claims.getExpirationTime();
            Date iat = claims.getIssueTime();
            Set<String> scope = new HashSet<>();
            if (claims.getClaim("scope") instanceof String text) {
                scope.addAll(List.of(text.trim().split("\\s+")));
                scope.remove("");
            }
            String subject = claims.getSubject();
            return new CallerToken(compact, Set.copyOf(scope),
                    exp != null ? exp.toInstant().toEpochMilli() : now + 3_600_000, subject != null ? subject : "",
                    iat != null ? iat.toInstant().toEpochMilli() : null);
        }

        @Override
        public String toString() {
            return "CallerToken[principalName=" + principalName + ", lifetimeMs=" + lifetimeMs + "]";
        }
    }
}
