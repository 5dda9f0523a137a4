package io.github.krest.proxy.security;

import java.io.IOException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.testing.AccessLogCapture;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import io.github.krest.proxy.testing.V2ConsumerClient;
import io.github.krest.proxy.testing.V2ConsumerClient.Instance;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** authentication.method=BASIC with a password file, on every listener and route; the pass-through mode. */
class BasicAuthenticationTest {
    private static final String V2 = "application/vnd.kafka.v2+json";
    private static Path passwords;
    private static TestKrest krest;
    private static KrestHttp http;
    private static KrestHttp second;

    @BeforeAll
    static void start() throws IOException {
        TestKafka.createTopic("basic-auth", 1);
        passwords = Files.createTempFile("krest-passwords", ".txt");
        Files.writeString(passwords, "# krest users\n" + PasswordFile.line("alice", "alice-pw".toCharArray(), 4)
                + "\n" + PasswordFile.line("bob", "bob-pw:with:colons".toCharArray(), 4) + "\n");
        krest = TestKrest.start(Map.of(
                KrestConfig.LISTENERS, "http://127.0.0.1:0,http://127.0.0.1:0",
                KrestConfig.AUTHENTICATION_METHOD, "BASIC",
                KrestConfig.AUTHENTICATION_REALM, "kafka-rest",
                KrestConfig.AUTHENTICATION_BASIC_PASSWORD_FILE, passwords.toString()));
        http = krest.http();
        second = new KrestHttp("http://127.0.0.1:" + krest.port(1));
    }

    @AfterAll
    static void stop() {
        krest.close();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static void assertUnauthorized(KrestHttp.Response response) {
        assertEquals(401, response.status(), response.body());
        assertEquals(40101, response.errorCode());
        assertEquals("Basic realm=\"kafka-rest\", charset=\"UTF-8\"",
                response.headers().firstValue("www-authenticate").orElse(""));
    }

    @Test
    void goodPasswordIsServedAndLogged() {
        try (AccessLogCapture log = new AccessLogCapture()) {
            KrestHttp.Response response = http.get("/v3/clusters", "Authorization", basic("alice", "alice-pw"));
            assertEquals(200, response.status(), response.body());
            assertEquals(200, http.get("/topics", "Authorization", basic("bob", "bob-pw:with:colons")).status());
            assertTrue(log.await(l -> l.contains("resource=api.v3.clusters.list")
                    && l.contains("status=200") && l.endsWith("principal=alice")), log.lines().toString());
        }
    }

    @Test
    void wrongPasswordUnknownUserMissingOrOtherSchemeAnswer401() {
        try (AccessLogCapture log = new AccessLogCapture()) {
            KrestHttp.Response wrong = http.get("/v3/clusters", "Authorization", basic("alice", "nope-secret"));
            assertUnauthorized(wrong);
            assertFalse(wrong.body().contains("nope-secret"));
            assertUnauthorized(http.get("/v3/clusters", "Authorization", basic("mallory", "alice-pw")));
            assertUnauthorized(http.get("/v3/clusters"));
            assertUnauthorized(http.get("/v3/clusters", "Authorization", "Bearer abc"));
            assertUnauthorized(http.get("/v3/clusters", "Authorization", "Basic !!!not-base64"));
            assertUnauthorized(http.get("/v3/clusters", "Authorization", "Basic"));
            assertTrue(log.await(l -> l.contains("status=401") && l.contains("error_code=40101")
                    && l.endsWith("principal=-")), log.lines().toString());
        }
    }

    @Test
    void everyListenerAndRouteIsCovered() {
        assertUnauthorized(second.get("/v3/clusters"));
        assertEquals(200, second.get("/v3/clusters", "Authorization", basic("alice", "alice-pw")).status());
        String cluster = http.get("/v3/clusters", "Authorization", basic("alice", "alice-pw"))
                .json().get("data").get(0).get("cluster_id").asText();
        // the v3 streaming produce route, the v2 produce, unknown paths and the OpenAPI document
        assertUnauthorized(http.post("/v3/clusters/" + cluster + "/topics/basic-auth/records", "application/json",
                "{\"value\":{\"type\":\"JSON\",\"data\":1}}"));
        assertUnauthorized(http.post("/topics/basic-auth", V2 .replace("v2", "json.v2"),
                "{\"records\":[{\"value\":1}]}"));
        assertUnauthorized(http.get("/no/such/path"));
        assertUnauthorized(http.get("/openapi"));
        assertUnauthorized(http.get("/observe/metrics"));
        KrestHttp.Response produced = http.post("/v3/clusters/" + cluster + "/topics/basic-auth/records",
                "application/json", "{\"value\":{\"type\":\"JSON\",\"data\":1}}",
                "Authorization", basic("alice", "alice-pw"));
        assertEquals(200, produced.status(), produced.body());
        assertEquals(200, produced.json().get("error_code").asInt(), produced.body());
    }

    @Test
    void healthIsASkipPathByDefault() {
        assertEquals(200, http.get("/observe/health").status());
        assertEquals(200, http.get("/observe/health/live").status());
        assertUnauthorized(http.get("/observe/health/../metrics"));
    }

    @Test
    void consumerInstancesBelongToTheirCreator() {
        String alice = basic("alice", "alice-pw");
        String bob = basic("bob", "bob-pw:with:colons");
        V2ConsumerClient alices = new V2ConsumerClient(http, "Authorization", alice);
        Instance instance = alices.created("basic-group", "{\"name\":\"alices\",\"format\":\"binary\"}");
        assertEquals(204, alices.subscribe(instance, "basic-auth").status());
        assertEquals(200, alices.subscription(instance).status());
        // on the other listener too: bob cannot see, poll or delete alice's instance
        for (KrestHttp client : List.of(http, second)) {
            V2ConsumerClient bobs = new V2ConsumerClient(client, "Authorization", bob);
            KrestHttp.Response seen = bobs.subscription(instance);
            assertEquals(404, seen.status(), seen.body());
            assertEquals(40403, seen.errorCode());
            assertEquals(40403, bobs.poll(instance, V2ConsumerClient.BINARY, "").errorCode());
        }
        assertEquals(204, alices.delete(instance).status());
    }

    @Test
    void passwordFileIsReReadWhenItChanges() throws Exception {
        String carol = basic("carol", "carol-pw");
        assertUnauthorized(http.get("/v3/clusters", "Authorization", carol));
        Files.writeString(passwords, PasswordFile.line("carol", "carol-pw".toCharArray(), 4) + "\n",
                StandardOpenOption.APPEND);
        Files.setLastModifiedTime(passwords, java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() + 1000));
        long deadline = System.currentTimeMillis() + 10_000;
        int status = 401;
        while (status != 200 && System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
            status = http.get("/v3/clusters", "Authorization", carol).status();
        }
        assertEquals(200, status);
    }

