package io.github.krest.proxy.security;

import io.github.krest.proxy.caller.Caller;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.github.krest.proxy.config.KrestConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * {@code authentication.method=BEARER} (RFC 6750): {@code Authorization: Bearer <JWT>}, a signed JWT validated with
 * Nimbus JOSE+JWT against the keys of {@code authentication.bearer.jwks.endpoint.url} (fetched, cached and
 * refreshed by Nimbus), of a PEM public key file, or of an HMAC secret. The signature must verify with an algorithm
 * of the key's family (unsigned {@code alg=none} tokens are refused), {@code exp} must be present and not past,
 * {@code nbf} not in the future (both with {@code authentication.bearer.clock.skew.seconds}), {@code iss} and
 * {@code aud} as configured, and the principal claim ({@code authentication.bearer.sub.claim.name}) present.
 */
public final class BearerAuthenticator implements HttpAuthenticator {
    private final DefaultJWTProcessor<SecurityContext> processor;
    private final String principalClaim;

    /**
     * @param keys            where the verification keys come from
     * @param algorithms      the signature algorithms accepted
     * @param issuer          the required {@code iss}, empty: any
     * @param audiences       accepted {@code aud} values, empty: any
     * @param clockSkewSeconds tolerance of {@code exp} and {@code nbf}
     * @param principalClaim  the claim naming the principal
     */
    public BearerAuthenticator(JWKSource<SecurityContext> keys, Set<JWSAlgorithm> algorithms, Optional<String> issuer,
                               List<String> audiences, int clockSkewSeconds, String principalClaim) {
        this.principalClaim = principalClaim;
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        issuer.ifPresent(exact::issuer);
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                audiences.isEmpty() ? null : new HashSet<>(audiences), exact.build(),
                Set.of("exp", principalClaim), Set.of());
        claims.setMaxClockSkew(clockSkewSeconds);
        processor.setJWTClaimsSetVerifier(claims);
    }

    /**
     * @param config krest configuration with {@code authentication.method=BEARER}
     * @return the authenticator
     * @throws ConfigException unless exactly one key source is configured and readable
     */
    public static BearerAuthenticator of(KrestConfig config) {
        String jwks = config.getString(KrestConfig.BEARER_JWKS_ENDPOINT_URL).strip();
        String pem = config.getString(KrestConfig.BEARER_PUBLIC_KEY_LOCATION).strip();
        Password secret = config.getPassword(KrestConfig.BEARER_SECRET);
        int sources = (jwks.isEmpty() ? 0 : 1) + (pem.isEmpty() ? 0 : 1) + (secret == null ? 0 : 1);
        if (sources != 1) {
            throw new ConfigException(KrestConfig.AUTHENTICATION_METHOD, "BEARER", "needs exactly one of "
                    + KrestConfig.BEARER_JWKS_ENDPOINT_URL + ", " + KrestConfig.BEARER_PUBLIC_KEY_LOCATION + " and "
                    + KrestConfig.BEARER_SECRET);
        }
        JWKSource<SecurityContext> keys;
        Set<JWSAlgorithm> algorithms = new HashSet<>();
        if (!jwks.isEmpty()) {
            long ttl = config.getLong(KrestConfig.BEARER_JWKS_REFRESH_MS);
            try {
                keys = JWKSourceBuilder.<SecurityContext>create(URI.create(jwks).toURL())
                        .cache(ttl, JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
                        .retrying(true)
                        .build();
            } catch (MalformedURLException | IllegalArgumentException e) {
                throw new ConfigException(KrestConfig.BEARER_JWKS_ENDPOINT_URL, jwks, "not a URL");
            }
            algorithms.addAll(JWSAlgorithm.Family.RSA);
            algorithms.addAll(JWSAlgorithm.Family.EC);
        } else if (!pem.isEmpty()) {
            PublicKey key = readPublicKey(pem);
            if (key instanceof RSAPublicKey rsa) {
                keys = new ImmutableJWKSet<>(new JWKSet(new RSAKey.Builder(rsa).build()));
                algorithms.addAll(JWSAlgorithm.Family.RSA);
            } else {
                keys = new ImmutableJWKSet<>(new JWKSet(new ECKey.Builder(
                        com.nimbusds.jose.jwk.Curve.forECParameterSpec(((ECPublicKey) key).getParams()),
                        (ECPublicKey) key).build()));
                algorithms.addAll(JWSAlgorithm.Family.EC);
            }
        } else {
            byte[] bytes = secret.value().getBytes(StandardCharsets.UTF_8);
            if (bytes.length < 32) {
                throw new ConfigException(KrestConfig.BEARER_SECRET, "[hidden]", "must be at least 32 bytes");
            }
            keys = new ImmutableJWKSet<>(new JWKSet(new OctetSequenceKey.Builder(
                    new SecretKeySpec(bytes, "HmacSHA256")).build()));
            algorithms.addAll(JWSAlgorithm.Family.HMAC_SHA);
        }
        String issuer = config.getString(KrestConfig.BEARER_EXPECTED_ISSUER).strip();
        return new BearerAuthenticator(keys, algorithms, Optional.of(issuer).filter(s -> !s.isEmpty()),
                config.getList(KrestConfig.BEARER_EXPECTED_AUDIENCE),
                config.getInt(KrestConfig.BEARER_CLOCK_SKEW_SECONDS),
                config.getString(KrestConfig.BEARER_SUB_CLAIM_NAME));
    }

    private static PublicKey readPublicKey(String location) {
        try {
            String text = Files.readString(Path.of(location), StandardCharsets.US_ASCII);
            int begin = text.indexOf("-----BEGIN PUBLIC KEY-----");
            int end = text.indexOf("-----END PUBLIC KEY-----");
            if (begin < 0 || end < begin) {
                throw new ConfigException(KrestConfig.BEARER_PUBLIC_KEY_LOCATION, location,
                        "expected a PEM -----BEGIN PUBLIC KEY----- block");
            }
            byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 26, end));
            X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
            for (String algorithm : List.of("RSA", "EC")) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePublic(spec);
                } catch (java.security.GeneralSecurityException tryNext) {
                    // not this algorithm
                }
            }
            throw new ConfigException(KrestConfig.BEARER_PUBLIC_KEY_LOCATION, location, "not an RSA or EC key");
        } catch (IOException e) {
            throw new ConfigException(KrestConfig.BEARER_PUBLIC_KEY_LOCATION, location, "cannot read: "
                    + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(KrestConfig.BEARER_PUBLIC_KEY_LOCATION, location, "malformed PEM");
        }
    }

    @Override
    public String scheme() {
        return "Bearer";
    }

    @Override
    public Caller authenticate(String credentials) throws AuthenticationException {
        String token = credentials.strip();
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (KeySourceException e) {
            throw new AuthenticationException("The token's signing keys cannot be fetched.");
        } catch (ParseException e) {
            throw new AuthenticationException("The token is not a JWT.");
        } catch (BadJOSEException e) {
            // Nimbus's messages name the failed check (expired, audience, signature...), never the token
            throw new AuthenticationException("Invalid token: " + e.getMessage());
        } catch (JOSEException | RuntimeException e) {
            throw new AuthenticationException("Invalid token.");
        }
        Object principal = claims.getClaim(principalClaim);
        if (!(principal instanceof String name) || name.isEmpty()) {
            throw new AuthenticationException("Invalid token: the claim " + principalClaim + " is not a string.");
        }
        return new Caller(name, new Caller.Credential.BearerToken(token));
    }

    @Override
    public String challenge(String realm, Optional<AuthenticationException> failure) {
        String challenge = "Bearer realm=\"" + BasicAuthenticator.quoted(realm) + "\"";
        return failure.map(f -> challenge + ", error=\"invalid_token\", error_description=\""
                + BasicAuthenticator.quoted(f.getMessage()) + "\"").orElse(challenge);
    }
}
