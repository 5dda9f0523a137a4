package io.github.krest.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/**
 * {@link KrestConfig} as an operator sees it: Confluent-compatible defaults, invalid values rejected with the key
 * named, only {@code http://} listeners, unknown keys reported (client pass-through prefixes excluded) and client
 * properties built from {@code client.*} overlaid by the kind's own prefix.
 */
class KrestConfigTest {

    @Test
    void defaults() {
        KrestConfig config = new KrestConfig(Map.of());
        assertEquals(List.of(new KrestConfig.Listener("http", "0.0.0.0", 8082)), config.listeners());
        assertEquals(Optional.empty(), config.advertisedListener());
        assertEquals("", config.bootstrapServers());
        assertTrue(config.getBoolean(KrestConfig.API_V2_ENABLE));
        assertTrue(config.getBoolean(KrestConfig.API_V3_ENABLE));
        assertEquals("", config.getString(KrestConfig.RESOURCE_NAME_AUTHORITY));
        assertEquals(10, config.getInt(KrestConfig.PRODUCE_BATCH_MAX_ENTRIES));
        assertEquals(86_400_000L, config.getLong(KrestConfig.STREAMING_MAX_DURATION_MS));
        assertEquals(500L, config.getLong(KrestConfig.STREAMING_GRACE_MS));
        assertEquals(16L * 1024 * 1024, config.getLong(KrestConfig.REQUEST_BODY_MAX_BYTES));
        assertEquals(List.of(), config.unknownKeys());
    }

    @Test
    void listenersAndAdvertisedListenersAreParsed() {
        KrestConfig config = new KrestConfig(Map.of(
                KrestConfig.LISTENERS, "http://127.0.0.1:9082, http://localhost",
                KrestConfig.ADVERTISED_LISTENERS, "http://lb.example.com:8082/",
                KrestConfig.BOOTSTRAP_SERVERS, " broker:9092 "));
        assertEquals(List.of(new KrestConfig.Listener("http", "127.0.0.1", 9082),
                new KrestConfig.Listener("http", "localhost", 80)), config.listeners());
        assertEquals(Optional.of(URI.create("http://lb.example.com:8082/")), config.advertisedListener());
        assertEquals("broker:9092", config.bootstrapServers());
    }

    @Test
    void invalidValueNamesTheKey() {
        ConfigException notANumber = assertThrows(ConfigException.class,
                () -> new KrestConfig(Map.of(KrestConfig.REQUEST_BODY_MAX_BYTES, "lots")));
        assertTrue(notANumber.getMessage().contains(KrestConfig.REQUEST_BODY_MAX_BYTES), notANumber.getMessage());

        ConfigException outOfRange = assertThrows(ConfigException.class,
                () -> new KrestConfig(Map.of(KrestConfig.PRODUCE_BATCH_MAX_ENTRIES, "0")));
        assertTrue(outOfRange.getMessage().contains(KrestConfig.PRODUCE_BATCH_MAX_ENTRIES), outOfRange.getMessage());

        ConfigException notABoolean = assertThrows(ConfigException.class,
                () -> new KrestConfig(Map.of(KrestConfig.API_V3_ENABLE, "maybe")));
        assertTrue(notABoolean.getMessage().contains(KrestConfig.API_V3_ENABLE), notABoolean.getMessage());

        ConfigException badUrl = assertThrows(ConfigException.class,
                () -> new KrestConfig(Map.of(KrestConfig.ADVERTISED_LISTENERS, "lb.example.com")));
        assertTrue(badUrl.getMessage().contains(KrestConfig.ADVERTISED_LISTENERS), badUrl.getMessage());
    }