    @Test
    void withoutAPasswordFileOnlyPropagationMayPassCredentialsOn() {
        assertEquals(BasicAuthenticator.Verification.DELEGATED_TO_KAFKA, BasicAuthenticator.Verification.of(
                new KrestConfig(Map.of(KrestConfig.AUTHENTICATION_METHOD, "BASIC",
                        KrestConfig.KAFKA_PRINCIPAL_PROPAGATION, "SASL_PLAIN"))));
        // without propagation nobody would check the credentials: start-up refuses
        ConfigException refused = assertThrows(ConfigException.class,
                () -> new KrestConfig(Map.of(KrestConfig.AUTHENTICATION_METHOD, "BASIC")));
        assertTrue(refused.getMessage().contains(KrestConfig.AUTHENTICATION_BASIC_PASSWORD_FILE), refused.getMessage());
        ConfigException noBasic = assertThrows(ConfigException.class,
                () -> new KrestConfig(Map.of(KrestConfig.KAFKA_PRINCIPAL_PROPAGATION, "SASL_SCRAM_SHA_256")));
        assertTrue(noBasic.getMessage().contains(KrestConfig.AUTHENTICATION_METHOD), noBasic.getMessage());
        ConfigException noBearer = assertThrows(ConfigException.class,
                () -> new KrestConfig(Map.of(KrestConfig.KAFKA_PRINCIPAL_PROPAGATION, "OAUTHBEARER",
                        KrestConfig.AUTHENTICATION_METHOD, "BASIC")));
        assertTrue(noBearer.getMessage().contains("BEARER"), noBearer.getMessage());
    }

    @Test
    void krestPasswdPrintsAVerifiableLine() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PasswordTool.class.getName(), "erin", "4")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        process.getOutputStream().write("erin's secret\n".getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String line = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue());
        assertTrue(line.startsWith("erin:$2a$04$"), line);
        Path file = Files.createTempFile("krest-passwd", ".txt");
        Files.writeString(file, line + "\n");
        PasswordFile parsed = new PasswordFile(file, Duration.ofMinutes(1));
        assertTrue(parsed.verify("erin", "erin's secret"));
        assertFalse(parsed.verify("erin", "erin's secreT"));
        assertFalse(parsed.verify("nobody", "erin's secret"));
    }

    @Test
    void malformedPasswordFileLinesAreNamedByNumberOnly() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PasswordFile.parse(List.of("alice:plaintext-secret")));
        assertEquals("line 1 is not user:bcrypt-hash", e.getMessage());
    }

}
