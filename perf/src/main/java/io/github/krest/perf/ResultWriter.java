package io.github.krest.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.krest.proxy.json.Json;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes a {@link RunReport} as {@code <date>-<host>.json} (the ratios under their keys, the raw rates
 * beside them), {@code <date>-<host>.md} (a summary with the targets) and two PNG charts,
 * {@code <date>-<host>-throughput.png} (records/s, krest beside its baseline) and {@code <date>-<host>-latency.png}
 * (single-record latency by percentile); a run with the scale scenario also {@code <date>-<host>-scale.png}
 * (heap and broker connections per replica, poll p99 and polls/s against the instance count).
 */
public final class ResultWriter {
    /** Targets (docs/performance.md): ratio key → the least acceptable ratio. */
    public static final Map<String, Double> RATIO_TARGETS = Map.of(
            "produce_ratio", 0.85,
            "produce_v3_stream_ratio", 0.85,
            "consume_ratio", 0.6,
            "roundrobin_consume_ratio", 0.8);
    /** Target (docs/performance.md): krest's single-record p99 at most this many ms above the native producer's. */
    public static final double P99_MARGIN_MS = 5.0;

    private static final DateTimeFormatter FILE_DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm").withZone(ZoneOffset.UTC);
    private static final ObjectWriter PRETTY = Json.mapper().writerWithDefaultPrettyPrinter();

    private final String label;

    /** Writes files named {@code <date>-<host>[-isolated]}. */
    public ResultWriter() {
        this("");
    }

