package io.github.krest.perf;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Polls per upstream, read from nginx's access log in the {@code krest} format of loadbalancer-config/nginx.conf
 * ({@code "GET /consumers/.../records HTTP/1.1" status bytes upstream=ADDR upstream_status=S request_time=SECONDS}):
 * the load balancer is the one place that knows which replica served each poll and how long it took. Only the
 * part of the log written between two {@link #size()} marks is read.
 */
final class NginxLog {
    private static final Pattern POLL = Pattern.compile(
            "\"GET (/consumers/\\S+/records) HTTP/[0-9.]+\" (\\d{3}) (\\d+) upstream=(.*?) upstream_status=(.*?) "
                    + "request_time=([0-9.]+)\\s*$");

    private final Path file;

    NginxLog(Path file) {
        this.file = file;
    }

    /** @return the log's length now, bytes: a mark to read from or up to */
    long size() throws IOException {
        return Files.size(file);
    }

    /** One replica's polls in a stretch of the log. */
    static final class Upstream {
        private final List<Double> timesMs = new ArrayList<>();
        private long ok;
        private long failed;
        private long okBytes;

        /** @return polls answered 200 */
        long ok() {
            return ok;
        }

        /** @return polls answered with any other status */
        long failed() {
            return failed;
        }

        /** @return body bytes of the polls answered 200 */
        long okBytes() {
            return okBytes;
        }

        /** @return the q-th percentile (0..100) of the request times of the polls answered 200, ms; 0 with none */
        double percentileMs(double q) {
            if (timesMs.isEmpty()) {
                return 0;
            }
            List<Double> sorted = timesMs.stream().sorted().toList();
            int index = (int) Math.ceil(q / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.clamp(index, 0, sorted.size() - 1));
        }
    }

    /**
     * @param from       a mark taken before
     * @param to         a mark taken after
     * @param pathPrefix only polls whose path starts with this (e.g. the scenario's group names)
     * @return the polls between the marks by upstream address (the last tried, when nginx tried more than one;
     *         "-" when nginx answered by itself)
     */
    Map<String, Upstream> polls(long from, long to, String pathPrefix) throws IOException {
        byte[] bytes = new byte[(int) Math.max(0, to - from)];
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            in.seek(from);
            in.readFully(bytes);
        }
        Map<String, Upstream> byUpstream = new LinkedHashMap<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n", -1)) {
            parse(line, pathPrefix, byUpstream);
        }
        return byUpstream;
    }

    /** Counts one access log line into {@code byUpstream} when it is a poll under {@code pathPrefix}. */
    static void parse(String line, String pathPrefix, Map<String, Upstream> byUpstream) {
        Matcher m = POLL.matcher(line);
        if (!m.find() || !m.group(1).startsWith(pathPrefix)) {
            return;
        }
        String[] tried = m.group(4).split(", ", -1);
        Upstream u = byUpstream.computeIfAbsent(tried[tried.length - 1].trim(), k -> new Upstream());
        if (m.group(2).equals("200")) {
            u.ok++;
            u.okBytes += Long.parseLong(m.group(3));
            u.timesMs.add(Double.parseDouble(m.group(6)) * 1000);
        } else {
            u.failed++;
        }
    }
}
