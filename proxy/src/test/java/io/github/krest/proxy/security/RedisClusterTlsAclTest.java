package io.github.krest.proxy.security;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.state.StateStores;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestCertificates;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import io.github.krest.state.ConsumerStateStore;
import io.github.krest.state.StateStoreException;
import io.github.krest.state.redis.RedisClusterProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code redis.cluster=true} over {@code rediss://} with {@code redis.ssl.truststore.*} and a Redis ACL user, against
 * a real three-master Redis Cluster whose nodes speak TLS to clients and to each other and have the default user
 * off: from one seed the client learns every master's TLS endpoint and logs in to each, two krest replicas serve
 * consumer instances on every master, and a cluster krest cannot trust or log in to fails without showing the
 * password.
 */
class RedisClusterTlsAclTest {
    private static final String V2 = "application/vnd.kafka.v2+json";
    private static final String PASSWORD = "krest-cluster-pw";
    private static TestCertificates certs;
    private static RedisClusterProcess redis;

    @BeforeAll
    static void startRedis() {
        certs = TestCertificates.create();
        Path keyAndChain = certs.pem(certs.issue("redis", "CN=localhost,O=krest", true), "redis");
        redis = RedisClusterProcess.startSecured(3, 0,
                new RedisClusterProcess.Security(keyAndChain, certs.caPem(), "krest", PASSWORD));
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    private static Map<String, String> store(String url, boolean trust) {
        Map<String, String> props = new HashMap<>();
        props.put(KrestConfig.CONSUMER_STATE_STORE, "redis");
        props.put(KrestConfig.REDIS_URL, url);
        props.put(KrestConfig.REDIS_CLUSTER, "true");
        if (trust) {
            props.put(KrestConfig.REDIS_SSL_TRUSTSTORE_LOCATION, certs.caPem().toString());
            props.put(KrestConfig.REDIS_SSL_TRUSTSTORE_TYPE, "PEM");
        }
        return props;
    }

    @Test
    void replicasServeInstancesOnEveryMasterOverTls() throws Exception {
        // one group on each master (krest's keys carry the hash tag {group})
        Map<Integer, String> groups = new LinkedHashMap<>();
        for (int i = 0; groups.size() < redis.masters(); i++) {
            groups.putIfAbsent(redis.initialMasterOf("{tls-group-" + i + "}"), "tls-group-" + i);
        }
        String topic = TestKafka.createTopic("tls-cluster-topic", 1);
        String oneSeed = redis.tlsUrl().split(",", -1)[0];
        try (TestKrest a = TestKrest.start(store(redis.tlsUrl(), true));
             TestKrest b = TestKrest.start(store(oneSeed, true));
             ConsumerStateStore store = StateStores.create(new KrestConfig(store(oneSeed, true)))) {
            assertEquals(200, b.http().get("/observe/health/ready").status(), "the cluster answers over TLS");
            for (Map.Entry<Integer, String> entry : groups.entrySet()) {
                String group = entry.getValue();
                KrestHttp.Response created = a.http().post("/consumers/" + group, V2,
                        "{\"name\":\"c\",\"format\":\"binary\"}");
                assertEquals(200, created.status(), created.body());
                String path = "/consumers/" + group + "/instances/c";
                KrestHttp.Response subscribed = b.http().post(path + "/subscription", V2,
                        "{\"topics\":[\"" + topic + "\"]}");
                assertEquals(204, subscribed.status(), group + ": the other replica finds the instance: "
                        + subscribed.body());
                KrestHttp.Response subscription = a.http().get(path + "/subscription");
                assertEquals(200, subscription.status(), subscription.body());
                assertEquals(topic, subscription.json().get("topics").get(0).asText());
                assertTrue(store.instance(group, "c", System.currentTimeMillis()).isPresent(), group);
                try (Jedis master = redis.admin(entry.getKey())) {
                    assertFalse(master.keys("*{" + group + "}*").isEmpty(),
                            group + ": its keys are on master " + entry.getKey());
                }
                assertEquals(204, b.http().send(HttpRequest.newBuilder(URI.create(b.http().base() + path)).DELETE())
                        .status());
                assertFalse(store.instance(group, "c", System.currentTimeMillis()).isPresent(), group);
            }
        }
    }

    @Test
    void untrustedClusterOrWrongPasswordFailsWithoutShowingThePassword() {
        String wrongPassword = redis.tlsUrl().replace(":" + PASSWORD + "@", ":not-the-pw-123@");
        for (Map<String, String> props : List.of(store(wrongPassword, true), store(redis.tlsUrl(), false))) {
            try (ConsumerStateStore store = StateStores.create(new KrestConfig(props))) {
                StateStoreException e = assertThrows(StateStoreException.class, store::ping, props.toString());
                String text = RedisTlsAclTest.messages(e);
                assertFalse(text.contains("not-the-pw-123") || text.contains(PASSWORD), text);
            }
        }
    }
}