    /**
     * @param label appended to the file names after a dash (e.g. {@code scale-before}); empty for none
     */
    public ResultWriter(String label) {
        this.label = label.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /**
     * @param report what was measured
     * @return the common file name prefix, {@code <date>-<host>}, {@code <date>-<host>-isolated} for a run with the
     *         replicas on cores of their own, then {@code -<label>} when there is one
     */
    public String baseName(RunReport report) {
        return FILE_DATE.format(report.date()) + "-" + report.host().replaceAll("[^A-Za-z0-9._-]", "_")
                + (report.isolated() ? "-isolated" : "") + (label.isEmpty() ? "" : "-" + label);
    }

    /**
     * Writes the JSON, Markdown and PNG files.
     *
     * @param report what was measured
     * @param dir    the results directory, created when missing
     * @return the files written, JSON first
     * @throws IOException when a file cannot be written
     */
    public List<Path> write(RunReport report, Path dir) throws IOException {
        Files.createDirectories(dir);
        String base = baseName(report);
        List<Path> files = new ArrayList<>();
        Path json = dir.resolve(base + ".json");
        PRETTY.writeValue(json.toFile(), toJson(report));
        files.add(json);
        Path throughputPng = dir.resolve(base + "-throughput.png");
        Path latencyPng = dir.resolve(base + "-latency.png");
        boolean hasThroughput = !report.throughput().isEmpty();
        boolean hasLatency = report.krestLatency().isPresent() || report.nativeLatency().isPresent();
        Path scalePng = dir.resolve(base + "-scale.png");
        boolean hasScale = report.scale().isPresent() && !report.scale().get().steps().isEmpty();
        Path md = dir.resolve(base + ".md");
        String markdown = markdown(report, hasThroughput ? throughputPng.getFileName().toString() : null,
                hasLatency ? latencyPng.getFileName().toString() : null);
        if (report.scale().isPresent()) {
            markdown += ScaleReport.markdown(report.scale().get(), hasScale ? scalePng.getFileName().toString() : null);
        }
        Files.writeString(md, markdown);
        files.add(md);
        if (hasThroughput) {
            BitmapEncoder.saveBitmap(throughputChart(report), throughputPng.toString(), BitmapEncoder.BitmapFormat.PNG);
            files.add(throughputPng);
        }
        if (hasLatency) {
            BitmapEncoder.saveBitmap(latencyChart(report), latencyPng.toString(), BitmapEncoder.BitmapFormat.PNG);
            files.add(latencyPng);
        }
        if (hasScale) {
            ScaleReport.savePng(report.scale().get(), scalePng);
            files.add(scalePng);
        }
        return files;
    }

    /**
     * @param report what was measured
     * @return the JSON document: the ratio keys at the top level, then {@code scenarios} with the raw numbers
     */
    public ObjectNode toJson(RunReport report) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("date", report.date().toString());
        root.put("host", report.host());
        root.put("mode", report.settings().mode());
        root.put("cpu_placement", report.placement());
        ObjectNode machine = root.putObject("machine");
        machine.put("cores", report.machine().cores());
        machine.put("cpu", report.machine().cpu());
        machine.put("jdk", report.machine().jdk());
        machine.put("os", report.machine().os());
        Settings st = report.settings();
        root.putObject("settings")
                .put("warmup_s", st.warmup().toSeconds())
                .put("measure_s", st.measure().toSeconds())
                .put("produce_clients", st.produceClients())
                .put("records_per_request", st.recordsPerRequest())
                .put("value_bytes", st.valueBytes())
                .put("consume_topic_records", st.consumeRecords())
                .put("partitions", st.partitions())
                .put("latency_rate_per_s", st.latencyRate())
                .put("latency_measure_s", st.latencyDuration().toSeconds())
                .put("memory_instances", st.memoryInstances())
                .put("producer", "acks=all, linger.ms=1, enable.idempotence=true (krest's shared producer defaults)")
                .put("consumer", "assign mode, fetch.max.wait.ms=100, receive.buffer.bytes=-1 (krest's reader defaults)");
        for (ThroughputResult t : report.throughput()) {
            root.put(t.key(), round(t.ratio(), 3));
        }
        report.krestLatency().ifPresent(l -> {
            root.put("single_record_produce_p50_ms", round(l.p50(), 3));
            root.put("single_record_produce_p99_ms", round(l.p99(), 3));
        });
        report.nativeLatency().ifPresent(l -> {
            root.put("native_single_record_produce_p50_ms", round(l.p50(), 3));
            root.put("native_single_record_produce_p99_ms", round(l.p99(), 3));
        });
        report.memory().ifPresent(m -> {
            ObjectNode mem = root.putObject("memory_per_1000_instances_mb");
            mem.put("replica_heap", round(m.heapPer1000Mb(), 2));
            mem.put("redis", round(m.redisPer1000Mb(), 2));
        });
        ObjectNode scenarios = root.putObject("scenarios");
        for (ThroughputResult t : report.throughput()) {
            ObjectNode s = scenarios.putObject(t.key().replace("_ratio", ""));
            s.put("title", t.title());
            s.put("krest", t.krestLabel());
            s.put("krest_records_per_s", round(t.krestPerSec(), 1));
            s.put("baseline", t.baselineLabel());
            s.put("baseline_records_per_s", round(t.baselinePerSec(), 1));
            s.put("ratio", round(t.ratio(), 3));
            s.put("errors", t.errors());
            s.put("krest_cpu_ms_per_1000_records", round(t.krestCpuMsPer1000(), 1));
            s.put("krest_warmup_s", round(t.krestWarmupS(), 1));
            s.put("baseline_warmup_s", round(t.baselineWarmupS(), 1));
        }
        if (report.krestLatency().isPresent() || report.nativeLatency().isPresent()) {
            ObjectNode s = scenarios.putObject("single_record_produce");
            s.put("rate_per_s", report.settings().latencyRate());
            report.krestLatency().ifPresent(l -> s.set("krest", latencyJson(l)));
            report.nativeLatency().ifPresent(l -> s.set("native", latencyJson(l)));
        }
        report.memory().ifPresent(m -> {
            ObjectNode s = scenarios.putObject("memory");
            s.put("instances", m.instances());
            s.put("errors", m.errors());
            s.put("replica_heap_before_mb", round(m.heapBeforeMb(), 2));
            s.put("replica_heap_after_mb", round(m.heapAfterMb(), 2));
            s.put("redis_before_mb", round(m.redisBeforeMb(), 2));
            s.put("redis_after_mb", round(m.redisAfterMb(), 2));
        });
        report.scale().ifPresent(sc -> root.set("scale", ScaleReport.json(sc)));
        ArrayNode notes = root.putArray("notes");
        report.notes().forEach(notes::add);
        return root;
    }

