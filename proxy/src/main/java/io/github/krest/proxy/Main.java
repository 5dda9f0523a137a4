package io.github.krest.proxy;

import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.krest.proxy.config.ConfigSources;
import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.embedded.EmbeddedKafka;
import io.helidon.logging.common.LogConfig;
import org.apache.kafka.common.config.ConfigException;

/**
 * Starts krest: {@code krest [--config FILE]}. Reads the configuration (file, then {@code KAFKA_REST_*}
 * environment), starts the embedded broker when {@code bootstrap.servers} is empty, and serves until SIGTERM.
 * Exit status 2 for an invalid configuration, 1 for any other start-up failure.
 */
public final class Main {
    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {
    }

    /**
     * @param args {@code --config FILE} (or {@code -c FILE}, or the file as the only argument)
     */
    public static void main(String[] args) {
        LogConfig.configureRuntime();
        KrestConfig config;
        try {
            config = new KrestConfig(ConfigSources.load(configFile(args), System.getenv()));
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("krest: invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<String> unknown = config.unknownKeys();
        if (!unknown.isEmpty()) {
            LOG.log(Level.WARNING, "Unknown configuration keys, ignored: " + String.join(", ", unknown));
        }
        try {
            run(config);
        } catch (ConfigException e) {
            // e.g. a key store that cannot be read: found while starting, reported like any invalid setting
            System.err.println("krest: invalid configuration: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            LOG.log(Level.ERROR, "krest failed to start: " + e.getMessage(), e);
            System.exit(1);
        }
    }

    private static void run(KrestConfig config) throws Exception {
        EmbeddedKafka embedded = null;
        if (config.bootstrapServers().isEmpty()) {
            embedded = EmbeddedKafka.start(config.getInt(KrestConfig.EMBEDDED_KAFKA_PORT));
            config = config.with(Map.of(KrestConfig.BOOTSTRAP_SERVERS, embedded.bootstrapServers()));
            LOG.log(Level.WARNING, """

                    ================================================================================
                     bootstrap.servers is not set: krest started an EMBEDDED single-node Kafka broker
                     at %s (data in %s, deleted on exit).
                     For trying krest out only. To use a real cluster, set bootstrap.servers, e.g.
                       bin/krest --config krest.properties      (bootstrap.servers=broker:9092)
                       KAFKA_REST_BOOTSTRAP_SERVERS=broker:9092 bin/krest
                    ================================================================================"""
                    .formatted(embedded.bootstrapServers(), embedded.dataDir()));
        }
        KrestServer server = KrestServer.start(config);
        EmbeddedKafka broker = embedded;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            if (broker != null) {
                broker.close();
            }
        }, "krest-shutdown"));
        LOG.log(Level.INFO, "krest listening on " + config.listeners().stream()
                .map(l -> l.scheme() + "://" + l.host() + ":" + (l.port() == 0 ? server.port() : l.port()))
                .toList() + (config.observeListeners().isEmpty() ? "" : ", /observe on " + config.observeListeners()
                .stream().map(l -> l.scheme() + "://" + l.host() + ":" + l.port()).toList())
                + ", Kafka at " + config.bootstrapServers());
    }

    private static Optional<Path> configFile(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if ((args[i].equals("--config") || args[i].equals("-c")) && i + 1 < args.length) {
                return Optional.of(Path.of(args[i + 1]));
            }
            if (args[i].startsWith("--config=")) {
                return Optional.of(Path.of(args[i].substring("--config=".length())));
            }
        }
        if (args.length == 1 && !args[0].startsWith("-") && Files.exists(Path.of(args[0]))) {
            return Optional.of(Path.of(args[0]));
        }
        if (args.length > 0) {
            throw new IllegalArgumentException("usage: krest [--config FILE]");
        }
        return Optional.empty();
    }
}
