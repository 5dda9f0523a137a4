package io.github.krest.proxy.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A single-node KRaft Kafka broker (combined broker and controller) running inside the krest JVM, started when
 * {@code bootstrap.servers} is not set so that krest works out of the box. Its data lives in a new temporary
 * directory that is deleted when the broker stops. Never used when {@code bootstrap.servers} is set.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EmbeddedKafka.class.getName());

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final String bootstrapServers;

    private EmbeddedKafka(KafkaRaftServer server, Path dataDir, String bootstrapServers) {
        this.server = server;
        this.dataDir = dataDir;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Formats a fresh data directory and starts the broker, waiting until it answers.
     *
     * @param preferredPort client listener port; any free port when 0 or busy
     * @return the running broker
     * @throws Exception when the broker cannot start
     */
    public static EmbeddedKafka start(int preferredPort) throws Exception {
        Path dataDir = Files.createTempDirectory("krest-embedded-kafka-");
        int port = freePort(preferredPort);
        int controllerPort = freePort(0);
        Properties props = new Properties();
        props.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("log.dirs", dataDir.toString()),
                Map.entry("num.partitions", "1"),
                Map.entry("auto.create.topics.enable", "true"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "5"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0")));
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setControllerListenerName("CONTROLLER")
                .setMetadataLogDirectory(dataDir.toString())
                .addDirectory(dataDir.toString())
                .run();
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        String bootstrap = "127.0.0.1:" + port;
        EmbeddedKafka kafka = new EmbeddedKafka(server, dataDir, bootstrap);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    /** @return {@code 127.0.0.1:<port>} of the client listener */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** @return the directory holding the broker's data */
    public Path dataDir() {
        return dataDir;
    }

    /** Stops the broker and deletes its data directory. */
    @Override
    public void close() {
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            try (Stream<Path> paths = Files.walk(dataDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not delete " + dataDir + ": " + e.getMessage());
            }
        }
    }

    private static int freePort(int preferred) throws IOException {
        if (preferred > 0) {
            try (ServerSocket s = new ServerSocket(preferred, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                return preferred;
            } catch (IOException busy) {
                // fall through to any free port
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
