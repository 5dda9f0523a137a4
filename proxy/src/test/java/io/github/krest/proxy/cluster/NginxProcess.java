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
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real nginx running the shipped {@code loadbalancer-config/nginx.conf} in front of given loopback ports.
 *
 * <p>The configuration is the shipped file with only two edits, so that a test proves the file users get: the
 * {@code listen} line names the test's port, and the upstream's {@code server} lines are replaced by one line per
 * replica port, each keeping the parameters of the shipped first line ({@code max_fails}, {@code fail_timeout}).
 * nginx runs in the foreground ({@code -g 'daemon off;'}) with its prefix in {@code <workDir>/nginx/}, where the
 * shipped file's relative paths put {@code logs/access.log}, {@code logs/error.log} and the pid file.
 */
final class NginxProcess implements AutoCloseable {
    private static final Pattern LISTEN = Pattern.compile("^(\\s*)listen\\s+[^;]+;\\s*$");
    private static final Pattern UPSTREAM_SERVER =
            Pattern.compile("^(\\s*)server\\s+[0-9.]+:\\d+((?:\\s+[^;]+)?);\\s*$");

    private final Path prefix;
    private final int port;
    private final Process process;

    private NginxProcess(Path prefix, int port, Process process) {
        this.prefix = prefix;
        this.port = port;
        this.process = process;
    }

    /** @return {@code <repo>/loadbalancer-config/nginx.conf} */
    static Path shippedConfig() {
        return ClusterProcesses.repoRoot().resolve("loadbalancer-config/nginx.conf");
    }

    /**
     * Starts nginx and waits until it accepts connections.
     *
     * @param workDir the test's output directory; nginx's prefix is {@code workDir/nginx/}
     * @param port loopback port nginx listens on
     * @param upstreamPorts the replicas' loopback ports, in upstream order
     * @return the running nginx
     */
    static NginxProcess start(Path workDir, int port, List<Integer> upstreamPorts) {
        try {
            Path prefix = Files.createDirectories(workDir.resolve("nginx"));
            Files.createDirectories(prefix.resolve("logs"));
            Path conf = prefix.resolve("nginx.conf");
            Files.writeString(conf, configFor(Files.readString(shippedConfig(), StandardCharsets.UTF_8), port,
                    upstreamPorts), StandardCharsets.UTF_8);
            Path out = prefix.resolve("nginx.out");
            Process process = ClusterProcesses.started(new ProcessBuilder(
                    Executables.require("nginx").toString(),
                    "-p", prefix + "/", "-c", conf.toString(), "-e", "stderr", "-g", "daemon off;")
                    .directory(prefix.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start());
            NginxProcess nginx = new NginxProcess(prefix, port, process);
            nginx.awaitListening(out);
            return nginx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The shipped configuration with the listen port and the upstream servers replaced, everything else unchanged.
     *
     * @throws IllegalStateException when the shipped file no longer has exactly one {@code listen} line or has no
     *     {@code server host:port} line, so that a changed file fails loudly instead of testing something else
     */
    static String configFor(String shipped, int port, List<Integer> upstreamPorts) {
        List<String> out = new ArrayList<>();
        int listens = 0;
        int servers = 0;
        for (String line : shipped.split("\n", -1)) {
            Matcher listen = LISTEN.matcher(line);
            Matcher server = UPSTREAM_SERVER.matcher(line);
            if (listen.matches()) {
                listens++;
                out.add(listen.group(1) + "listen 127.0.0.1:" + port + ";");
            } else if (server.matches()) {
                if (servers++ == 0) {
                    for (int upstream : upstreamPorts) {
                        out.add(server.group(1) + "server 127.0.0.1:" + upstream + server.group(2) + ";");
                    }
                }
            } else {
                out.add(line);
            }
        }
        if (listens != 1 || servers == 0) {
            throw new IllegalStateException("expected one listen line and upstream server lines in "
                    + shippedConfig() + ", found " + listens + " and " + servers);
        }
        return String.join("\n", out);
    }

    /** @return {@code http://127.0.0.1:<port>} */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** @return the nginx master process's pid */
    long pid() {
        return process.pid();
    }

    /** @return {@code logs/access.log} under the prefix (shipped format {@code krest}) */
    Path accessLog() {
        return prefix.resolve("logs/access.log");
    }

    /** @return every request nginx logged so far, oldest first */
    List<AccessLogEntry> accessLogEntries() {
        try {
            if (!Files.exists(accessLog())) {
                return List.of();
            }
            return Files.readAllLines(accessLog(), StandardCharsets.UTF_8).stream()
                    .map(AccessLogEntry::parse)
                    .flatMap(Optional::stream)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fast shutdown (SIGTERM to the master, which stops its workers); SIGKILL to all after 10 s. */
    @Override
    public void close() {
        ClusterProcesses.terminate(process, 10);
    }

    private void awaitListening(Path out) throws IOException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                ClusterProcesses.stopped(process);
                throw new IllegalStateException("nginx exited with " + process.exitValue() + ":\n"
                        + Files.readString(out, StandardCharsets.UTF_8));
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
        throw new IllegalStateException("nginx did not listen on " + port + ":\n"
                + Files.readString(out, StandardCharsets.UTF_8));
    }

    /**
     * One line of the shipped {@code krest} access-log format.
     *
     * @param method request method
     * @param target request target (path and query)
     * @param status status nginx answered
     * @param upstreams every upstream tried, in order ({@code 127.0.0.1:port}); empty when none was
     * @param upstreamStatuses the status of each try ({@code 502} for a connection that failed)
     */
    record AccessLogEntry(String method, String target, int status, List<String> upstreams,
            List<String> upstreamStatuses) {
        private static final Pattern LINE = Pattern.compile(
                "^\\S+ \\[[^]]+] \"(\\S+) (\\S+) [^\"]*\" (\\d{3}) \\d+ upstream=(.*) upstream_status=(.*) "
                        + "request_time=\\S+$");

        static Optional<AccessLogEntry> parse(String line) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                return Optional.empty();
            }
            return Optional.of(new AccessLogEntry(m.group(1), m.group(2), Integer.parseInt(m.group(3)),
                    split(m.group(4)), split(m.group(5))));
        }

        private static List<String> split(String value) {
            return "-".equals(value) ? List.of() : Arrays.stream(value.split("\\s*[,:]\\s+|\\s*,\\s*"))
                    .map(String::trim).filter(s -> !s.isEmpty()).toList();
        }

        /** @return the upstream that produced the answer (the last one tried), if any */
        Optional<String> servedBy() {
            return upstreams.isEmpty() ? Optional.empty()
                    : Optional.of(upstreams.get(upstreams.size() - 1));
        }
    }
}
