package io.github.krest.proxy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.cluster.DeliveryLog.Position;
import io.github.krest.proxy.cluster.NginxProcess.AccessLogEntry;
import io.github.krest.proxy.testing.EventStream;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.WebSocketClient;
import io.github.krest.testing.FreePorts;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped load-balancer configurations ({@code loadbalancer-config/}) do what
 * loadbalancer-config/README.md says they do, independently of the consumer API:
 * <ul>
 *   <li>{@code nginx -t} and {@code haproxy -c} accept the files as shipped;</li>
 *   <li>nginx, and HAProxy too, spread v2 produce requests from one client connection over every replica
 *       (round-robin, no affinity);</li>
 *   <li>v3 streaming produce through either is full duplex: receipts arrive while the chunked request body is
 *       still open (no request or response buffering);</li>
 *   <li>a SIGKILLed replica is skipped: POSTs that would have gone to it are passed to a live replica (it never
 *       received them), and it takes requests again after a restart;</li>
 *   <li>WebSockets (produce and consume) pass both;</li>
 *   <li>when no replica can be reached nginx itself answers in krest's JSON error shape, not an HTML page.</li>
 * </ul>
 */
class LoadBalancerConfigIT {
    private static KrestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = KrestCluster.start("LoadBalancerConfigIT", KrestCluster.options());
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void nginxAcceptsTheShippedFile() throws Exception {
        Path prefix = Files.createDirectories(cluster.workDir().resolve("nginx-t/logs")).getParent();
        Result result = run(List.of(Executables.require("nginx").toString(), "-t", "-p", prefix + "/",
                "-c", NginxProcess.shippedConfig().toString(), "-e", "stderr"));
        assertEquals(0, result.status(), result.output());
        assertTrue(result.output().contains("test is successful"), result.output());
        assertFalse(result.output().contains("[warn]"), result.output());
    }

    @Test
    void haproxyAcceptsTheShippedFile() throws Exception {
        Path config = ClusterProcesses.repoRoot().resolve("loadbalancer-config/haproxy.cfg");
        Result result = run(List.of(Executables.require("haproxy").toString(), "-c", "-f", config.toString()));
        assertEquals(0, result.status(), result.output());
        assertTrue(result.output().contains("Configuration file is valid"), result.output());
        assertFalse(result.output().contains("[WARNING]") || result.output().contains("[ALERT]"), result.output());
    }

    @Test
    void nginxSpreadsV2ProduceOverEveryReplica() {
        assertSpreadOverEveryReplica(cluster.lb(), topic -> cluster.accessLog().stream()
                .filter(e -> e.target().equals("/topics/" + topic))
                .flatMap(e -> e.servedBy().flatMap(cluster::replicaIndex).stream())
                .toList());
    }

    @Test
    void nginxPassesV3StreamingProduceFullDuplex() throws Exception {
        assertFullDuplex(cluster.lbUrl());
    }

    @Test
    void haproxySpreadsV2ProduceAndPassesV3StreamingFullDuplex() throws Exception {
        try (HaproxyProcess haproxy = haproxy()) {
            assertSpreadOverEveryReplica(new KrestHttp(haproxy.url()), topic -> haproxy.servedBy("/topics/" + topic));
            assertFullDuplex(haproxy.url());
        }
    }

