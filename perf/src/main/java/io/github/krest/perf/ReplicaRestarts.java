package io.github.krest.perf;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts a replica of {@code bin/krest-cluster} again when it has died (the scale scenario drives the per-instance
 * readers of today's replicas out of heap), the way the cluster started it: the same command line, environment and
 * directory, read from {@code /proc/<pid>} while it still ran, output appended to its log, and its new pid written
 * to the run directory's pid file with the same marker, so that {@code bin/krest-cluster down} stops it. Linux only.
 */
final class ReplicaRestarts {
    private static final Duration READY_WITHIN = Duration.ofMinutes(2);

    /** How one replica was started. */
    private record Launch(List<String> command, Map<String, String> environment, Path directory) {
    }

    private final Path runDir;
    private final int firstPort;
    private final List<Long> pids;
    private final List<Launch> launches = new ArrayList<>();

    /**
     * @param runDir    bin/krest-cluster's run directory (pids/krest-N.pid, logs/krest-N.log)
     * @param firstPort replica 1's port; replica N listens on this + N - 1
     * @param pids      the replicas' pids, in replica order; read while they run
     */
    ReplicaRestarts(Path runDir, int firstPort, List<Long> pids) throws IOException {
        this.runDir = runDir;
        this.firstPort = firstPort;
        this.pids = new ArrayList<>(pids);
        for (long pid : pids) {
            Path proc = Path.of("/proc", Long.toString(pid));
            List<String> command = split(Files.readAllBytes(proc.resolve("cmdline")));
            Map<String, String> environment = new LinkedHashMap<>();
            for (String entry : split(Files.readAllBytes(proc.resolve("environ")))) {
                int eq = entry.indexOf('=');
                if (eq > 0) {
                    environment.put(entry.substring(0, eq), entry.substring(eq + 1));
                }
            }
            launches.add(new Launch(command, environment, Files.readSymbolicLink(proc.resolve("cwd"))));
        }
    }

    private static List<String> split(byte[] nulSeparated) {
        String all = new String(nulSeparated, StandardCharsets.UTF_8);
        return Arrays.stream(all.split("\0", -1)).filter(s -> !s.isEmpty()).toList();
    }

    /** @return the replicas' current pids, in replica order */
    List<Long> pids() {
        return List.copyOf(pids);
    }

    /** @return the 1-based numbers of the replicas that are not running */
    List<Integer> dead() {
        List<Integer> dead = new ArrayList<>();
        for (int r = 0; r < pids.size(); r++) {
            if (!ProcessHandle.of(pids.get(r)).map(ProcessHandle::isAlive).orElse(false)) {
                dead.add(r + 1);
            }
        }
        return dead;
    }

    /**
     * Starts every dead replica again and waits until each is ready ({@code /observe/health/ready} 200).
     *
     * @return the replicas started, 1-based
     * @throws IOException when one cannot be started or is not ready within 2 minutes
     */
    List<Integer> restartDead() throws IOException, InterruptedException {
        List<Integer> dead = dead();
        for (int replica : dead) {
            Launch launch = launches.get(replica - 1);
            ProcessBuilder builder = new ProcessBuilder(launch.command()).directory(launch.directory().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            runDir.resolve("logs").resolve("krest-" + replica + ".log").toFile()));
            builder.environment().clear();
            builder.environment().putAll(launch.environment());
            long pid = builder.start().pid();
            pids.set(replica - 1, pid);
            Path pidFile = runDir.resolve("pids").resolve("krest-" + replica + ".pid");
            String old = Files.readString(pidFile).trim();
            String marker = old.indexOf(' ') < 0 ? "" : old.substring(old.indexOf(' ') + 1);
            Files.writeString(pidFile, pid + " " + marker + "\n");
        }
        HttpClient http = HttpClient.newHttpClient();
        for (int replica : dead) {
            URI ready = URI.create("http://127.0.0.1:" + (firstPort + replica - 1) + "/observe/health/ready");
            long deadline = System.nanoTime() + READY_WITHIN.toNanos();
            while (true) {
                try {
                    if (http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("replica " + replica + " not ready " + READY_WITHIN.toSeconds()
                            + " s after its restart");
                }
                Thread.sleep(500);
            }
        }
        return dead;
    }
}
