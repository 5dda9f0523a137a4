package io.github.krest.proxy.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.security.auth.login.AppConfigurationEntry;

import io.github.krest.proxy.error.RestException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerTokenCallback;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a caller's credential becomes SASL client settings, parsed back with Kafka's own JAAS parser. */
class PrincipalPropagationTest {
    private static final KafkaIdentity ALICE = new KafkaIdentity("alice",
            new KafkaIdentity.Credential.Password("alice", "p\"w\\d;x"));

    private static Map<String, ?> options(Map<String, Object> props) {
        AppConfigurationEntry entry = JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG,
                new Password((String) props.get(SaslConfigs.SASL_JAAS_CONFIG)))).configurationEntries().getFirst();
        return entry.getOptions();
    }

    @Test
    void passwordsBecomePlainAndScramCredentialsEvenWithQuotesAndBackslashes() {
        Map<String, Object> plain = PrincipalPropagation.SASL_PLAIN.saslProperties(ALICE).orElseThrow();
        assertEquals("PLAIN", plain.get(SaslConfigs.SASL_MECHANISM));
        assertTrue(((String) plain.get(SaslConfigs.SASL_JAAS_CONFIG))
                .startsWith("org.apache.kafka.common.security.plain.PlainLoginModule required"));
        assertEquals(Map.of("username", "alice", "password", "p\"w\\d;x"), options(plain));

        Map<String, Object> scram = PrincipalPropagation.SASL_SCRAM_SHA_512.saslProperties(ALICE).orElseThrow();
        assertEquals("SCRAM-SHA-512", scram.get(SaslConfigs.SASL_MECHANISM));
        assertTrue(((String) scram.get(SaslConfigs.SASL_JAAS_CONFIG))
                .startsWith("org.apache.kafka.common.security.scram.ScramLoginModule required"));
        assertEquals("p\"w\\d;x", options(scram).get("password"));
        assertEquals("SCRAM-SHA-256", PrincipalPropagation.of("sasl_scram_sha_256").mechanism());
    }

    @Test
    void aCredentialTheModeCannotUseIsA401() {
        KafkaIdentity token = new KafkaIdentity("alice", new KafkaIdentity.Credential.BearerToken("a.b.c"));
        assertTrue(PrincipalPropagation.SASL_PLAIN.saslProperties(token).isEmpty());
        assertTrue(PrincipalPropagation.OAUTHBEARER.saslProperties(ALICE).isEmpty());
        assertTrue(PrincipalPropagation.SASL_PLAIN.saslProperties(KafkaIdentity.ANONYMOUS).isEmpty());
        assertTrue(PrincipalPropagation.NONE.saslProperties(ALICE).isEmpty());
        RestException e = assertThrows(RestException.class,
                () -> KafkaClients.saslProperties(PrincipalPropagation.SASL_SCRAM_SHA_256, KafkaIdentity.ANONYMOUS));
        assertEquals(40101, e.errorCode().code());
        assertEquals(401, e.errorCode().httpStatus());
    }

    @Test
    void theServicePrincipalsLoginHandlersAreNotInherited() {
        Map<String, Object> props = new java.util.HashMap<>(Map.of(
                SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS, "com.example.ServiceLogin",
                SaslConfigs.SASL_CLIENT_CALLBACK_HANDLER_CLASS, "com.example.ServiceClient",
                SaslConfigs.SASL_LOGIN_CLASS, "com.example.Login",
                SaslConfigs.SASL_MECHANISM, "OAUTHBEARER",
                "security.protocol", "SASL_SSL"));
        KafkaClients.asCaller(props, PrincipalPropagation.SASL_SCRAM_SHA_256.saslProperties(ALICE).orElseThrow());
        assertEquals("SCRAM-SHA-256", props.get(SaslConfigs.SASL_MECHANISM));
        assertEquals("SASL_SSL", props.get("security.protocol"));
        assertFalse(props.containsKey(SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS));
        assertFalse(props.containsKey(SaslConfigs.SASL_CLIENT_CALLBACK_HANDLER_CLASS));
        assertFalse(props.containsKey(SaslConfigs.SASL_LOGIN_CLASS));
    }

    @Test
    void theCacheKeyChangesWithTheCredentialAndHidesIt() {
        String key = ALICE.cacheKey();
        assertTrue(key.startsWith("alice#"));
        assertFalse(key.contains("p\"w"));
        assertEquals(key, new KafkaIdentity("alice", new KafkaIdentity.Credential.Password("alice", "p\"w\\d;x"))
                .cacheKey());
        assertNotEquals(key, new KafkaIdentity("alice", new KafkaIdentity.Credential.Password("alice", "other"))
                .cacheKey());
        assertFalse(ALICE.toString().contains("p\"w"), ALICE.toString());
    }

    @Test
    void theLoginCallbackHandlerHandsKafkaTheCallersToken() throws Exception {
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"sub\":\"alice\",\"exp\":4102444800,\"iat\":1700000000,\"scope\":\"kafka read\"}"
                        .getBytes(StandardCharsets.UTF_8));
        String jwt = "eyJhbGciOiJSUzI1NiJ9." + payload + ".c2ln";
        Map<String, Object> props = PrincipalPropagation.OAUTHBEARER.saslProperties(
                new KafkaIdentity("alice", new KafkaIdentity.Credential.BearerToken(jwt))).orElseThrow();
        assertEquals("OAUTHBEARER", props.get(SaslConfigs.SASL_MECHANISM));
        assertEquals(CallerTokenLoginCallbackHandler.class.getName(),
                props.get(SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS));
        AppConfigurationEntry entry = JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG,
                new Password((String) props.get(SaslConfigs.SASL_JAAS_CONFIG)))).configurationEntries().getFirst();

        CallerTokenLoginCallbackHandler handler = new CallerTokenLoginCallbackHandler();
        handler.configure(Map.of(), "OAUTHBEARER", List.of(entry));
        OAuthBearerTokenCallback callback = new OAuthBearerTokenCallback();
        handler.handle(new javax.security.auth.callback.Callback[] {callback});
        assertEquals(jwt, callback.token().value());
        assertEquals("alice", callback.token().principalName());
        assertEquals(4102444800_000L, callback.token().lifetimeMs());
        assertEquals(1700000000_000L, callback.token().startTimeMs());
        assertEquals(java.util.Set.of("kafka", "read"), callback.token().scope());
        assertFalse(callback.token().toString().contains(jwt));
    }
}
