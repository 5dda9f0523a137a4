package io.github.krest.proxy.testing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * One real single-node KRaft cluster whose client listener is {@code SASL_PLAINTEXT} with PLAIN, SCRAM-SHA-256 and
 * SCRAM-SHA-512, and whose authorizer is Kafka's {@code StandardAuthorizer} (no ACL: denied). Started on first use
 * and stopped when the JVM exits, like {@link TestKafka}.
 *
 * <p>Users: {@value #ADMIN} (super user, krest's service principal), {@value #ALICE} and {@value #BOB}. PLAIN users
 * are the listener's JAAS {@code user_<name>="<password>"} options; SCRAM users are created through
 * {@code Admin.alterUserScramCredentials} with other passwords ({@link #scramPassword}), so a test can tell the
 * mechanisms apart. ACLs, created through {@code Admin}: alice reads and writes topic {@value #TOPIC_A} and reads
 * groups prefixed {@code alice-}; bob reads and writes topic {@value #TOPIC_B} and reads groups prefixed
 * {@code bob-}; {@value #CAROL} may only describe topic {@value #TOPIC_A} (so her produce requests pass krest's
 * checks and Kafka refuses each record). The controller listener stays PLAINTEXT and only the broker itself uses it, as
 * {@code User:ANONYMOUS}, which is therefore a super user too.
 *
 * <p>OAUTHBEARER: the broker validates tokens with Kafka's {@code OAuthBearerValidatorCallbackHandler} against a
 * JWKS served by a JDK {@code HttpServer} on loopback; {@link #token} signs tokens with its key (principal: the
 * {@code sub} claim).
 */
public final class SecuredKafka {
    public static final String ADMIN = "admin";
    public static final String ALICE = "alice";
    public static final String BOB = "bob";
    public static final String CAROL = "carol";
    public static final String TOPIC_A = "a";
    public static final String TOPIC_B = "b";
    private static final Map<String, String> PLAIN_PASSWORDS = Map.of(ADMIN, "admin-secret", ALICE, "alice-plain",
            BOB, "bob-plain", CAROL, "carol-plain");
    private static final Map<String, String> SCRAM_PASSWORDS = Map.of(ALICE, "alice-scram", BOB, "bob-scram",
            CAROL, "carol-scram");

    /** The issuer and audience the broker expects in OAUTHBEARER tokens. */
    public static final String ISSUER = "krest-test-issuer";
    public static final String AUDIENCE = "kafka";
    private static String jwksUrl;

    private static KafkaClusterTestKit cluster;
    private static RsaJsonWebKey signingKey;

    private SecuredKafka() {
    }

    /** @return the user's PLAIN password */
    public static String plainPassword(String user) {
        return PLAIN_PASSWORDS.get(user);
    }

    /** @return the user's SCRAM password (the same for SHA-256 and SHA-512) */
    public static String scramPassword(String user) {
        return SCRAM_PASSWORDS.get(user);
    }

    /** @return the {@code sasl.jaas.config} of the admin (service principal), SASL PLAIN */
    public static String adminJaasConfig() {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN
                + "\" password=\"" + plainPassword(ADMIN) + "\";";
    }

    /** @return the URL of the JWKS that signs {@link #token} tokens (the broker's and krest's BEARER key source) */
    public static synchronized String jwksUrl() {
        bootstrapServers();
        return jwksUrl;
    }

    /** @return the bootstrap servers of the secured cluster, starting and populating it if needed */
    public static synchronized String bootstrapServers() {
        if (cluster == null) {
            try {
                StringBuilder jaas = new StringBuilder(adminJaasConfig().replace(";", ""));
                PLAIN_PASSWORDS.forEach((user, pw) -> jaas.append(" user_").append(user).append("=\"").append(pw)
                        .append('"'));
                jaas.append(';');
                String scramServer = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
                String jwks = startJwksServer();
                jwksUrl = jwks;
                // Kafka 4 only fetches JWKS from allowed URLs (a JVM-wide setting)
                System.setProperty("org.apache.kafka.sasl.oauthbearer.allowed.urls", jwks);
                KafkaExitTrap.install();
                KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(TestKafka.singleNode()
                        .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT).build())
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("offsets.topic.num.partitions", "3")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .setConfigProp("auto.create.topics.enable", "false")
                        .setConfigProp("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER")
                        .setConfigProp("listener.name.external.oauthbearer.sasl.jaas.config",
                                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;")
                        .setConfigProp("listener.name.external.oauthbearer.sasl.server.callback.handler.class",
                                "org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler")
                        .setConfigProp("sasl.oauthbearer.jwks.endpoint.url", jwks)
                        .setConfigProp("sasl.oauthbearer.expected.issuer", ISSUER)
                        .setConfigProp("sasl.oauthbearer.expected.audience", AUDIENCE)
                        .setConfigProp("sasl.mechanism.inter.broker.protocol", "PLAIN")
                        .setConfigProp("listener.name.external.plain.sasl.jaas.config", jaas.toString())
                        .setConfigProp("listener.name.external.scram-sha-256.sasl.jaas.config", scramServer)
                        .setConfigProp("listener.name.external.scram-sha-512.sasl.jaas.config", scramServer)
                        .setConfigProp("super.users", "User:" + ADMIN + ";User:ANONYMOUS")
                        .build();
                kit.format();
                kit.startup();
                kit.waitForReadyBrokers();
                cluster = kit;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        kit.close();
                    } catch (Exception ignored) {
                        // the JVM is exiting
                    }
                }));
                populate();
            } catch (Exception e) {
                throw new IllegalStateException("Cannot start the secured test Kafka cluster", e);
            }
        }
        return cluster.bootstrapServers();
    }

    /**
     * Admin client properties for a user.
     *
     * @param mechanism {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}
     * @param user user name
     * @param password password
     * @return client properties
     */
    public static Map<String, Object> clientProperties(String mechanism, String user, String password) {
        String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, mechanism,
                SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + user + "\" password=\"" + password
                        + "\";");
    }

    /**
     * A signed JWT for OAUTHBEARER.
     *
     * @param subject the principal ({@code sub})
     * @param audience {@code aud}
     * @param expiresInSeconds {@code exp} relative to now (negative: already expired)
     * @return the compact JWT, signed with the key the broker trusts
     */
    public static String token(String subject, String audience, long expiresInSeconds) {
        bootstrapServers();
        try {
            JwtClaims claims = new JwtClaims();
            claims.setSubject(subject);
            claims.setIssuer(ISSUER);
            claims.setAudience(audience);
            claims.setIssuedAt(NumericDate.fromMilliseconds(System.currentTimeMillis() - 60_000));
            claims.setExpirationTime(NumericDate.fromMilliseconds(System.currentTimeMillis()
                    + expiresInSeconds * 1000));
            claims.setClaim("scope", "kafka");
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(signingKey.getPrivateKey());
            jws.setKeyIdHeaderValue(signingKey.getKeyId());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Serves the public signing key as a JWKS on loopback; returns its URL. */
    private static String startJwksServer() throws Exception {
        signingKey = RsaJwkGenerator.generateJwk(2048);
        signingKey.setKeyId("krest-test");
        signingKey.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
        signingKey.setUse("sig");
        byte[] body = new JsonWebKeySet(signingKey).toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
    }

    private static void populate() throws Exception {
        try (Admin admin = Admin.create(clientProperties("PLAIN", ADMIN, plainPassword(ADMIN)))) {
            admin.createTopics(List.of(new NewTopic(TOPIC_A, 1, (short) 1), new NewTopic(TOPIC_B, 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
            admin.createAcls(List.of(
                    allow(ALICE, ResourceType.TOPIC, TOPIC_A, PatternType.LITERAL, AclOperation.READ),
                    allow(ALICE, ResourceType.TOPIC, TOPIC_A, PatternType.LITERAL, AclOperation.WRITE),
                    allow(ALICE, ResourceType.GROUP, "alice-", PatternType.PREFIXED, AclOperation.READ),
                    allow(BOB, ResourceType.TOPIC, TOPIC_B, PatternType.LITERAL, AclOperation.READ),
                    allow(BOB, ResourceType.TOPIC, TOPIC_B, PatternType.LITERAL, AclOperation.WRITE),
                    allow(BOB, ResourceType.GROUP, "bob-", PatternType.PREFIXED, AclOperation.READ),
                    allow(CAROL, ResourceType.TOPIC, TOPIC_A, PatternType.LITERAL, AclOperation.DESCRIBE)))
                    .all().get(30, TimeUnit.SECONDS);
            // one alteration per user and request (Kafka refuses two for the same user in one request)
            for (ScramMechanism mechanism : List.of(ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512)) {
                for (Map.Entry<String, String> user : SCRAM_PASSWORDS.entrySet()) {
                    admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user.getKey(),
                            new ScramCredentialInfo(mechanism, 4096), user.getValue())))
                            .all().get(30, TimeUnit.SECONDS);
                }
            }
        }
        // ACLs and SCRAM credentials reach the broker through the metadata log: wait until each user sees its topic
        waitUntilVisible("PLAIN", ALICE, plainPassword(ALICE), TOPIC_A);
        waitUntilVisible("PLAIN", BOB, plainPassword(BOB), TOPIC_B);
        for (String mechanism : List.of("SCRAM-SHA-256", "SCRAM-SHA-512")) {
            waitUntilVisible(mechanism, ALICE, scramPassword(ALICE), TOPIC_A);
            waitUntilVisible(mechanism, BOB, scramPassword(BOB), TOPIC_B);
            waitUntilVisible(mechanism, CAROL, scramPassword(CAROL), TOPIC_A);
        }
    }

    private static void waitUntilVisible(String mechanism, String user, String password, String topic)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        Exception last = null;
        while (System.currentTimeMillis() < deadline) {
            try (Admin admin = Admin.create(clientProperties(mechanism, user, password))) {
                if (admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(Duration.ofMillis(200));
        }
        throw new IllegalStateException(user + " (" + mechanism + ") never saw topic " + topic, last);
    }

    private static AclBinding allow(String user, ResourceType type, String name, PatternType patternType,
                                    AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, patternType),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }
}
