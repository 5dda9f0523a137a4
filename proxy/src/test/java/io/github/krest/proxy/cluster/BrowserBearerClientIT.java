package io.github.krest.proxy.cluster;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * {@link BrowserClientContract} with {@code authentication.method=BEARER} on every path: the page sends its token as
 * {@code Authorization: Bearer} with {@code fetch} and as the {@code access_token} query parameter on its
 * {@code EventSource} and WebSocket, the browser alternative krest supports for GETs. The token is an HS256 JWT for
 * {@code alice}, valid for ten minutes.
 */
class BrowserBearerClientIT extends BrowserClientContract {
    private static final String SECRET = "browser-it-0123456789abcdef-0123456789abcdef";

    @Override
    Map<String, String> authentication(Path workDir) {
        return Map.of("KAFKA_REST_AUTHENTICATION_METHOD", "BEARER",
                "KAFKA_REST_AUTHENTICATION_BEARER_SECRET", SECRET);
    }

    @Override
    Map<String, String> pageCredentials() {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                    .subject("alice")
                    .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                    .build());
            jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
            return Map.of("token", jwt.serialize());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
