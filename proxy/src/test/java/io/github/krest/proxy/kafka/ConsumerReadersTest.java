package io.github.krest.proxy.kafka;

import java.util.Map;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.error.RestException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Readers' Kafka settings, and readers under {@code kafka.principal.propagation}: never handed to another caller or
 * another credential.
 */
class ConsumerReadersTest {
    private static final ConsumerReaders.Key KEY = new ConsumerReaders.Key("g", "i");

    private static KafkaIdentity user(String name, String password) {
        return new KafkaIdentity(name, new KafkaIdentity.Credential.Password(name, password));
    }

    @Test
    void readersTakeTheConsumerSettingsWithKrestsDefaultsWhereNoneIsSet() {
        Map<String, Object> defaults = ConsumerReaders.readerProperties(new KrestConfig(Map.of(
                KrestConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9", "consumer.group.id", "ignored",
                "consumer.max.poll.records", "200")), "latest");
        assertEquals(100, defaults.get("fetch.max.wait.ms"));
        assertEquals(-1, defaults.get("receive.buffer.bytes"), "the operating system's self-tuning buffer");
        assertEquals("200", defaults.get("max.poll.records"));
        assertEquals("latest", defaults.get("auto.offset.reset"));
        assertEquals(false, defaults.get("enable.auto.commit"));
        assertFalse(defaults.containsKey("group.id"), "readers are assign-mode consumers without a group");

        Map<String, Object> set = ConsumerReaders.readerProperties(new KrestConfig(Map.of(
                KrestConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9", "consumer.fetch.max.wait.ms", "20",
                "client.receive.buffer.bytes", "131072")), "earliest");
        assertEquals("20", set.get("fetch.max.wait.ms"));
        assertEquals("131072", set.get("receive.buffer.bytes"));
    }

    @Test
    void aReaderStaysWithTheCallerAndCredentialThatCreatedIt() {
        // the consumers are created but never poll, so no broker is needed
        KrestConfig config = new KrestConfig(Map.of(KrestConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9",
                "client.security.protocol", "SASL_PLAINTEXT",
                KrestConfig.KAFKA_PRINCIPAL_PROPAGATION, "SASL_PLAIN", KrestConfig.AUTHENTICATION_METHOD, "BASIC"));
        try (ConsumerReaders readers = new ConsumerReaders(config, "test")) {
            ConsumerReaders.Reader alices = readers.reader(KEY, user("alice", "a"), "earliest");
            assertSame(alices, readers.reader(KEY, user("alice", "a"), "earliest"));
            ConsumerReaders.Reader bobs = readers.reader(KEY, user("bob", "b"), "earliest");
            assertNotSame(alices, bobs);
            assertNotSame(bobs, readers.reader(KEY, user("bob", "other password"), "earliest"));
            assertEquals(1, readers.size(), "the replaced readers were dropped");
            RestException e = assertThrows(RestException.class,
                    () -> readers.reader(KEY, KafkaIdentity.ANONYMOUS, "earliest"));
            assertEquals(40101, e.errorCode().code());
        }
    }
}
