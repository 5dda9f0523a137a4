package io.github.krest.proxy.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Bookkeeping shared by the cluster fixtures: the repository root, the per-test output directory, and
 * a JVM shutdown hook that kills every process a fixture started and did not stop yet, so that an aborted test run
 * (Ctrl-C, a failsafe timeout, an error in {@code @BeforeAll}) leaves no krest, nginx or Redis behind.
 *
 * <p>Only processes registered here are ever signalled; other krest processes on the machine are left alone.
 */
final class ClusterProcesses {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ClusterProcesses::killAll, "cluster-it-reaper"));
    }

    private ClusterProcesses() {
    }

    /** Tracks {@code process} until {@link #stopped(Process)}; the shutdown hook kills it and its descendants. */
    static Process started(Process process) {
        LIVE.add(process);
        return process;
    }

    /** Stops tracking {@code process} (it has exited). */
    static void stopped(Process process) {
        LIVE.remove(process);
    }

    /**
     * Stops a process and its descendants: SIGTERM, then SIGKILL for whatever is still running after
     * {@code graceSeconds}; waits for the exit.
     */
    static void terminate(Process process, long graceSeconds) {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                    kill(process);
                }
            }
            process.descendants().forEach(ProcessHandle::destroyForcibly);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
        } finally {
            stopped(process);
        }
    }

    /** SIGKILL for a process and its descendants (on Linux {@code destroyForcibly} is SIGKILL); waits 10 s at most. */
    static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped(process);
    }

    /**
     * Stops a process as an orchestrator does: SIGTERM, then waits for it to exit on its own.
     *
     * @param name names it in the failure message
     * @param detail more for the failure message (e.g. the tail of its log)
     * @return the exit status
     * @throws IllegalStateException if it still runs after {@code timeout} (it is then SIGKILLed)
     */
    static int stopGracefully(Process process, Duration timeout, String name, Supplier<String> detail) {
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new IllegalStateException(name + " did not exit within " + timeout + " of SIGTERM"
                        + detail.get());
            }
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        stopped(process);
        return process.exitValue();
    }

    /** {@link Thread#sleep}, turning an interrupt into an {@link IllegalStateException} (interrupt flag kept). */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void killAll() {
        for (Process process : LIVE) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /**
     * @return the repository root: the {@code krest.repo.root} system property (set by failsafe), else the nearest
     *     ancestor of the working directory holding {@code bin/krest}
     */
    static Path repoRoot() {
        try {
            String root = System.getProperty("krest.repo.root");
            if (root != null) {
                return Path.of(root).toRealPath();
            }
            for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve("bin/krest"))) {
                    return dir.toRealPath();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("set -Dkrest.repo.root: no bin/krest above " + Path.of("").toAbsolutePath());
    }

    /** @return {@code proxy/target/cluster-it/<name>/}, created empty */
    static Path workDir(String name) {
        Path dir = repoRoot().resolve("proxy/target/cluster-it").resolve(name);
        try {
            if (Files.exists(dir)) {
                try (var files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + dir, e);
        }
    }
}
