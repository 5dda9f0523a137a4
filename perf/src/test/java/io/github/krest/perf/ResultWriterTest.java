package io.github.krest.perf;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultWriterTest {
    @TempDir
    Path dir;

    private static RunReport report() {
        return report(RunReport.SHARED);
    }

    private static RunReport report(String placement) {
        Histogram krest = new Histogram(60_000_000L, 3);
        Histogram nat = new Histogram(60_000_000L, 3);
        for (int i = 1; i <= 1000; i++) {
            krest.recordValue(1000L + i * 10L);   // 1.01 .. 11 ms
            nat.recordValue(500L + i);           // 0.501 .. 1.5 ms
        }
        return new RunReport(Instant.parse("2026-11-22T01:02:03Z"), "box/1", new RunReport.Machine(2, "cpu", "jdk",
                "os"), Settings.quick(), placement,
                List.of(new ThroughputResult("produce_ratio", "v2", "krest", 45_000, "native", 50_000, 0, 12.5, 30,
                                30),
                        new ThroughputResult("consume_ratio", "consume", "krest", 10_000, "native", 40_000, 2, 30,
                                42.5, 30)),
                Optional.of(LatencyResult.of("krest", krest, 0)), Optional.of(LatencyResult.of("native", nat, 0)),
                Optional.of(new MemoryResult(500, 0, 40, 60, 1, 2)), Optional.empty(), List.of("a note"));
    }

    @Test
    void writesTheIssueKeysAsRatiosOfTheSameRun() throws Exception {
        List<Path> files = new ResultWriter().write(report(), dir);
        assertEquals(dir.resolve("2026-11-22-0102-box_1.json"), files.getFirst());
        JsonNode json = new ObjectMapper().readTree(files.getFirst().toFile());
        assertEquals(0.9, json.get("produce_ratio").asDouble(), 1e-9);
        assertEquals(0.25, json.get("consume_ratio").asDouble(), 1e-9);
        assertFalse(json.has("produce_v3_stream_ratio"), "a scenario that did not run has no key");
        assertEquals(6.0, json.get("single_record_produce_p50_ms").asDouble(), 0.05);
        assertEquals(10.9, json.get("single_record_produce_p99_ms").asDouble(), 0.05);
        assertEquals(1.49, json.get("native_single_record_produce_p99_ms").asDouble(), 0.01);
        // 500 instances grew the heap by 20 MiB and Redis by 1 MiB: 40 and 2 per 1000
        assertEquals(40.0, json.get("memory_per_1000_instances_mb").get("replica_heap").asDouble(), 1e-9);
        assertEquals(2.0, json.get("memory_per_1000_instances_mb").get("redis").asDouble(), 1e-9);
        assertEquals(2, json.get("scenarios").get("consume").get("errors").asInt());
        assertEquals(42.5, json.get("scenarios").get("consume").get("krest_warmup_s").asDouble(), 1e-9);
        assertEquals(30.0, json.get("scenarios").get("consume").get("baseline_warmup_s").asDouble(), 1e-9);
        assertEquals("quick", json.get("mode").asText());
        assertEquals("shared", json.get("cpu_placement").asText());
    }

    @Test
    void anIsolatedRunIsNamedAndLabelledAsSuch() throws Exception {
        String placement = "replicas on CPUs 1; driver, Kafka, Redis, nginx on CPUs 0";
        List<Path> files = new ResultWriter().write(report(placement), dir);
        assertEquals(dir.resolve("2026-11-22-0102-box_1-isolated.json"), files.getFirst());
        assertEquals(placement, new ObjectMapper().readTree(files.getFirst().toFile()).get("cpu_placement").asText());
        String md = Files.readString(dir.resolve("2026-11-22-0102-box_1-isolated.md"));
        assertTrue(md.contains("CPU placement (`perf/run --isolate`): " + placement), md);
    }

    @Test
    void writesASummaryWithTargetsAndTwoPngCharts() throws Exception {
        List<Path> files = new ResultWriter().write(report(), dir);
        assertEquals(4, files.size());
        String md = Files.readString(dir.resolve("2026-11-22-0102-box_1.md"));
        assertTrue(md.contains("| `produce_ratio` | 0.900 | >= 0.85 | yes |"), md);
        assertTrue(md.contains("| `consume_ratio` | 0.250 | >= 0.6 | no |"), md);
        // p99 10.9 ms against the native 1.49 + 5 ms
        assertTrue(md.contains("| `single_record_produce_p99_ms` | 10.90 | <= 6.49 (native + 5) | no |"), md);
        assertTrue(md.contains("![throughput](2026-11-22-0102-box_1-throughput.png)"), md);
        for (String png : List.of("-throughput.png", "-latency.png")) {
            byte[] bytes = Files.readAllBytes(dir.resolve("2026-11-22-0102-box_1" + png));
            assertEquals((byte) 0x89, bytes[0]);
            assertEquals("PNG", new String(bytes, 1, 3, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void chartsOfAnOverloadedRunAreWrittenToo() {
        // seconds-long latencies with a short tail once made xchart's log axis loop forever
        Histogram slow = new Histogram(120_000_000L, 3);
        for (int i = 1; i <= 200_000; i++) {
            slow.recordValue(8_000_000L + (i % 10_000) * 1500L + (i == 200_000 ? 20_000_000L : 0));
        }
        RunReport r = report();
        RunReport overloaded = new RunReport(r.date(), r.host(), r.machine(), r.settings(), r.placement(), r.throughput(),
                Optional.of(LatencyResult.of("krest", slow, 0)), r.nativeLatency(), r.memory(), r.scale(), r.notes());
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> new ResultWriter().write(overloaded, dir));
        assertTrue(Files.exists(dir.resolve("2026-11-22-0102-box_1-latency.png")));
    }

    @Test
    void v3ReceiptsAreCountedAcrossChunkBoundaries() throws Exception {
        String body = "{\"error_code\":200,\"offset\":1}\r\n{\"error_code\":200,\"off";
        String rest = "set\":2}\r\n{\"error_code\":429,\"message\":\"x\"}\r\n{\"error_co";
        String last = "de\":200,\"offset\":3}\r\n{\"error_code\":2";
        String tail = "01,\"offset\":4}\r\n{\"error_code\":20\r\n";
        String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n"
                + Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n"
                + Integer.toHexString(last.length()) + "\r\n" + last + "\r\n"
                + Integer.toHexString(tail.length()) + "\r\n" + tail + "\r\n0\r\n\r\n";
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        V3StreamClient.readReceipts(new ByteArrayInputStream(response.getBytes(StandardCharsets.US_ASCII)), acked,
                failed);
        // offsets 1, 2 and 3 (its prefix split across chunks) were acknowledged; the 429, the 201 and the line
        // cut short inside the prefix were not
        assertEquals(3, acked.get());
        assertEquals(3, failed.get());
    }
}