    @Test
    void httpsListenerNeedsAKeyStore() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new KrestConfig(Map.of(KrestConfig.LISTENERS, "https://0.0.0.0:8443")));
        assertTrue(e.getMessage().contains(KrestConfig.SSL_KEYSTORE_LOCATION), e.getMessage());
        KrestConfig config = new KrestConfig(Map.of(KrestConfig.LISTENERS, "https://0.0.0.0:8443,http://h:1",
                KrestConfig.SSL_KEYSTORE_LOCATION, "/etc/krest/krest.p12"));
        assertEquals(new KrestConfig.Listener("https", "0.0.0.0", 8443), config.listeners().getFirst());
        assertTrue(config.listeners().getFirst().tls());
        ConfigException ftp = assertThrows(ConfigException.class,
                () -> new KrestConfig(Map.of(KrestConfig.LISTENERS, "ftp://0.0.0.0:21")));
        assertTrue(ftp.getMessage().contains(KrestConfig.LISTENERS), ftp.getMessage());
    }

    @Test
    void redisUrlIsCheckedAtStartWithoutShowingIt() {
        ConfigException malformed = assertThrows(ConfigException.class, () -> new KrestConfig(Map.of(
                KrestConfig.CONSUMER_STATE_STORE, "redis", KrestConfig.REDIS_URL, "http://u:s3cret@cache:6379")));
        assertTrue(malformed.getMessage().contains(KrestConfig.REDIS_URL), malformed.getMessage());
        assertFalse(malformed.getMessage().contains("s3cret"), malformed.getMessage());

        String nodes = "redis://:s3cret@10.0.0.1:7000,redis://:s3cret@10.0.0.2:7000";
        ConfigException withoutCluster = assertThrows(ConfigException.class, () -> new KrestConfig(Map.of(
                KrestConfig.CONSUMER_STATE_STORE, "redis", KrestConfig.REDIS_URL, nodes)));
        assertTrue(withoutCluster.getMessage().contains("cluster"), withoutCluster.getMessage());
        assertFalse(withoutCluster.getMessage().contains("s3cret"), withoutCluster.getMessage());
        KrestConfig cluster = new KrestConfig(Map.of(KrestConfig.CONSUMER_STATE_STORE, "redis",
                KrestConfig.REDIS_URL, nodes, KrestConfig.REDIS_CLUSTER, "true"));
        assertTrue(cluster.getBoolean(KrestConfig.REDIS_CLUSTER));
        assertFalse(new KrestConfig(Map.of()).getBoolean(KrestConfig.REDIS_CLUSTER));

        KrestConfig sentinels = new KrestConfig(Map.of(KrestConfig.CONSUMER_STATE_STORE, "redis",
                KrestConfig.REDIS_URL, nodes, KrestConfig.REDIS_SENTINEL_MASTER, "mymaster",
                KrestConfig.REDIS_SENTINEL_PASSWORD, "sentinel-secret"));
        assertEquals(new io.github.krest.state.redis.RedisStateStoreConfig.Topology.Sentinel("mymaster",
                java.util.Optional.of("sentinel-secret")), sentinels.redisTopology());
        assertFalse(sentinels.redisTopology().toString().contains("sentinel-secret"));
        ConfigException both = assertThrows(ConfigException.class, () -> new KrestConfig(Map.of(
                KrestConfig.CONSUMER_STATE_STORE, "redis", KrestConfig.REDIS_URL, nodes, KrestConfig.REDIS_CLUSTER,
                "true", KrestConfig.REDIS_SENTINEL_MASTER, "mymaster")));
        assertTrue(both.getMessage().contains(KrestConfig.REDIS_SENTINEL_MASTER), both.getMessage());
    }

    @Test
    void emptyListenersAreRejected() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new KrestConfig(Map.of(KrestConfig.LISTENERS, "")));
        assertTrue(e.getMessage().contains(KrestConfig.LISTENERS), e.getMessage());
    }

    @Test
    void unknownKeysExcludeClientPrefixes() {
        Map<String, String> props = new HashMap<>();
        props.put("listenres", "http://0.0.0.0:8082");
        props.put("zookeeper.connect", "zk:2181");
        props.put("producer.acks", "all");
        props.put("client.security.protocol", "SASL_SSL");
        props.put("consumer.max.poll.records", "10");
        props.put("admin.request.timeout.ms", "1000");
        props.put(KrestConfig.API_V3_ENABLE, "true");
        assertEquals(List.of("listenres", "zookeeper.connect"), new KrestConfig(props).unknownKeys());
    }

    @Test
    void clientPropertiesStripPrefixesAndKindWins() {
        Map<String, String> props = new HashMap<>();
        props.put(KrestConfig.BOOTSTRAP_SERVERS, "broker:9092");
        props.put("client.security.protocol", "SASL_SSL");
        props.put("client.acks", "1");
        props.put("producer.acks", "all");
        props.put("producer.bootstrap.servers", "elsewhere:9092");
        props.put("consumer.max.poll.records", "10");
        props.put("admin.request.timeout.ms", "1000");

        Map<String, Object> producer = new KrestConfig(props).clientProperties("producer");
        assertEquals(Map.of("security.protocol", "SASL_SSL", "acks", "all", "bootstrap.servers", "broker:9092"),
                producer);

        Map<String, Object> consumer = new KrestConfig(props).clientProperties("consumer");
        assertEquals("10", consumer.get("max.poll.records"));
        assertEquals("1", consumer.get("acks"));
        assertFalse(consumer.containsKey("request.timeout.ms"));
        assertEquals("broker:9092", consumer.get("bootstrap.servers"));
    }

    @Test
    void withReplacesKeysAndRevalidates() {
        KrestConfig config = new KrestConfig(Map.of(KrestConfig.API_V2_ENABLE, "false"));
        KrestConfig changed = config.with(Map.of(KrestConfig.BOOTSTRAP_SERVERS, "b:1"));
        assertEquals("b:1", changed.bootstrapServers());
        assertFalse(changed.getBoolean(KrestConfig.API_V2_ENABLE));
        assertThrows(ConfigException.class, () -> config.with(Map.of(KrestConfig.LISTENERS, "ftp://x:1")));
    }
}
