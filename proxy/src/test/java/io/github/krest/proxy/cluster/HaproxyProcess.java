package io.github.krest.proxy.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HAProxy running the shipped {@code loadbalancer-config/haproxy.cfg} in front of given loopback ports, with
 * the same two edits as {@link NginxProcess}: the {@code bind} line names the test's port, and the backend's
 * {@code server} lines become one line per replica ({@code replica-<n>}, keeping the shipped parameters). It runs in
 * the foreground; its log (the shipped {@code log stdout}, HTTP format) goes to {@code <workDir>/haproxy/haproxy.log}.
 */
final class HaproxyProcess implements AutoCloseable {
    private static final Pattern BIND = Pattern.compile("^(\\s*)bind\\s+\\S+(.*)$");
    private static final Pattern SERVER = Pattern.compile("^(\\s*)server\\s+\\S+\\s+[0-9.]+:\\d+(.*)$");
    /** {@code option httplog}: "... frontend backend/server timers status ... "METHOD target HTTP/1.1"". */
    private static final Pattern LOG_LINE =
            Pattern.compile("\\S+/(replica-\\d+) \\S+ (\\d{3}) .*\"(\\S+) (\\S+) [^\"]*\"$");

    private final int port;
    private final Path log;
    private final Process process;

    private HaproxyProcess(int port, Path log, Process process) {
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /** @return {@code <repo>/loadbalancer-config/haproxy.cfg} */
    static Path shippedConfig() {
        return ClusterProcesses.repoRoot().resolve("loadbalancer-config/haproxy.cfg");
    }

    /**
     * Starts HAProxy and waits until it accepts connections.
     *
     * @param workDir the test's output directory; configuration and log go to {@code workDir/haproxy/}
     * @param port loopback port HAProxy listens on
     * @param upstreamPorts the replicas' loopback ports; replica {@code i} is server {@code replica-<i+1>}
     */
    static HaproxyProcess start(Path workDir, int port, List<Integer> upstreamPorts) {
        try {
            Path dir = Files.createDirectories(workDir.resolve("haproxy"));
            Path conf = dir.resolve("haproxy.cfg");
            Files.writeString(conf, configFor(Files.readString(shippedConfig(), StandardCharsets.UTF_8), port,
                    upstreamPorts), StandardCharsets.UTF_8);
            Path log = dir.resolve("haproxy.log");
            Process process = ClusterProcesses.started(new ProcessBuilder(
                    Executables.require("haproxy").toString(), "-f", conf.toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start());
            HaproxyProcess haproxy = new HaproxyProcess(port, log, process);
            haproxy.awaitListening();
            return haproxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The shipped configuration with the bind address and the backend servers replaced, everything else unchanged.
     *
     * @throws IllegalStateException when the shipped file no longer has exactly one {@code bind} line or has no
     *     {@code server name host:port} line
     */
    static String configFor(String shipped, int port, List<Integer> upstreamPorts) {
        List<String> out = new ArrayList<>();
        int binds = 0;
        int servers = 0;
        for (String line : shipped.split("\n", -1)) {
            Matcher bind = BIND.matcher(line);
            Matcher server = SERVER.matcher(line);
            if (bind.matches()) {
                binds++;
                out.add(bind.group(1) + "bind 127.0.0.1:" + port + bind.group(2));
            } else if (server.matches()) {
                if (servers++ == 0) {
                    for (int i = 0; i < upstreamPorts.size(); i++) {
                        out.add(server.group(1) + "server replica-" + (i + 1) + " 127.0.0.1:" + upstreamPorts.get(i)
                                + server.group(2));
                    }
                }
            } else {
                out.add(line);
            }
        }
        if (binds != 1 || servers == 0) {
            throw new IllegalStateException("expected one bind line and server lines in " + shippedConfig()
                    + ", found " + binds + " and " + servers);
        }
        return String.join("\n", out);
    }

    /** @return {@code http://127.0.0.1:<port>} */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * @param target request target prefix, e.g. {@code /topics/t}
     * @return the 0-based replica index that answered each logged request for {@code target}, oldest first
     */
    List<Integer> servedBy(String target) {
        try {
            List<Integer> replicas = new ArrayList<>();
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                Matcher m = LOG_LINE.matcher(line);
                if (m.find() && m.group(4).startsWith(target)) {
                    replicas.add(Integer.parseInt(m.group(1).substring("replica-".length())) - 1);
                }
            }
            return replicas;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM (HAProxy's hard stop), SIGKILL after 10 s. */
    @Override
    public void close() {
        ClusterProcesses.terminate(process, 10);
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                ClusterProcesses.stopped(process);
                throw new IllegalStateException("haproxy exited with " + process.exitValue() + ":\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        close();
        throw new IllegalStateException("haproxy did not listen on " + port + ":\n"
                + Files.readString(log, StandardCharsets.UTF_8));
    }
}
