package io.github.krest.state.redis;

import org.junit.jupiter.api.Test;

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
        assertThrows(IllegalArgumentException.class, () -> new RedisStateStoreConfig("redis://h", 0, 1, 1, 0));
    }
}
