package io.github.krest.proxy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.SimpleFileServer;
import io.github.krest.proxy.cluster.NginxProcess.AccessLogEntry;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.testing.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The example page {@code examples/browser/} in a real browser (headless Chromium, {@link HeadlessChromium}) against
 * two krest replicas behind the shipped nginx configuration: the page produces with {@code fetch} under CORS and
 * authentication, consumes with an {@code EventSource} or a WebSocket, and shows every record once and in order while
 * the replica serving its stream is restarted. Subclasses choose the authentication: {@link BrowserClientIT} (HTTP
 * Basic for produce, consumer paths open) and {@link BrowserBearerClientIT} (a bearer token for everything, in the
 * {@code access_token} query parameter for the streams).
 *
 * <p>The page is served from another origin than krest (a JDK file server on its own port), so every call is a
 * cross-origin one: krest allows the page's origin with {@code access.control.allow.origin}, the methods and the
 * {@code Content-Type} and {@code Authorization} headers.
 *
 * <p>The run, once per stream kind: the page creates its consumer instance, subscribes and opens its stream; 20
 * records are produced with the page's form; the replica holding the stream's connection (found among nginx's
 * worker sockets in {@code /proc}: the only connection nginx holds to a replica while the page is idle is the
 * stream's) is stopped as a rolling restart stops it (SIGTERM); its stream ends, the page reconnects through nginx
 * to the other replica, 20 more records are produced; the replica is started again and 20 more are produced. The
 * page must then list exactly the 60 records, each once, in offset order per partition, and have opened its stream
 * at least twice. A screenshot goes to {@code proxy/target/cluster-it/<class>/page-<sse|ws>.png} (the path is
 * printed).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BrowserClientContract {
    /** Consumer groups are {@code browser-it-sse} and {@code browser-it-ws}. */
    static final String GROUP = "browser-it";
    private static final int PARTITIONS = 2;
    private static final int BATCH = 20;
    private static final Duration WAIT = Duration.ofSeconds(45);

    private HttpServer pages;
    private String pageOrigin;
    private KrestCluster cluster;
    private HeadlessChromium chromium;

    /**
     * @param workDir a directory for files the configuration names (a password file, say)
     * @return the {@code KAFKA_REST_AUTHENTICATION_*} variables of every replica
     */
    abstract Map<String, String> authentication(Path workDir) throws IOException;

    /** @return the page's credential settings: {@code user} and {@code password}, or {@code token} */
    abstract Map<String, String> pageCredentials();

    @BeforeAll
    void start() throws IOException {
        Assumptions.assumeTrue(HeadlessChromium.unavailable().isEmpty(),
                () -> getClass().getSimpleName() + " skipped: " + HeadlessChromium.unavailable().orElseThrow());
        Path examples = ClusterProcesses.repoRoot().resolve("examples/browser");
        int pagePort = FreePorts.next();
        pages = SimpleFileServer.createFileServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), pagePort),
                examples, SimpleFileServer.OutputLevel.NONE);
        pages.start();
        pageOrigin = "http://127.0.0.1:" + pagePort;

        Path secrets = Files.createTempDirectory("browser-it");
        secrets.toFile().deleteOnExit();
        KrestCluster.Options options = KrestCluster.options().withReplicas(2)
                .withEnv("KAFKA_REST_ACCESS_CONTROL_ALLOW_ORIGIN", pageOrigin)
                .withEnv("KAFKA_REST_ACCESS_CONTROL_ALLOW_METHODS", "GET,POST,DELETE")
                .withEnv("KAFKA_REST_ACCESS_CONTROL_ALLOW_HEADERS",
                        "Content-Type,Authorization,Accept,Idempotency-Key");
        for (Map.Entry<String, String> e : authentication(secrets).entrySet()) {
            options = options.withEnv(e.getKey(), e.getValue());
        }
        cluster = KrestCluster.start(getClass().getSimpleName(), options);
        chromium = HeadlessChromium.start(cluster.workDir().resolve("chromedriver.log"));
    }

    @AfterAll
    void stop() {
        try {
            if (chromium != null) {
                chromium.close();
            }
        } finally {
            try {
                if (cluster != null) {
                    cluster.close();
                }
            } finally {
                if (pages != null) {
                    pages.stop(0);
                }
            }
        }
    }

    @Test
    void eventSourceShowsEveryRecordOnceInOrderAcrossAReplicaRestart() {
        showsEveryRecordOnceInOrderAcrossARestartOfItsReplica("sse", "EventSource");
    }

    @Test
    void webSocketShowsEveryRecordOnceInOrderAcrossAReplicaRestart() {
        showsEveryRecordOnceInOrderAcrossARestartOfItsReplica("ws", "WebSocket");
    }

    /**
     * The run of the class comment with the page's {@code stream} setting.
     *
     * @param stream {@code sse} or {@code ws}
     * @param kind what the page's status names while it streams
     */
    private void showsEveryRecordOnceInOrderAcrossARestartOfItsReplica(String stream, String kind) {
        String topic = TestKafka.createTopic("browser-" + stream + "-" + System.nanoTime(), PARTITIONS);
        ChromeDriver page = chromium.driver();
        page.get(pageUrl(topic, GROUP + "-" + stream, stream + "-" + System.nanoTime(), stream));
        awaitText("#status", "streaming (" + kind + ")");

        produce("a", BATCH, BATCH);
        awaitRecords(BATCH);

        int victim = streamingReplica();
        String victimAddress = "127.0.0.1:" + cluster.replicaPort(victim);
        int mark = cluster.accessLog().size();
        cluster.stopReplica(victim);
        // nginx logs the stream (its request to the replica) once the stopping replica ended it
        assertTrue(since(mark).stream().anyMatch(e -> e.target().contains("/records")
                        && e.servedBy().map(victimAddress::equals).orElse(false)),
                () -> "no record stream of the stopped replica " + victimAddress + " in nginx's log: " + since(mark));
        awaitConnections(2);
        produce("b", BATCH, 2 * BATCH);
        awaitRecords(2 * BATCH);

        cluster.restartReplica(victim);
        produce("c", BATCH, 3 * BATCH);
        awaitRecords(3 * BATCH);
        Path shot = chromium.screenshot(cluster.workDir().resolve("page-" + stream + ".png"));
        System.out.println(getClass().getSimpleName() + ": screenshot of the page (" + kind + ") at " + shot);

        assertShownOnceInOrder(pageRecords(), List.of("a", "b", "c"));
        assertTrue(page.findElements(By.cssSelector("#log .error")).isEmpty(),
                () -> "errors on the page: " + page.findElement(By.id("log")).getText());
        page.findElement(By.id("stop")).click();
        awaitText("#status", "stopped");
    }

    /** @return the page's URL with its settings in the query string, so that it starts consuming at once */
    private String pageUrl(String topic, String group, String instance, String stream) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("krest", cluster.lbUrl());
        query.put("topic", topic);
        query.put("group", group);
        query.put("instance", instance);
        query.putAll(pageCredentials());
        query.put("stream", stream);
        query.put("autostart", "1");
        return pageOrigin + "/index.html?" + query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** Produces with the page's form: {@code count} records valued {@code value-0 ...}; waits for the answer. */
    private void produce(String value, int count, int totalAfter) {
        ChromeDriver page = chromium.driver();
        WebElement valueField = page.findElement(By.cssSelector("#produce input[name=value]"));
        valueField.clear();
        valueField.sendKeys(value);
        WebElement countField = page.findElement(By.cssSelector("#produce input[name=count]"));
        countField.clear();
        countField.sendKeys(Integer.toString(count));
        page.findElement(By.id("send")).click();
        wait(page).withMessage(() -> "the page's produce did not complete: " + statusAndLog())
                .until(d -> Integer.toString(totalAfter).equals(
                        d.findElement(By.id("produced")).getDomAttribute("data-total")));
    }

    private void awaitText(String selector, String text) {
        wait(chromium.driver()).withMessage(() -> "waited for " + selector + " to read '" + text + "': "
                        + statusAndLog())
                .until(d -> d.findElement(By.cssSelector(selector)).getText().equals(text));
    }

    private void awaitRecords(int count) {
        wait(chromium.driver()).withMessage(() -> "waited for " + count + " records on the page: " + statusAndLog())
                .until(d -> d.findElements(By.cssSelector("#records li")).size() >= count);
    }

    private void awaitConnections(int count) {
        wait(chromium.driver()).withMessage(() -> "waited for the page's stream to reconnect: " + statusAndLog())
                .until(d -> Integer.parseInt(d.findElement(By.id("connections")).getText()) >= count);
    }

    private static WebDriverWait wait(ChromeDriver driver) {
        WebDriverWait wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(100));
        return wait;
    }

    private String statusAndLog() {
        ChromeDriver page = chromium.driver();
        return "status '" + page.findElement(By.id("status")).getText() + "', records "
                + page.findElements(By.cssSelector("#records li")).size() + ", log:\n"
                + page.findElement(By.id("log")).getText();
    }

    /** One record as the page lists it. */
    private record Shown(int partition, long offset, String value) {
    }

    @SuppressWarnings("unchecked")
    private List<Shown> pageRecords() {
        List<List<Object>> rows = (List<List<Object>>) chromium.driver().executeScript(
                "return [...document.querySelectorAll('#records li')]"
                        + ".map(li => [li.dataset.partition, li.dataset.offset, li.dataset.value]);");
        List<Shown> shown = new ArrayList<>();
        for (List<Object> row : rows) {
            shown.add(new Shown(Integer.parseInt((String) row.get(0)), Long.parseLong((String) row.get(1)),
                    (String) row.get(2)));
        }
        return shown;
    }

    /**
     * Every value {@code <prefix>-<i>} for each prefix and {@code i < BATCH} exactly once; per partition offsets
     * rising by one from 0 (nothing skipped, nothing twice), and the values in the order they were produced.
     */
    private static void assertShownOnceInOrder(List<Shown> shown, List<String> prefixes) {
        List<String> expected = new ArrayList<>();
        for (String prefix : prefixes) {
            for (int i = 0; i < BATCH; i++) {
                expected.add(prefix + "-" + i);
            }
        }
        assertEquals(expected.stream().sorted().toList(), shown.stream().map(Shown::value).sorted().toList(),
                "the values the page shows, each once");
        Map<Integer, List<Shown>> byPartition = new TreeMap<>();
        shown.forEach(s -> byPartition.computeIfAbsent(s.partition(), p -> new ArrayList<>()).add(s));
        for (Map.Entry<Integer, List<Shown>> partition : byPartition.entrySet()) {
            List<Shown> records = partition.getValue();
            for (int i = 0; i < records.size(); i++) {
                assertEquals(i, records.get(i).offset(), "partition " + partition.getKey() + ": " + records);
            }
            List<String> values = records.stream().map(Shown::value).toList();
            assertEquals(expected.stream().filter(values::contains).toList(), values,
                    "partition " + partition.getKey() + " in produce order");
        }
    }

    /**
     * @return the replica that serves the page's record stream: the one nginx holds a connection to while the page
     *     does nothing else (nginx opens a connection per request and keeps none idle)
     */
    private int streamingReplica() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Integer> serving = List.of();
        while (System.nanoTime() < deadline) {
            Set<String> nginxSockets = nginxSocketInodes();
            serving = new ArrayList<>();
            for (int i = 0; i < cluster.replicaCount(); i++) {
                if (establishedTo(cluster.replicaPort(i), nginxSockets) > 0) {
                    serving.add(i);
                }
            }
            if (serving.size() == 1) {
                return serving.get(0);
            }
            ClusterProcesses.sleep(100);
        }
        throw new AssertionError("expected nginx to hold one connection to a replica (the stream's), found " + serving);
    }

    /** @return the inodes of the sockets nginx's worker processes have open ({@code /proc/<pid>/fd}) */
    private Set<String> nginxSocketInodes() {
        Set<String> inodes = new HashSet<>();
        ProcessHandle.of(cluster.nginxPid()).orElseThrow().children().forEach(worker -> {
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", worker.pid() + "", "fd"))) {
                for (Path fd : fds) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                            inodes.add(target.substring("socket:[".length(), target.length() - 1));
                        }
                    } catch (IOException closedMeanwhile) {
                        // the descriptor went away while listed
                    }
                }
            } catch (IOException workerGone) {
                // a worker that exited has no connections
            }
        });
        return inodes;
    }

    /**
     * @return the number of ESTABLISHED IPv4 TCP connections to {@code 127.0.0.1:port} among {@code sockets}
     *     ({@code /proc/net/tcp}: sl, local_address, rem_address, st, ..., inode in the tenth column)
     */
    private static int establishedTo(int port, Set<String> sockets) {
        try {
            String remote = String.format("0100007F:%04X", port);
            int count = 0;
            for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
                String[] fields = line.trim().split("\\s+", -1);
                if (fields.length > 9 && fields[2].equals(remote) && fields[3].equals("01")
                        && sockets.contains(fields[9])) {
                    count++;
                }
            }
            return count;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<AccessLogEntry> since(int mark) {
        List<AccessLogEntry> log = cluster.accessLog();
        return log.subList(mark, log.size());
    }
}
