package io.github.krest.proxy.security;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.testing.AccessLogCapture;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKrest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** authentication.method=BEARER: JWTs signed by a test RSA key served from a local JWKS endpoint, PEM and HMAC. */
class BearerAuthenticationTest {
    private static final String ISSUER = "https://issuer.test";
    private static final String AUDIENCE = "krest";
    private static KeyPair keys;
    private static KeyPair otherKeys;
    private static HttpServer jwks;
    private static final AtomicInteger JWKS_FETCHES = new AtomicInteger();
    private static TestKrest krest;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
        otherKeys = generator.generateKeyPair();
        String body = new JWKSet(new RSAKey.Builder((RSAPublicKey) keys.getPublic()).keyID("k1").build())
                .toString();
        jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwks.createContext("/jwks.json", exchange -> {
            JWKS_FETCHES.incrementAndGet();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        jwks.start();
        krest = TestKrest.start(Map.of(
                KrestConfig.AUTHENTICATION_METHOD, "BEARER",
                KrestConfig.BEARER_JWKS_ENDPOINT_URL,
                "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json",
                KrestConfig.BEARER_EXPECTED_ISSUER, ISSUER,
                KrestConfig.BEARER_EXPECTED_AUDIENCE, AUDIENCE + ",other-audience",
                KrestConfig.BEARER_CLOCK_SKEW_SECONDS, "5"));
    }

    @AfterAll
    static void stop() {
        krest.close();
        jwks.stop(0);
    }

    /** Nimbus's claims take a {@link Date}. */
    private static Date date(long epochMs) {
        return Date.from(Instant.ofEpochMilli(epochMs));
    }

    private static JWTClaimsSet.Builder claims(String subject) {
        long now = System.currentTimeMillis();
        return new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience(AUDIENCE)
                .issueTime(date(now)).expirationTime(date(now + 300_000));
    }

    private static String rs256(JWTClaimsSet claims, KeyPair pair, String kid) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid)
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner((RSAPrivateKey) pair.getPrivate()));
        return jwt.serialize();
    }

    private static KrestHttp.Response get(TestKrest server, String token) {
        return server.http().get("/v3/clusters", "Authorization", "Bearer " + token);
    }

    private static void assertInvalid(KrestHttp.Response response, String reason) {
        assertEquals(401, response.status(), reason + ": " + response.body());
        assertEquals(40101, response.errorCode(), reason);
        String challenge = response.headers().firstValue("www-authenticate").orElse("");
        assertTrue(challenge.startsWith("Bearer realm=\"krest\", error=\"invalid_token\""), challenge);
    }

    @Test
    void validTokenIsServedAsItsSubject() throws Exception {
        try (AccessLogCapture log = new AccessLogCapture()) {
            KrestHttp.Response response = get(krest, rs256(claims("alice").build(), keys, "k1"));
            assertEquals(200, response.status(), response.body());
            assertTrue(log.await(l -> l.endsWith("principal=alice")), log.lines().toString());
        }
        // a second audience of the list is accepted too
        assertEquals(200, get(krest, rs256(claims("alice").audience(List.of("x", "other-audience")).build(), keys,
                "k1")).status());
    }

    @Test
    void expiredNotYetValidWrongAudienceOrIssuerAreRefused() throws Exception {
        long now = System.currentTimeMillis();
        assertInvalid(get(krest, rs256(claims("alice").expirationTime(date(now - 60_000)).build(), keys,
                "k1")), "expired");
        // within the clock skew of 5 s an expired token still passes
        assertEquals(200, get(krest, rs256(claims("alice").expirationTime(date(now - 1_000)).build(), keys,
                "k1")).status());
        assertInvalid(get(krest, rs256(claims("alice").notBeforeTime(date(now + 60_000)).build(), keys, "k1")),
                "not before");
        assertInvalid(get(krest, rs256(claims("alice").audience("someone-else").build(), keys, "k1")),
                "audience");
        assertInvalid(get(krest, rs256(claims("alice").issuer("https://evil.test").build(), keys, "k1")),
                "issuer");
        assertInvalid(get(krest, rs256(claims("alice").expirationTime(null).build(), keys, "k1")), "no exp");
        assertInvalid(get(krest, rs256(claims(null).build(), keys, "k1")), "no sub");
    }

    @Test
    void forgedTokensAreRefused() throws Exception {
        String good = rs256(claims("alice").build(), keys, "k1");
        String[] parts = good.split("\\.", -1);
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("alice", "admin");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertInvalid(get(krest, tampered), "tampered payload");
        assertInvalid(get(krest, new PlainJWT(claims("alice").build()).serialize()), "alg none");
        assertInvalid(get(krest, rs256(claims("alice").build(), otherKeys, "k1")), "other key, same kid");
        assertInvalid(get(krest, rs256(claims("alice").build(), otherKeys, "unknown-kid")), "unknown kid");
        SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims("alice").build());
        hmac.sign(new MACSigner(keys.getPublic().getEncoded()));
        assertInvalid(get(krest, hmac.serialize()), "HS256 with the public key as secret");
        KrestHttp.Response garbage = get(krest, "not.a.jwt");
        assertInvalid(garbage, "garbage");
        assertFalse(garbage.body().contains("not.a.jwt"));
        KrestHttp.Response none = krest.http().get("/v3/clusters");
        assertEquals(401, none.status());
        assertEquals("Bearer realm=\"krest\"", none.headers().firstValue("www-authenticate").orElse(""));
    }

    @Test
    void staticPemKeyAndSharedSecretWithAnotherPrincipalClaim() throws Exception {
        Path pem = Files.createTempFile("krest-jwt", ".pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                keys.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        try (TestKrest pemKrest = TestKrest.start(Map.of(KrestConfig.AUTHENTICATION_METHOD, "BEARER",
                KrestConfig.BEARER_PUBLIC_KEY_LOCATION, pem.toString(),
                KrestConfig.BEARER_SUB_CLAIM_NAME, "preferred_username"))) {
            assertEquals(200, get(pemKrest, rs256(claims("x").claim("preferred_username", "bob").build(), keys,
                    null)).status());
            assertInvalid(get(pemKrest, rs256(claims("x").build(), keys, null)), "no preferred_username");
            assertInvalid(get(pemKrest, rs256(claims("x").claim("preferred_username", "bob").build(), otherKeys,
                    null)), "other key");
        }
        String secret = "0123456789abcdef0123456789abcdef-secret";
        try (TestKrest hmacKrest = TestKrest.start(Map.of(KrestConfig.AUTHENTICATION_METHOD, "BEARER",
                KrestConfig.BEARER_SECRET, secret))) {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims("carol").build());
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            assertEquals(200, get(hmacKrest, jwt.serialize()).status());
            assertInvalid(get(hmacKrest, rs256(claims("carol").build(), keys, null)), "RS256 where HS is expected");
        }
    }

    @Test
    void exactlyOneKeySourceIsRequired() {
        org.apache.kafka.common.config.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.apache.kafka.common.config.ConfigException.class, () -> BearerAuthenticator.of(new KrestConfig(
                        Map.of(KrestConfig.AUTHENTICATION_METHOD, "BEARER"))));
        assertTrue(e.getMessage().contains(KrestConfig.BEARER_JWKS_ENDPOINT_URL), e.getMessage());
    }

}