    private ObjectNode latencyJson(LatencyResult l) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("label", l.label());
        n.put("count", l.count());
        n.put("errors", l.errors());
        n.put("p50_ms", round(l.p50(), 3));
        n.put("p90_ms", round(l.p90(), 3));
        n.put("p99_ms", round(l.p99(), 3));
        n.put("p99_9_ms", round(l.p999(), 3));
        n.put("max_ms", round(l.max(), 3));
        ArrayNode curve = n.putArray("percentile_curve_ms");
        for (double[] point : l.curve()) {
            curve.addArray().add(round(point[0], 4)).add(round(point[1], 3));
        }
        return n;
    }

    /**
     * @param report         what was measured
     * @param throughputPng  file name of the throughput chart, or null when there is none
     * @param latencyPng     file name of the latency chart, or null
     * @return the Markdown summary
     */
    public String markdown(RunReport report, String throughputPng, String latencyPng) {
        StringBuilder md = new StringBuilder();
        RunReport.Machine m = report.machine();
        md.append("# krest perf run ").append(report.date()).append(" (").append(report.settings().mode())
                .append(")\n\n");
        md.append("Host `").append(report.host()).append("`: ").append(m.cores()).append(" cores, ").append(m.cpu())
                .append(", JDK ").append(m.jdk()).append(", ").append(m.os()).append(".\n\n");
        md.append(report.isolated()
                ? "CPU placement (`perf/run --isolate`): " + report.placement() + ".\n\n"
                : "CPU placement: shared (driver, broker, Redis, nginx and replicas on all cores).\n\n");
        md.append("| Result | Value | Target | Met |\n|---|---|---|---|\n");
        for (ThroughputResult t : report.throughput()) {
            Double target = RATIO_TARGETS.get(t.key());
            md.append("| `").append(t.key()).append("` | ").append(fmt(t.ratio(), 3)).append(" | ")
                    .append(target == null ? "" : ">= " + target).append(" | ")
                    .append(target == null ? "" : t.ratio() >= target ? "yes" : "no").append(" |\n");
        }
        if (report.krestLatency().isPresent()) {
            LatencyResult k = report.krestLatency().get();
            String target = report.nativeLatency().map(n -> "<= " + fmt(n.p99() + P99_MARGIN_MS, 2)
                    + " (native + " + fmt(P99_MARGIN_MS, 0) + ")").orElse("");
            String met = report.nativeLatency().map(n -> k.p99() <= n.p99() + P99_MARGIN_MS ? "yes" : "no")
                    .orElse("");
            md.append("| `single_record_produce_p50_ms` | ").append(fmt(k.p50(), 2)).append(" | | |\n");
            md.append("| `single_record_produce_p99_ms` | ").append(fmt(k.p99(), 2)).append(" | ").append(target)
                    .append(" | ").append(met).append(" |\n");
        }
        report.nativeLatency().ifPresent(n -> {
            md.append("| `native_single_record_produce_p50_ms` | ").append(fmt(n.p50(), 2)).append(" | | |\n");
            md.append("| `native_single_record_produce_p99_ms` | ").append(fmt(n.p99(), 2)).append(" | | |\n");
        });
        report.memory().ifPresent(mem -> md.append("| `memory_per_1000_instances_mb` | replica heap ")
                .append(fmt(mem.heapPer1000Mb(), 1)).append(", Redis ").append(fmt(mem.redisPer1000Mb(), 1))
                .append(" | bounded | |\n"));
        if (!report.throughput().isEmpty()) {
            md.append("\n## Throughput (records/s)\n\n| Scenario | krest | records/s | baseline | records/s | errors "
                            + "| krest CPU ms / 1000 records |\n")
                    .append("|---|---|---|---|---|---|---|\n");
            for (ThroughputResult t : report.throughput()) {
                md.append("| ").append(t.title()).append(" | ").append(t.krestLabel()).append(" | ")
                        .append(fmt(t.krestPerSec(), 0)).append(" | ").append(t.baselineLabel()).append(" | ")
                        .append(fmt(t.baselinePerSec(), 0)).append(" | ").append(t.errors()).append(" | ")
                        .append(fmt(t.krestCpuMsPer1000(), 1)).append(" |\n");
            }
        }
        if (report.krestLatency().isPresent() || report.nativeLatency().isPresent()) {
            md.append("\n## Single-record produce at ").append(report.settings().latencyRate())
                    .append(" requests/s (ms from the intended send time)\n\n")
                    .append("| Side | count | errors | p50 | p90 | p99 | p99.9 | max |\n|---|---|---|---|---|---|---|---|\n");
            for (LatencyResult l : List.of(report.krestLatency(), report.nativeLatency()).stream()
                    .flatMap(java.util.Optional::stream).toList()) {
                md.append("| ").append(l.label()).append(" | ").append(l.count()).append(" | ").append(l.errors())
                        .append(" | ").append(fmt(l.p50(), 2)).append(" | ").append(fmt(l.p90(), 2)).append(" | ")
                        .append(fmt(l.p99(), 2)).append(" | ").append(fmt(l.p999(), 2)).append(" | ")
                        .append(fmt(l.max(), 2)).append(" |\n");
            }
        }
        report.memory().ifPresent(mem -> md.append("\n## Memory\n\n").append(mem.instances())
                .append(" consumer instances, each polled once (").append(mem.errors()).append(" errors): replica heap ")
                .append(fmt(mem.heapBeforeMb(), 1)).append(" → ").append(fmt(mem.heapAfterMb(), 1))
                .append(" MiB after a full GC, Redis used_memory ").append(fmt(mem.redisBeforeMb(), 1)).append(" → ")
                .append(fmt(mem.redisAfterMb(), 1)).append(" MiB.\n"));
        if (throughputPng != null || latencyPng != null) {
            md.append("\n");
            if (throughputPng != null) {
                md.append("![throughput](").append(throughputPng).append(")\n");
            }
            if (latencyPng != null) {
                md.append("![latency](").append(latencyPng).append(")\n");
            }
        }
        if (!report.notes().isEmpty()) {
            md.append("\n## Notes\n\n");
            report.notes().forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    private static CategoryChart throughputChart(RunReport report) {
        CategoryChart chart = new CategoryChartBuilder().width(900).height(500)
                .title("Throughput, records/s (" + report.settings().mode() + " run)").yAxisTitle("records/s").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setXAxisLabelRotation(0);
        List<String> names = report.throughput().stream().map(t -> t.key().replace("_ratio", "")).toList();
        chart.addSeries("krest", names, report.throughput().stream().map(ThroughputResult::krestPerSec).toList());
        chart.addSeries("baseline (native client; 1 replica for roundrobin)", names,
                report.throughput().stream().map(ThroughputResult::baselinePerSec).toList());
        return chart;
    }

    private static XYChart latencyChart(RunReport report) {
        XYChart chart = new XYChartBuilder().width(900).height(500)
                .title("Single-record produce at " + report.settings().latencyRate() + " req/s: latency by percentile")
                .xAxisTitle("percentile as nines: 1 = p90, 2 = p99, 3 = p99.9, 4 = p99.99").yAxisTitle("ms").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        // x is the number of nines, -log10(1 - p), on a linear axis, so that 90, 99, 99.9 are equally spaced (xchart's
        // log axis, and tick label functions that print two ticks alike, make its tick calculation loop forever)
        for (LatencyResult l : List.of(report.krestLatency(), report.nativeLatency()).stream()
                .flatMap(java.util.Optional::stream).toList()) {
            if (l.curve().isEmpty()) {
                continue;
            }
            double[] x = l.curve().stream().mapToDouble(c -> -Math.log10(1 - c[0] / 100)).toArray();
            double[] y = l.curve().stream().mapToDouble(c -> c[1]).toArray();
            chart.addSeries(l.label(), x, y).setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    static double round(double v, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }

    static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
