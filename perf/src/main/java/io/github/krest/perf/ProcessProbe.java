package io.github.krest.perf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a replica holds, read from outside its JVM: heap in use after a full GC ({@code jcmd <pid> GC.run}, then
 * {@code GC.heap_info}) or live objects ({@code GC.class_histogram}), threads ({@code /proc/<pid>/status}) and established TCP connections to a port (the
 * process's socket inodes from {@code /proc/<pid>/fd}, matched against {@code /proc/net/tcp} and {@code tcp6}).
 * Linux only.
 */
final class ProcessProbe {
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");
    private static final Pattern THREADS = Pattern.compile("(?m)^Threads:\\s+(\\d+)");
    /** The socket state of /proc/net/tcp's fourth column: 01 is ESTABLISHED. */
    private static final String ESTABLISHED = "01";

    private ProcessProbe() {
    }

    /** @return the JVM's heap in use right after a full GC, MiB */
    static double heapAfterGcMb(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        Matcher m = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        if (!m.find()) {
            throw new IllegalStateException("jcmd GC.heap_info: no 'used' figure");
        }
        return Long.parseLong(m.group(1)) / 1024.0;
    }

    /**
     * @return the bytes of the JVM's live objects, MiB: the total of {@code jcmd <pid> GC.class_histogram}, which
     *         counts what a full GC leaves. Unlike {@link #heapAfterGcMb} it is not inflated by what a busy JVM
     *         allocates between the GC and the second jcmd (a replica under load allocated 300 MiB in that second)
     */
    static double liveHeapMb(long pid) throws IOException, InterruptedException {
        return histogramTotalMb(jcmd(pid, "GC.class_histogram"));
    }

    /** @return the bytes of the Total line of a {@code GC.class_histogram} output, MiB */
    static double histogramTotalMb(String histogram) {
        Matcher m = HISTOGRAM_TOTAL.matcher(histogram);
        if (!m.find()) {
            throw new IllegalStateException("jcmd GC.class_histogram: no Total line");
        }
        return Long.parseLong(m.group(1)) / (1024.0 * 1024.0);
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + out);
        }
        return out;
    }

    /** @return the process's threads now, -1 when it is gone */
    static int threads(long pid) {
        try {
            Matcher m = THREADS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** One established TCP connection's end, as {@code /proc/net/tcp} lists it. */
    record TcpEnd(int localPort, int remotePort, long inode) {
    }

    /** @return every established TCP connection end in this network namespace (IPv4 and IPv6 tables) */
    static List<TcpEnd> established() {
        List<TcpEnd> ends = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    parseTcpLine(line, ends);
                }
            } catch (IOException e) {
                // no IPv6 table, or not Linux
            }
        }
        return ends;
    }

    /** Adds the connection end of one /proc/net/tcp line when it is established; the header line is skipped. */
    static void parseTcpLine(String line, List<TcpEnd> into) {
        String[] f = line.trim().split("\\s+", -1);
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
        if (f.length < 10 || !f[3].equals(ESTABLISHED) || f[1].indexOf(':') < 0) {
            return;
        }
        into.add(new TcpEnd(port(f[1]), port(f[2]), Long.parseLong(f[9])));
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
    }

    /** @return the inodes of the process's sockets (its {@code /proc/<pid>/fd} links {@code socket:[inode]}) */
    static Set<Long> socketInodes(long pid) {
        Set<Long> inodes = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(Long.parseLong(target, 8, target.length() - 1, 10));
                    }
                } catch (IOException e) {
                    // closed since the listing
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        return inodes;
    }

    /** @return the process's established connections to {@code port} (on any local address) */
    static int connectionsTo(long pid, int port, List<TcpEnd> established) {
        Set<Long> inodes = socketInodes(pid);
        return (int) established.stream().filter(e -> e.remotePort() == port && inodes.contains(e.inode())).count();
    }

    /** @return established connections accepted on {@code port}: the server's ends, from every client */
    static int connectionsOn(int port, List<TcpEnd> established) {
        return (int) established.stream().filter(e -> e.localPort() == port).count();
    }
}
