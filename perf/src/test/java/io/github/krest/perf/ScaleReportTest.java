package io.github.krest.perf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScaleReportTest {
    @TempDir
    Path dir;

    @Test
    void nginxLinesCountPerUpstreamWithTheirTimes() {
        Map<String, NginxLog.Upstream> byUpstream = new LinkedHashMap<>();
        String poll = "127.0.0.1 [06/Dec/2026:02:16:37 +0000] \"GET /consumers/scale-f-1-0/instances/i0/records "
                + "HTTP/1.1\" ";
        NginxLog.parse(poll + "200 400 upstream=127.0.0.1:20005 upstream_status=200 request_time=0.010", "/consumers/"
                + "scale-f", byUpstream);
        NginxLog.parse(poll + "200 2 upstream=127.0.0.1:20005 upstream_status=200 request_time=1.002", "/consumers/"
                + "scale-f", byUpstream);
        // tried two replicas: counts for the last
        NginxLog.parse(poll + "200 800 upstream=127.0.0.1:20005, 127.0.0.1:20006 upstream_status=502, 200 "
                + "request_time=0.020", "/consumers/scale-f", byUpstream);
        NginxLog.parse(poll + "404 60 upstream=127.0.0.1:20006 upstream_status=404 request_time=0.001",
                "/consumers/scale-f", byUpstream);
        // another scenario's group, and not a poll
        NginxLog.parse(poll.replace("scale-f", "perf-rr") + "200 9 upstream=127.0.0.1:20005 upstream_status=200 "
                + "request_time=0.001", "/consumers/scale-f", byUpstream);
        NginxLog.parse("127.0.0.1 [06/Dec/2026:02:16:37 +0000] \"POST /consumers/scale-f-1-0 HTTP/1.1\" 200 90 "
                + "upstream=127.0.0.1:20005 upstream_status=200 request_time=0.003", "/consumers/scale-f", byUpstream);
        NginxLog.Upstream first = byUpstream.get("127.0.0.1:20005");
        assertEquals(2, first.ok());
        assertEquals(402, first.okBytes());
        assertEquals(10.0, first.percentileMs(50), 1e-9);
        assertEquals(1002.0, first.percentileMs(99), 1e-9);
        NginxLog.Upstream second = byUpstream.get("127.0.0.1:20006");
        assertEquals(1, second.ok());
        assertEquals(1, second.failed());
        assertEquals(800, second.okBytes());
    }

    @Test
    void procNetTcpLinesGiveEstablishedEndsOnly() {
        List<ProcessProbe.TcpEnd> ends = new ArrayList<>();
        ProcessProbe.parseTcpLine("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
                + "timeout inode", ends);
        // 127.0.0.1:40000 -> 127.0.0.1:9092, established, inode 12345
        ProcessProbe.parseTcpLine("   0: 0100007F:9C40 0100007F:2384 01 00000000:00000000 00:00000000 00000000     0"
                + "        0 12345 1 0000000000000000 20 4 30 10 -1", ends);
        // listening on 9092: not established
        ProcessProbe.parseTcpLine("   1: 0100007F:2384 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0"
                + "        0 999 1 0000000000000000 100 0 0 10 0", ends);
        // an IPv6 table line (v4-mapped), the broker's end of the same connection
        ProcessProbe.parseTcpLine("   2: 0000000000000000FFFF00000100007F:2384 0000000000000000FFFF00000100007F:9C40 "
                + "01 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 20 4 30 10 -1", ends);
        assertEquals(List.of(new ProcessProbe.TcpEnd(40000, 9092, 12345), new ProcessProbe.TcpEnd(9092, 40000, 777)),
                ends);
        assertEquals(1, ProcessProbe.connectionsOn(9092, ends));
    }

    @Test
    void theLiveHeapIsTheClassHistogramsTotal() {
        String histogram = """
                9083:
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:        125581      101344240  [B (java.base@25.0.3)
                3000:             1             16  sun.util.locale.provider.TimeZoneNameUtility
                Total       1234567      209715200
                """;
        assertEquals(200.0, ProcessProbe.histogramTotalMb(histogram), 1e-9);
    }

    private static ScaleResult.Step step(String shape, int n, double heap, int connections) {
        List<ScaleResult.Replica> replicas = List.of(
                new ScaleResult.Replica(1, heap, 60, connections, 100, 2, 40, 5000, 0),
                new ScaleResult.Replica(2, heap + 10, 61, connections + 2, 110, 3, 50, 5500, 1),
                new ScaleResult.Replica(3, heap + 20, 62, connections + 4, 90, 2, 45, 4500, 0));
        return new ScaleResult.Step(shape, n, shape.equals("fanout") ? n : Math.max(1, n / 100), 4, n, 0, 1.5, 20, n,
                30, 300, 15_000, 2.5, 45.5, 3, 1, 7, replicas, 3 * connections, 12.5, 4000, 0, List.of(),
                new Delivery.Result(n * 50L, 0, n / 100, 0), 80, "");
    }

    @Test
    void theScaleStepsGoUnderScaleInTheJsonAndIntoTheMarkdownAndAChart() throws Exception {
        ScaleResult scale = new ScaleResult(ScaleSettings.of(true, List.of(100, 1000)), List.of(
                step("fanout", 100, 100, 100), step("fanout", 1000, 300, 1000),
                step("groups", 100, 90, 100), step("groups", 1000, 280, 1000)), List.of("fanout [5000] not run"));
        RunReport report = new RunReport(Instant.parse("2026-12-06T02:00:00Z"), "box", new RunReport.Machine(2, "cpu",
                "jdk", "os"), Settings.quick(), RunReport.SHARED, List.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(scale), List.of());
        List<Path> files = new ResultWriter("scale-before").write(report, dir);
        assertEquals(dir.resolve("2026-12-06-0200-box-scale-before.json"), files.getFirst());
        JsonNode json = new ObjectMapper().readTree(files.getFirst().toFile());
        JsonNode fanout1000 = json.get("scale").get("fanout").get("1000");
        assertEquals(310.0, fanout1000.get("replicas").get(1).get("heap_mb").asDouble(), 1e-9);
        assertEquals(1002, fanout1000.get("replicas").get(1).get("broker_connections").asInt());
        assertEquals(50.0, fanout1000.get("replicas").get(1).get("poll_p99_ms").asDouble(), 1e-9);
        assertEquals(5500.0, fanout1000.get("replicas").get(1).get("records_per_s").asDouble(), 1e-9);
        assertEquals(12.5, fanout1000.get("redis_used_memory_mb").asDouble(), 1e-9);
        assertEquals(10, json.get("scale").get("groups").get("1000").get("groups").asInt());
        assertEquals(List.of(100, 1000), List.of(json.get("scale").get("settings").get("counts").get(0).asInt(),
                json.get("scale").get("settings").get("counts").get(1).asInt()));
        String md = Files.readString(dir.resolve("2026-12-06-0200-box-scale-before.md"));
        assertTrue(md.contains("## Scale: instances × replicas"), md);
        assertTrue(md.contains("| groups | 1000 | 2 | 290 | 61 | 1002 | 110 | 3.0 | 50.0 | 5500 | 1 |"), md);
        assertEquals(10, fanout1000.get("delivery").get("missing").asLong());
        assertEquals(0, fanout1000.get("delivery").get("missing_in_groups_all_answered").asLong());
        assertTrue(md.contains("| fanout | 1000 | 50000 | 0 | 10 | 0 |"), md);
        assertTrue(md.contains("- fanout [5000] not run"), md);
        assertTrue(md.contains("![scale](2026-12-06-0200-box-scale-before-scale.png)"), md);
        assertTrue(Files.size(dir.resolve("2026-12-06-0200-box-scale-before-scale.png")) > 10_000);
    }
}
