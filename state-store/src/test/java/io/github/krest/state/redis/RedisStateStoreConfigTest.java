package io.github.krest.state.redis;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedisStateStoreConfigTest {

    @Test
    void plainUrlUsesDefaults() {
        RedisStateStoreConfig config = RedisStateStoreConfig.of("redis://cache.local");
        assertEquals("cache.local", config.host());
        assertEquals(6379, config.port());
        assertEquals(0, config.database());
        assertEquals(Optional.empty(), config.user());
        assertEquals(Optional.empty(), config.password());
        assertFalse(config.tls());
        assertEquals(RedisStateStoreConfig.DEFAULT_CONNECT_TIMEOUT_MS, config.connectTimeoutMs());
    }

    @Test
    void fullUrlIsParsed() {
        RedisStateStoreConfig config = RedisStateStoreConfig.of("rediss://app%40x:p%2Fw+d@10.0.0.5:6380/3");
        assertEquals("10.0.0.5", config.host());
        assertEquals(6380, config.port());
        assertEquals(3, config.database());
        assertEquals(Optional.of("app@x"), config.user());
        assertEquals(Optional.of("p/w+d"), config.password());
        assertTrue(config.tls());
    }

    @Test
    void userInfoWithoutColonIsAPassword() {
        assertEquals(Optional.of("secret"), RedisStateStoreConfig.of("redis://secret@h").password());
        assertEquals(Optional.empty(), RedisStateStoreConfig.of("redis://secret@h").user());
        assertEquals(Optional.of("secret"), RedisStateStoreConfig.of("redis://:secret@h").password());
        assertEquals("::1", RedisStateStoreConfig.of("redis://[::1]:7000").host());
    }

    @Test
    void toStringMasksThePassword() {
        String text = RedisStateStoreConfig.of("redis://u:topsecret@h:1/2").toString();
        assertFalse(text.contains("topsecret"), text);
        assertTrue(text.contains("redis://u:***@h:1/2"), text);
    }

    @Test
    void malformedUrlsAreRejected() {
        for (String url : new String[] {"http://h", "redis://", "redis://h/x", "redis://h:1/-1", "h:6379", "redis://h p"}) {
            assertThrows(IllegalArgumentException.class, () -> RedisStateStoreConfig.of(url), url);
        }
        assertThrows(IllegalArgumentException.class, () -> new RedisStateStoreConfig("redis://h", RedisStateStoreConfig.Topology.SERVER, 0, 1, 1, 0));
    }

    @Test
    void aClusterUrlListsSeedNodesThatShareCredentials() {
        RedisStateStoreConfig config = RedisStateStoreConfig.ofCluster(
                "rediss://u:p%2Cw@10.0.0.1:7000, rediss://u:p%2Cw@[::1]:7001,rediss://u:p%2Cw@cache");
        assertTrue(config.cluster());
        assertEquals(List.of(InetSocketAddress.createUnresolved("10.0.0.1", 7000),
                InetSocketAddress.createUnresolved("::1", 7001), InetSocketAddress.createUnresolved("cache", 6379)),
                config.nodes());
        assertEquals("10.0.0.1:7000,[::1]:7001,cache:6379", config.describeNodes());
        assertEquals(Optional.of("p,w"), config.password());
        assertTrue(config.tls());
        String text = config.toString();
        assertFalse(text.contains("p,w") || text.contains("p%2Cw"), text);
        assertTrue(text.contains("rediss://u:***@[::1]:7001/0"), text);
    }

    @Test
    void aClusterUrlWhoseNodesDisagreeOrNameADatabaseIsRejected() {
        for (String url : new String[] {"redis://h1,rediss://h2", "redis://a:b@h1,redis://a:c@h2",
                "redis://h1,redis://x@h2", "redis://h1/1", "redis://h1,", "redis://h1,,redis://h2"}) {
            assertThrows(IllegalArgumentException.class, () -> RedisStateStoreConfig.ofCluster(url), url);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisStateStoreConfig.of("redis://h1:7000,redis://h2:7000"));
        assertTrue(e.getMessage().contains("cluster mode"), e.getMessage());
        assertEquals(1, RedisStateStoreConfig.of("redis://h1:7000").nodes().size());
    }

    @Test
    void sentinelUrlsNameSentinelsWithTheMastersCredentialsAndDatabase() {
        RedisStateStoreConfig.Topology sentinel = new RedisStateStoreConfig.Topology.Sentinel("m",
                Optional.of("sentinel-secret"));
        RedisStateStoreConfig config = RedisStateStoreConfig.of("redis://:pw@s1:26379/3,redis://:pw@s2:26379/3",
                sentinel);
        assertEquals("s1:26379,s2:26379", config.describeNodes());
        assertEquals(3, config.database());
        assertEquals(Optional.of("pw"), config.password());
        assertFalse(config.cluster());
        String text = config.toString();
        assertFalse(text.contains("sentinel-secret") || text.contains(":pw@"), text);
        for (String url : new String[] {"redis://s1/1,redis://s2/2", "redis://:a@s1,redis://:b@s2",
                "redis://s1,rediss://s2"}) {
            assertThrows(IllegalArgumentException.class, () -> RedisStateStoreConfig.of(url, sentinel), url);
        }
        assertThrows(IllegalArgumentException.class,
                () -> new RedisStateStoreConfig.Topology.Sentinel(" ", Optional.empty()));
    }
}
