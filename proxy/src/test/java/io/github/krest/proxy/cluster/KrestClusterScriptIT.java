package io.github.krest.proxy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.github.krest.proxy.cluster.DeliveryLog.Position;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.V2ConsumerClient.Instance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/krest-cluster} as a user runs it: {@code up --replicas 2} on free ports (its own Kafka JVM, Redis, two
 * krest replicas, nginx), a v2 produce and a consumer through its load balancer, {@code status}, then {@code down},
 * after which none of the processes it recorded runs.
 */
class KrestClusterScriptIT {
    private static final Duration UP_TIMEOUT = Duration.ofMinutes(4);

    private Path runDir;
    private boolean up;

    @AfterEach
    void downAfterAFailure() throws Exception {
        if (up) {
            printLogTails();
            script("down");
        }
    }

    /** After a failure: the last lines of each process's log under the run directory, on the test's output. */
    private void printLogTails() throws IOException {
        Path logs = runDir.resolve("logs");
        if (!Files.isDirectory(logs)) {
            return;
        }
        try (var files = Files.list(logs)) {
            for (Path log : files.sorted().toList()) {
                List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
                System.out.println("==== last lines of " + log.getFileName() + " ====");
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.out::println);
            }
        }
    }

    @Test
    void upServesThroughTheLoadBalancerAndDownStopsEverything() throws Exception {
        runDir = ClusterProcesses.workDir("KrestClusterScriptIT").resolve("run");
        int base = freeRange(8);

        up = true;
        Result started = script("up", "--replicas", "2", "--base-port", Integer.toString(base));
        assertEquals(0, started.status(), started.output());
        assertTrue(started.output().contains("http://127.0.0.1:" + base), started.output());

        List<Long> pids = recordedPids();
        assertEquals(5, pids.size(), "kafka, redis, 2 replicas, nginx: " + pids);

        KrestHttp lb = new KrestHttp("http://127.0.0.1:" + base);
        String topic = "script-" + System.nanoTime();
        // the broker creates the topic on first use, with num.partitions=3
        Map<Position, String> produced = new TreeMap<>(new V2ProduceClient(lb).produce(topic, 0, 12, 3));
        ClusterConsumerClient consumers = new ClusterConsumerClient(lb);
        Instance consumer = consumers.create("script-group", "c1");
        consumers.subscribe(consumer, topic);
        DeliveryLog delivered = new DeliveryLog(topic);
        consumers.pollUntil(consumer, delivered, produced.size(), Duration.ofSeconds(60), false);
        assertEquals(produced, delivered.byPosition());
        consumers.delete(consumer);

        Result status = script("status");
        assertEquals(0, status.status(), status.output());
        for (String name : List.of("nginx", "krest-1", "krest-2", "redis", "kafka")) {
            assertTrue(status.output().lines().anyMatch(l -> l.startsWith(name) && l.contains("running")),
                    name + " in\n" + status.output());
        }

        Result stopped = script("down");
        up = false;
        assertEquals(0, stopped.status(), stopped.output());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (long pid : pids) {
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " runs");
        }
        Result after = script("status");
        assertEquals(3, after.status(), after.output());
    }

    private record Result(int status, String output) {
    }

    private Result script(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                ClusterProcesses.repoRoot().resolve("bin/krest-cluster").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--run-dir", runDir.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // the JDK running this test; bin/lib/java.sh takes it when it is new enough
        ProcessHandle.current().info().command().map(Path::of).map(p -> p.getParent().getParent())
                .ifPresent(home -> builder.environment().put("JAVA_HOME", home.toString()));
        builder.environment().remove("KREST_CLUSTER_BASE_PORT");
        Process process = ClusterProcesses.started(builder.start());
        try {
            if (!process.waitFor(UP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                ClusterProcesses.kill(process);
                throw new AssertionError("bin/krest-cluster " + String.join(" ", args) + " did not finish in "
                        + UP_TIMEOUT);
            }
            return new Result(process.exitValue(),
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            ClusterProcesses.stopped(process);
        }
    }

    private List<Long> recordedPids() throws IOException {
        List<Long> pids = new ArrayList<>();
        try (var files = Files.list(runDir.resolve("pids"))) {
            for (Path file : files.toList()) {
                pids.add(Long.parseLong(Files.readString(file).trim().split("\\s+", -1)[0]));
            }
        }
        return pids;
    }

    /** @return the first of {@code n} consecutive loopback ports that are free now */
    private static int freeRange(int n) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20_000, 30_000);
            boolean free = true;
            for (int port = base; port < base + n && free; port++) {
                try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                    socket.setReuseAddress(true);
                } catch (IOException busy) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no " + n + " consecutive free ports");
    }
}