    /** @return HAProxy with the shipped file in front of the cluster's replicas */
    private static HaproxyProcess haproxy() {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < cluster.replicaCount(); i++) {
            ports.add(cluster.replicaPort(i));
        }
        return HaproxyProcess.start(cluster.workDir(), FreePorts.next(), ports);
    }

    /**
     * Sends single-record v2 produce requests over one client connection until every replica has answered one
     * (at least two rounds, at most 30 s); each must be 200 with the next offset.
     */
    private static void assertSpreadOverEveryReplica(KrestHttp lb, Function<String, List<Integer>> servedBy) {
        String topic = TestKafka.createTopic("lb-spread-" + System.nanoTime(), 1);
        V2ProduceClient producer = new V2ProduceClient(lb);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int sent = 0;
        Set<Integer> replicas = Set.of();
        while (replicas.size() < cluster.replicaCount() || sent < 2 * cluster.replicaCount()) {
            if (System.nanoTime() > deadline) {
                fail("after " + sent + " requests through " + lb.base() + " only replicas " + replicas + " served");
            }
            Map<Position, String> written = producer.produce(topic, sent, 1, 1);
            assertEquals(Map.of(new Position(0, sent), topic + "-v-" + sent), written, "offsets follow each other");
            sent++;
            replicas = new HashSet<>(servedBy.apply(topic));
        }
        assertEquals(sent, TestKafka.readAll(topic, sent).size());
    }

    /** The status line and each receipt of a v3 produce stream arrive while its chunked body is still open. */
    private static void assertFullDuplex(String lbUrl) throws Exception {
        String topic = TestKafka.createTopic("lb-stream-" + System.nanoTime(), 1);
        String clusterId = TestKafka.admin().describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        String path = "/v3/clusters/" + clusterId + "/topics/" + topic + "/records";
        try (DuplexStream stream = new DuplexStream(lbUrl, path)) {
            stream.chunk(record("one") + "\n");
            stream.readHead();
            assertEquals(200, stream.status);
            assertEquals("chunked", stream.headers.get("transfer-encoding"));
            assertReceipt(stream.receipt(), topic, 0);

            stream.chunk(record("two"));
            assertReceipt(stream.receipt(), topic, 1);
            stream.chunk("\n" + record("three"));
            assertReceipt(stream.receipt(), topic, 2);
            stream.endBody();
            assertEquals("", stream.readToEnd().strip());
        }
        List<ConsumerRecord<byte[], byte[]>> records = TestKafka.readAll(topic, 3);
        assertEquals(List.of("one", "two", "three"),
                records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList());
    }

    @Test
    void nginxPassesWebSockets() throws Exception {
        assertWebSocketsPass(cluster.lbUrl());
    }

    @Test
    void haproxyPassesWebSockets() throws Exception {
        try (HaproxyProcess haproxy = haproxy()) {
            assertWebSocketsPass(haproxy.url());
        }
    }

    /** Produce over a WebSocket through the balancer (a receipt per record), then consume the records over one. */
    private static void assertWebSocketsPass(String lbUrl) throws Exception {
        String topic = TestKafka.createTopic("lb-ws-" + System.nanoTime(), 1);
        String clusterId = TestKafka.admin().describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        String ws = lbUrl.replaceFirst("^http", "ws");
        try (WebSocketClient produce = WebSocketClient.open(ws + "/v3/clusters/" + clusterId + "/topics/" + topic
                + "/records")) {
            produce.send(record("one"));
            produce.send(record("two"));
            assertReceipt(produce.next(10_000), topic, 0);
            assertReceipt(produce.next(10_000), topic, 1);
        }
        KrestHttp lb = new KrestHttp(lbUrl);
        String group = "lb-ws-group-" + System.nanoTime();
        KrestHttp.Response created = lb.post("/consumers/" + group, "application/vnd.kafka.v2+json",
                "{\"name\":\"c\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}");
        assertEquals(200, created.status(), created.body());
        String instance = "/consumers/" + group + "/instances/c";
        assertEquals(204, lb.post(instance + "/subscription", "application/vnd.kafka.v2+json",
                "{\"topics\":[\"" + topic + "\"]}").status());
        List<String> values = new ArrayList<>();
        try (WebSocketClient consume = WebSocketClient.open(ws + instance + "/records?timeout=200")) {
            while (values.size() < 2) {
                for (com.fasterxml.jackson.databind.JsonNode r : KrestHttp.json(consume.next(10_000))) {
                    values.add(new String(java.util.Base64.getDecoder().decode(r.get("value").asText()),
                            StandardCharsets.UTF_8));
                }
            }
        }
        assertEquals(List.of("one", "two"), values);
    }

    /**
     * Record streams pass nginx unbuffered (an event arrives long before its stream ends), and the streams an
     * EventSource opens one after the other land on different replicas, each going on where the last one ended.
     */
    @Test
    void nginxPassesRecordStreamsAndEachReconnectGoesOnWhereTheLastEnded() throws Exception {
        String topic = TestKafka.createTopic("lb-events-" + System.nanoTime(), 1);
        String group = "lb-events-group-" + System.nanoTime();
        KrestHttp lb = cluster.lb();
        KrestHttp.Response created = lb.post("/consumers/" + group, "application/vnd.kafka.v2+json",
                "{\"name\":\"c\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}");
        assertEquals(200, created.status(), created.body());
        String instance = "/consumers/" + group + "/instances/c";
        assertEquals(204, lb.post(instance + "/subscription", "application/vnd.kafka.v2+json",
                "{\"topics\":[\"" + topic + "\"]}").status());
        V2ProduceClient producer = new V2ProduceClient(lb);

        List<String> received = new ArrayList<>();
        long start = System.nanoTime();
        producer.produce(topic, 0, 1, 1);
        EventStream first = EventStream.open(cluster.lbUrl(), instance, "timeout=200&duration=5000");
        assertEquals(200, first.status());
        received.addAll(first.values(1));
        long firstEventMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(firstEventMs < 3_000, "the event came through at once, not with the stream's end: "
                + firstEventMs + " ms");
        first.rest();
        int streams = 1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (streamedBy(instance).size() < 2 || streams < 3) {
            assertTrue(System.nanoTime() < deadline, "streams served by " + streamedBy(instance) + " only");
            producer.produce(topic, streams, 1, 1);
            EventStream next = EventStream.open(cluster.lbUrl(), instance, "timeout=200&duration=800");
            received.addAll(next.values(1));
            next.rest();
            streams++;
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            expected.add(topic + "-v-" + i);
        }
        assertEquals(expected, received, "each record once, in order, across " + streamedBy(instance));
    }

    /** @return the replicas nginx sent the record streams of {@code instance} to */
    private static Set<Integer> streamedBy(String instance) {
        return cluster.accessLog().stream().filter(e -> e.target().startsWith(instance + "/records"))
                .flatMap(e -> e.servedBy().flatMap(cluster::replicaIndex).stream())
                .collect(Collectors.toSet());
    }

    @Test
    void killedReplicaIsSkippedAndRejoinsAfterRestart() {
        String topic = TestKafka.createTopic("lb-failover-" + System.nanoTime(), 1);
        V2ProduceClient producer = new V2ProduceClient(cluster.lb());
        int victim = cluster.replicaCount() - 1;
        cluster.killReplica(victim);
        try {
            int mark = cluster.accessLog().size();
            for (int i = 0; i < 3 * cluster.replicaCount(); i++) {
                // asserts 200 and the offset: a POST nginx tried on the dead replica was passed on, produced once
                assertEquals(Map.of(new Position(0, i), topic + "-v-" + i), producer.produce(topic, i, 1, 1));
            }
            List<AccessLogEntry> log = cluster.accessLog();
            for (AccessLogEntry entry : log.subList(mark, log.size())) {
                assertEquals(200, entry.status(), entry::toString);
                assertFalse(entry.servedBy().flatMap(cluster::replicaIndex).map(i -> i == victim).orElse(false),
                        () -> "the killed replica answered " + entry);
            }
        } finally {
            cluster.restartReplica(victim);
        }
        // back in the rotation once nginx's fail_timeout has passed
        int mark = cluster.accessLog().size();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 3 * cluster.replicaCount(); ; i++) {
            producer.produce(topic, i, 1, 1);
            List<AccessLogEntry> log = cluster.accessLog();
            if (log.subList(mark, log.size()).stream()
                    .anyMatch(e -> e.servedBy().flatMap(cluster::replicaIndex).map(r -> r == victim).orElse(false))) {
                break;
            }
            if (System.nanoTime() > deadline) {
                fail("the restarted replica got no request within 30 s: " + log.subList(mark, log.size()));
            }
            ClusterProcesses.sleep(200);
        }
    }

    @Test
    void noReachableReplicaIsAJsonError() throws Exception {
        // a second nginx with the shipped file whose only upstream listens nowhere
        try (NginxProcess lonely = NginxProcess.start(cluster.workDir().resolve("no-replica"),
                FreePorts.next(), List.of(FreePorts.next()))) {
            KrestHttp.Response r = new KrestHttp(lonely.url()).get("/topics");
            assertEquals(502, r.status(), r.body());
            assertTrue(r.contentType().startsWith("application/json"), r.contentType());
            assertEquals(502, r.errorCode(), r.body());
            assertTrue(r.json().hasNonNull("message"), r.body());
        }
    }

    private static String record(String value) {
        return "{\"value\":{\"type\":\"STRING\",\"data\":\"" + value + "\"}}";
    }

    private static void assertReceipt(String line, String topic, long offset) {
        JsonNode receipt = KrestHttp.json(line);
        assertEquals(200, receipt.path("error_code").asInt(), line);
        assertEquals(topic, receipt.path("topic_name").asText(), line);
        assertEquals(offset, receipt.path("offset").asLong(-1), line);
    }

    private record Result(int status, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = ClusterProcesses.started(new ProcessBuilder(command).redirectErrorStream(true).start());
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                fail(command + " did not finish: " + output);
            }
            return new Result(process.exitValue(), output);
        } finally {
            ClusterProcesses.kill(process);
        }
    }

    /**
     * One HTTP/1.1 request with a chunked body over a raw socket, whose response is read while the body is still
     * being written: what {@code java.net.http} cannot do (it sends the whole body first).
     */
    private static final class DuplexStream implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private final Map<String, String> headers = new HashMap<>();
        private int status;
        private boolean ended;

        DuplexStream(String baseUrl, String path) throws IOException {
            URI base = URI.create(baseUrl);
            socket = new Socket(base.getHost(), base.getPort());
            // a response held back until the body ends shows as this timeout, not as a hang
            socket.setSoTimeout(15_000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        void chunk(String data) throws IOException {
            byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
            out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        void endBody() throws IOException {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        void readHead() throws IOException {
            status = Integer.parseInt(line().split(" ", -1)[1]);
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
        }

        /** The next CRLF-terminated receipt of the chunked response body, without the CRLF. */
        String receipt() throws IOException {
            while (true) {
                byte[] bytes = pending.toByteArray();
                for (int i = 0; i + 1 < bytes.length; i++) {
                    if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                        pending.reset();
                        pending.write(bytes, i + 2, bytes.length - i - 2);
                        return new String(bytes, 0, i, StandardCharsets.UTF_8);
                    }
                }
                if (!nextChunk()) {
                    throw new AssertionError("response ended without another receipt: "
                            + new String(bytes, StandardCharsets.UTF_8));
                }
            }
        }

        String readToEnd() throws IOException {
            while (nextChunk()) {
                // keep reading
            }
            return pending.toString(StandardCharsets.UTF_8);
        }

        private boolean nextChunk() throws IOException {
            if (ended) {
                return false;
            }
            int size = Integer.parseInt(line().split(";", -1)[0].trim(), 16);
            if (size == 0) {
                line();
                ended = true;
                return false;
            }
            byte[] data = in.readNBytes(size);
            pending.write(data);
            line();
            return true;
        }

        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed mid-line: " + b);
                }
                b.write(c);
            }
            String s = b.toString(StandardCharsets.US_ASCII);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
