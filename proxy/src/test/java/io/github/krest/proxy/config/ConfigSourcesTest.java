package io.github.krest.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ConfigSources}: {@code KAFKA_REST_*} environment variables map to property names as in Confluent's Docker
 * images, override a properties file, and an unreadable file stops start-up with a {@link ConfigException}.
 */
class ConfigSourcesTest {

    @Test
    void environmentNamesMapToProperties() {
        assertEquals("bootstrap.servers", ConfigSources.propertyName("KAFKA_REST_BOOTSTRAP_SERVERS"));
        assertEquals("consumer.max_poll-x", ConfigSources.propertyName("KAFKA_REST_CONSUMER_MAX__POLL___X"));
        assertEquals("client.sasl_mechanism", ConfigSources.propertyName("KAFKA_REST_CLIENT_SASL__MECHANISM"));
        assertEquals("some-key", ConfigSources.propertyName("KAFKA_REST_SOME___KEY"));
    }

    @Test
    void onlyPrefixedVariablesAreRead() {
        Map<String, String> props = ConfigSources.load(Optional.empty(), Map.of(
                "KAFKA_REST_BOOTSTRAP_SERVERS", "broker:9092",
                "KAFKA_REST_", "ignored",
                "PATH", "/usr/bin",
                "KAFKA_HEAP_OPTS", "-Xmx1g"));
        assertEquals(Map.of("bootstrap.servers", "broker:9092"), props);
    }

    @Test
    void environmentWinsOverFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("kafka-rest.properties");
        Files.writeString(file, """
                # comment
                bootstrap.servers=file:9092
                listeners = http://127.0.0.1:9999  \s
                producer.acks=all
                """, StandardCharsets.UTF_8);
        Map<String, String> props = ConfigSources.load(Optional.of(file),
                Map.of("KAFKA_REST_BOOTSTRAP_SERVERS", "env:9092"));
        assertEquals(Map.of("bootstrap.servers", "env:9092", "listeners", "http://127.0.0.1:9999",
                "producer.acks", "all"), props);
        assertEquals("env:9092", new KrestConfig(props).bootstrapServers());
    }

    @Test
    void unreadableFileIsAConfigException(@TempDir Path dir) {
        Path missing = dir.resolve("missing.properties");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigSources.load(Optional.of(missing), Map.of()));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());

        ConfigException directory = assertThrows(ConfigException.class,
                () -> ConfigSources.load(Optional.of(dir), Map.of()));
        assertTrue(directory.getMessage().contains(dir.toString()), directory.getMessage());
    }
}
