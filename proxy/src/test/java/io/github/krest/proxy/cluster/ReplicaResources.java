package io.github.krest.proxy.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a replica process holds, read from outside as an operator would: the heap in use after a full collection
 * ({@code jcmd <pid> GC.run}, then {@code GC.heap_info}: the sum of its generations' {@code used}), its
 * operating-system threads ({@code Threads:} in {@code /proc/<pid>/status}: platform threads, not virtual ones) and
 * its open file descriptors (entries of {@code /proc/<pid>/fd}: sockets and files). Linux only.
 *
 * @param pid the process
 * @param heapUsedMb heap in use after a full GC, MiB
 * @param threads operating-system threads
 * @param openFds open file descriptors
 */
record ReplicaResources(long pid, double heapUsedMb, int threads, int openFds) {
    /**
     * A heap line of GC.heap_info, one that is not indented (the indented ones are spaces inside it): G1's
     * {@code garbage-first heap ... used NK}, Serial's {@code DefNew ... used NK} and {@code Tenured ... used NK}.
     */
    private static final Pattern HEAP_USED = Pattern.compile("(?m)^\\S.*?\\bused (\\d+)K");

    /**
     * Reads the figures of a running JVM (a full GC included).
     *
     * @throws IllegalStateException when {@code jcmd} fails or {@code /proc} cannot be read
     */
    static ReplicaResources of(long pid) {
        Matcher m = HEAP_USED.matcher(jcmd(pid, "GC.run", "GC.heap_info"));
        long usedKb = 0;
        boolean found = false;
        while (m.find()) {
            usedKb += Long.parseLong(m.group(1));
            found = true;
        }
        if (!found) {
            throw new IllegalStateException("jcmd " + pid + " GC.heap_info: no 'used' figure");
        }
        Path proc = Path.of("/proc", Long.toString(pid));
        try (Stream<String> status = Files.lines(proc.resolve("status"), StandardCharsets.US_ASCII);
             Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            int threads = status.filter(l -> l.startsWith("Threads:"))
                    .mapToInt(l -> Integer.parseInt(l.substring("Threads:".length()).trim())).findFirst()
                    .orElseThrow(() -> new IllegalStateException(proc + "/status has no Threads: line"));
            return new ReplicaResources(pid, usedKb / 1024.0, threads, (int) fds.count());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + proc, e);
        }
    }

    /** Runs the commands in one {@code jcmd} (one JVM start, the costly part on a busy machine). */
    private static String jcmd(long pid, String... commands) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Path file = null;
        try {
            file = Files.createTempFile("krest-jcmd", ".txt");
            Files.writeString(file, String.join("\n", commands) + "\n", StandardCharsets.US_ASCII);
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "-f", file.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("jcmd " + pid + " " + String.join(", ", commands) + " failed: "
                        + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + jcmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (file != null) {
                file.toFile().delete();
            }
        }
    }
}
