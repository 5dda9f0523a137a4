package io.github.krest.proxy.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.krest.testing.FreePorts;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A KRaft cluster of N nodes, each broker and controller in one, each its own JVM ({@code kafka.Kafka} with the
 * packaged {@code proxy/target/libs}, which hold the broker for krest's embedded mode), on free loopback ports. Being
 * processes, a node can be killed for real ({@link #kill}: SIGKILL, no controlled shutdown, sockets reset by the
 * kernel) or stopped as an operator does ({@link #stop}: SIGTERM, controlled shutdown), and started again on its
 * ports and data ({@link #restart}).
 *
 * <p>The controller quorum is all N nodes (a static {@code controller.quorum.voters}), so a cluster of three keeps
 * its quorum with one node down. Defaults for failover tests: replication factor 3 and {@code min.insync.replicas=2}
 * for every topic including the internal ones, and a broker that stops heartbeating is fenced after 3 s (Kafka's
 * default 9 s). Output of every start goes to {@code <dir>/node-<id>.log}; a JVM shutdown hook kills what a failed
 * run left (through {@link ClusterProcesses}).
 */
final class KafkaProcessCluster implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    private final Path dir;
    private final Map<Integer, Integer> brokerPorts;
    private final Map<Integer, Process> processes = new LinkedHashMap<>();
    private final Admin admin;

    private KafkaProcessCluster(Path dir, Map<Integer, Integer> brokerPorts) {
        this.dir = dir;
        this.brokerPorts = brokerPorts;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    /**
     * Formats and starts the nodes (ids 1..n) in parallel, and waits until every broker is registered and unfenced.
     *
     * @param dir an empty directory for configuration, data and logs
     * @param nodes how many nodes
     * @param config broker settings over the defaults
     * @return the running cluster
     */
    static KafkaProcessCluster start(Path dir, int nodes, Map<String, String> config) {
        Map<Integer, Integer> brokerPorts = new LinkedHashMap<>();
        Map<Integer, Integer> controllerPorts = new LinkedHashMap<>();
        for (int id = 1; id <= nodes; id++) {
            brokerPorts.put(id, FreePorts.next());
            controllerPorts.put(id, FreePorts.next());
        }
        String voters = controllerPorts.entrySet().stream().map(e -> e.getKey() + "@127.0.0.1:" + e.getValue())
                .collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        try {
            for (int id = 1; id <= nodes; id++) {
                Map<String, String> props = new LinkedHashMap<>();
                props.put("process.roles", "broker,controller");
                props.put("node.id", Integer.toString(id));
                props.put("controller.quorum.voters", voters);
                props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts.get(id) + ",CONTROLLER://127.0.0.1:"
                        + controllerPorts.get(id));
                props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts.get(id));
                props.put("controller.listener.names", "CONTROLLER");
                props.put("inter.broker.listener.name", "PLAINTEXT");
                props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
                props.put("log.dirs", dir.resolve("data-" + id).toString());
                props.put("num.partitions", "3");
                props.put("default.replication.factor", Integer.toString(Math.min(3, nodes)));
                props.put("min.insync.replicas", Integer.toString(Math.min(2, nodes)));
                props.put("offsets.topic.replication.factor", Integer.toString(Math.min(3, nodes)));
                props.put("offsets.topic.num.partitions", "3");
                props.put("transaction.state.log.replication.factor", Integer.toString(Math.min(3, nodes)));
                props.put("transaction.state.log.min.isr", Integer.toString(Math.min(2, nodes)));
                props.put("group.initial.rebalance.delay.ms", "0");
                props.put("auto.create.topics.enable", "false");
                props.put("broker.session.timeout.ms", "3000");
                props.put("broker.heartbeat.interval.ms", "500");
                props.putAll(config);
                StringBuilder text = new StringBuilder();
                props.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
                Files.createDirectories(dir);
                Files.writeString(properties(dir, id), text, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Process> formats = new ArrayList<>();
        for (int id = 1; id <= nodes; id++) {
            formats.add(launch(dir, id, List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c",
                    properties(dir, id).toString())));
        }
        for (int i = 0; i < formats.size(); i++) {
            awaitExit(formats.get(i), "format of node " + (i + 1), dir.resolve("node-" + (i + 1) + ".log"));
        }
        KafkaProcessCluster cluster = new KafkaProcessCluster(dir, brokerPorts);
        try {
            for (int id = 1; id <= nodes; id++) {
                cluster.launchNode(id);
            }
            cluster.awaitLiveBrokers(brokerPorts.keySet(), START_TIMEOUT);
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** @return every node's broker listener, comma-separated */
    String bootstrapServers() {
        return brokerPorts.values().stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** @return an admin client of this cluster (closed by {@link #close()}) */
    Admin admin() {
        return admin;
    }

    /** @return the node ids */
    Set<Integer> nodeIds() {
        return new TreeSet<>(brokerPorts.keySet());
    }

    /** SIGKILL: the node gets no chance to shut down; waits until the process is gone. */
    void kill(int id) {
        ClusterProcesses.kill(process(id));
    }

    /**
     * Stops a node as an operator does: SIGTERM, then waits for the controlled shutdown (leadership moved away, the
     * broker leaves the ISRs) and the exit.
     *
     * @return the exit status
     * @throws IllegalStateException if it still runs after 60 s (it is then SIGKILLed)
     */
    int stop(int id) {
        return ClusterProcesses.stopGracefully(process(id), Duration.ofSeconds(60), "node " + id,
                () -> "; see " + dir.resolve("node-" + id + ".log"));
    }

    /**
     * Starts a stopped or killed node again on its ports and data, and waits until the new process answers
     * requests and its broker is live. (Live alone is not enough after a SIGKILL: until the controller fences the
     * dead broker, which a busy machine can delay past the restart, the cluster still lists it.)
     */
    void restart(int id) {
        if (process(id).isAlive()) {
            throw new IllegalStateException("node " + id + " still runs");
        }
        launchNode(id);
        awaitAnswering(id, START_TIMEOUT);
        awaitLiveBrokers(brokerPorts.keySet(), START_TIMEOUT);
    }

    /** Waits until broker {@code id} answers a request sent to it alone (its configuration). */
    private void awaitAnswering(int id, Duration timeout) {
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(id));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process(id).isAlive()) {
                throw new IllegalStateException("node " + id + " exited with " + process(id).exitValue() + "; see "
                        + dir.resolve("node-" + id + ".log"));
            }
            try {
                admin.describeConfigs(List.of(broker)).all().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("broker " + id + " did not answer within " + timeout, notYet);
                }
            }
            ClusterProcesses.sleep(250);
        }
    }

    /**
     * @return the ids of the brokers the cluster reports live (registered and not fenced), as a client sees them
     */
    Set<Integer> liveBrokers() {
        try {
            return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream().map(Node::id)
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (Exception e) {
            throw new IllegalStateException("describeCluster failed", e);
        }
    }

    /**
     * Waits until no partition of any topic (the internal ones included) is under-replicated: every replica is in
     * the ISR again, as after a restarted broker has caught up. Another broker may then be lost without a partition
     * falling below {@code min.insync.replicas}.
     *
     * @throws IllegalStateException when that takes longer than {@code timeout}
     */
    void awaitFullyReplicated(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                        .get(10, TimeUnit.SECONDS);
                List<String> behind = new ArrayList<>();
                admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).forEach((name, d) ->
                        d.partitions().stream().filter(p -> p.isr().size() < p.replicas().size())
                                .forEach(p -> behind.add(name + "-" + p.partition() + " isr " + p.isr().stream()
                                        .map(Node::id).toList())));
                if (behind.isEmpty()) {
                    return;
                }
                last = behind.toString();
            } catch (Exception notYet) {
                last = notYet.toString();
            }
            ClusterProcesses.sleep(250);
        }
        throw new IllegalStateException("partitions still under-replicated after " + timeout + ": " + last);
    }

    /**
     * Reads every record of {@code topic} as the cluster stores it, from the beginning to the end offsets of the
     * moment it starts (a plain consumer in assign mode, no group).
     *
     * @return each record's value (UTF-8) by position
     * @throws IllegalStateException when the end offsets are not reached within 60 s
     */
    NavigableMap<DeliveryLog.Position, String> readTopic(String topic) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        NavigableMap<DeliveryLog.Position, String> records = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end offsets " + ends);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    records.put(new DeliveryLog.Position(r.partition(), r.offset()),
                            new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return records;
    }

    /** Stops every node (SIGKILL: the data is thrown away) and the admin client; safe to call twice. */
    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        processes.values().forEach(ClusterProcesses::kill);
    }

    private void launchNode(int id) {
        processes.put(id, launch(dir, id, List.of("-Xms128m", "-Xmx384m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "kafka.Kafka", properties(dir, id).toString())));
    }

    private Process process(int id) {
        Process process = processes.get(id);
        if (process == null) {
            throw new IllegalArgumentException("no node " + id);
        }
        return process;
    }

    private void awaitLiveBrokers(Set<Integer> ids, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<Integer> live = Set.of();
        while (System.nanoTime() < deadline) {
            processes.forEach((id, process) -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("node " + id + " exited with " + process.exitValue() + "; see "
                            + dir.resolve("node-" + id + ".log"));
                }
            });
            try {
                live = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream().map(Node::id)
                        .collect(Collectors.toSet());
                if (live.containsAll(ids)) {
                    return;
                }
            } catch (Exception notYet) {
                // the cluster is still starting
            }
            ClusterProcesses.sleep(250);
        }
        throw new IllegalStateException("brokers " + ids + " not all live after " + timeout + ": " + live);
    }

    /** Runs {@code java <args>} with the packaged libraries, output appended to the node's log. */
    private static Process launch(Path dir, int id, List<String> args) {
        Path libs = ClusterProcesses.repoRoot().resolve("proxy/target/libs");
        if (!Files.isDirectory(libs)) {
            throw new IllegalStateException(libs + " is missing: run mvn -DskipTests package (failsafe runs after it)");
        }
        String java = ProcessHandle.current().info().command().orElseThrow(
                () -> new IllegalStateException("cannot tell which java runs this test"));
        List<String> command = new ArrayList<>(List.of(java, "-cp", libs + "/*"));
        command.addAll(args);
        Path log = dir.resolve("node-" + id + ".log");
        try {
            Files.writeString(log, "==== " + Instant.now() + " " + String.join(" ", args) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return ClusterProcesses.started(new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + id, e);
        }
    }

    private static void awaitExit(Process process, String what, Path log) {
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                ClusterProcesses.kill(process);
                throw new IllegalStateException(what + " did not finish; see " + log);
            }
        } catch (InterruptedException e) {
            ClusterProcesses.kill(process);
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        ClusterProcesses.stopped(process);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(what + " exited with " + process.exitValue() + "; see " + log);
        }
    }

    private static Path properties(Path dir, int id) {
        return dir.resolve("node-" + id + ".properties");
    }
}
