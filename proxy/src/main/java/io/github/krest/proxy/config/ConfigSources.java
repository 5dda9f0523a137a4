package io.github.krest.proxy.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.common.config.ConfigException;

/**
 * Reads krest's raw properties: a properties file overlaid by {@code KAFKA_REST_*} environment variables
 * (the environment wins).
 *
 * <p>Environment names follow Confluent's Docker images: drop {@code KAFKA_REST_}, lower-case, then {@code ___}
 * becomes {@code -}, {@code __} becomes {@code _} and {@code _} becomes {@code .}; so
 * {@code KAFKA_REST_BOOTSTRAP_SERVERS} is {@code bootstrap.servers}.
 */
public final class ConfigSources {
    /** Environment variable prefix (Confluent's Docker convention). */
    public static final String ENV_PREFIX = "KAFKA_REST_";

    private ConfigSources() {
    }

    /**
     * Loads the raw properties.
     *
     * @param file a properties file, if given
     * @param env the environment, usually {@link System#getenv()}
     * @return key to value, environment winning
     * @throws ConfigException the file cannot be read
     */
    public static Map<String, String> load(Optional<Path> file, Map<String, String> env) {
        Map<String, String> props = new HashMap<>();
        file.ifPresent(path -> props.putAll(readFile(path)));
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                props.put(propertyName(name), value);
            }
        });
        return props;
    }

    /**
     * Maps an environment variable name to a property name.
     *
     * @param envName e.g. {@code KAFKA_REST_CONSUMER_MAX__POLL___X}
     * @return e.g. {@code consumer.max_poll-x}
     */
    public static String propertyName(String envName) {
        String rest = envName.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
        return rest.replace("___", "\u0000").replace("__", "\u0001").replace('_', '.')
                .replace('\u0001', '_').replace('\u0000', '-');
    }

    private static Map<String, String> readFile(Path path) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("Cannot read configuration file " + path + ": " + e.getMessage());
        }
        Map<String, String> props = new HashMap<>();
        properties.stringPropertyNames().forEach(k -> props.put(k, properties.getProperty(k).trim()));
        return props;
    }
}
