package io.github.krest.perf;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.krest.proxy.json.Json;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import static io.github.krest.perf.ResultWriter.fmt;
import static io.github.krest.perf.ResultWriter.round;

/** The scale scenario's part of the result files: JSON under {@code scale}, a Markdown section and a 2×2 chart. */
final class ScaleReport {
    private static final int CHART_WIDTH = 700;
    private static final int CHART_HEIGHT = 420;

    private ScaleReport() {
    }

    /**
     * @return {@code {"settings": {...}, "fanout": {"100": step, ...}, "groups": {...}}}, each step with its
     *         {@code replicas} array ({@code heap_mb}, {@code threads}, {@code broker_connections},
     *         {@code polls_per_s}, {@code poll_p50_ms}, {@code poll_p99_ms}, {@code records_per_s}, ...)
     */
    static ObjectNode json(ScaleResult scale) {
        ObjectNode root = Json.mapper().createObjectNode();
        ScaleSettings st = scale.settings();
        ObjectNode settings = root.putObject("settings");
        ArrayNode counts = settings.putArray("counts");
        st.counts().forEach(counts::add);
        settings.put("warmup_min_s", st.warmupMin().toSeconds())
                .put("warmup_max_s", st.warmupMax().toSeconds())
                .put("measure_s", st.measure().toSeconds())
                .put("produce_records_per_s", st.produceRate())
                .put("value_bytes", st.valueBytes())
                .put("fanout_partitions", st.fanoutPartitions())
                .put("groups_partitions", st.groupPartitions())
                .put("group_size", st.groupSize())
                .put("max_bytes", st.maxBytes())
                .put("poll_timeout_ms", st.pollTimeoutMs())
                .put("format", "binary")
                .put("auto_offset_reset", "latest")
                .put("path", "every request through nginx (round robin, no affinity)")
                .put("per_replica_polls", "nginx access log (upstream, status, request_time); records in proportion "
                        + "to the body bytes each replica answered")
                .put("broker_connections", "established TCP connections to the broker port, /proc/<pid>/fd socket "
                        + "inodes matched in /proc/net/tcp and tcp6, most seen in the window (sampled every 5 s)")
                .put("heap", "live objects, the total of jcmd GC.class_histogram (after its full GC), at the window's end with the instances polling");
        ArrayNode notes = root.putArray("notes");
        scale.notes().forEach(notes::add);
        for (ScaleResult.Step s : scale.steps()) {
            ObjectNode shape = root.has(s.shape()) ? (ObjectNode) root.get(s.shape()) : root.putObject(s.shape());
            ObjectNode n = shape.putObject(Integer.toString(s.instances()));
            n.put("instances", s.instances());
            n.put("instances_created", s.created());
            n.put("groups", s.groups());
            n.put("partitions", s.partitions());
            n.put("create_errors", s.createErrors());
            n.put("create_s", round(s.createS(), 1));
            n.put("warmup_s", round(s.warmupS(), 1));
            n.put("instances_polled_before_window", s.polledBeforeWindow());
            n.put("window_s", round(s.windowS(), 1));
            n.put("polls_per_s", round(s.pollsPerS(), 1));
            n.put("records_per_s", round(s.recordsPerS(), 1));
            n.put("poll_p50_ms", round(s.pollP50Ms(), 2));
            n.put("poll_p99_ms", round(s.pollP99Ms(), 2));
            n.put("errors", s.errors());
            n.put("timeouts", s.timeouts());
            n.put("throttled_429", s.throttled());
            n.put("broker_connections", s.brokerConnections());
            n.put("redis_used_memory_mb", round(s.redisUsedMemoryMb(), 2));
            n.put("redis_ops_per_s", round(s.redisOpsPerS(), 1));
            n.put("delete_errors", s.deleteErrors());
            ArrayNode died = n.putArray("replicas_died");
            s.replicasDied().forEach(died::add);
            n.putObject("delivery")
                    .put("records", s.delivery().records())
                    .put("duplicates", s.delivery().duplicates())
                    .put("missing", s.delivery().missing())
                    .put("missing_in_groups_all_answered", s.delivery().missingAnswered());
            n.put("step_s", round(s.stepS(), 1));
            n.put("note", s.note());
            ArrayNode replicas = n.putArray("replicas");
            for (ScaleResult.Replica r : s.replicas()) {
                replicas.addObject()
                        .put("replica", r.replica())
                        .put("heap_mb", round(r.heapMb(), 1))
                        .put("threads", r.threads())
                        .put("broker_connections", r.brokerConnections())
                        .put("polls_per_s", round(r.pollsPerS(), 1))
                        .put("poll_p50_ms", round(r.pollP50Ms(), 1))
                        .put("poll_p99_ms", round(r.pollP99Ms(), 1))
                        .put("records_per_s", round(r.recordsPerS(), 1))
                        .put("failed_polls", r.failedPolls());
            }
        }
        return root;
    }

    /** @return the Markdown section, with the chart when {@code png} (a file name beside it) is not null */
    static String markdown(ScaleResult scale, String png) {
        ScaleSettings st = scale.settings();
        StringBuilder md = new StringBuilder("\n## Scale: instances × replicas\n\n");
        md.append("Active v2 binary instances (`auto.offset.reset` latest) polling back to back (`timeout=")
                .append(st.pollTimeoutMs()).append("`, `max_bytes=").append(st.maxBytes())
                .append("`) through nginx over the replicas, while a native producer writes ").append(st.produceRate())
                .append(" records/s of ").append(st.valueBytes()).append(" B. `fanout`: a group per instance, all on a ")
                .append(st.fanoutPartitions()).append("-partition topic; `groups`: groups of ").append(st.groupSize())
                .append(" on a ").append(st.groupPartitions()).append("-partition topic. Warm-up ")
                .append(st.warmupMin().toSeconds()).append(" to ").append(st.warmupMax().toSeconds())
                .append(" s, window ").append(st.measure().toSeconds()).append(" s. Per replica: live heap (`jcmd GC.class_histogram`) at ")
                .append("the window's end, most threads and broker connections seen, polls and nginx request times ")
                .append("from the access log.\n\n");
        md.append("| Shape | Instances | Created | polls/s | records/s | p50 ms | p99 ms | errors | timeouts "
                + "| 429 | broker connections | Redis MiB | Redis ops/s | step s |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ScaleResult.Step s : scale.steps()) {
            md.append("| ").append(s.shape()).append(" | ").append(s.instances()).append(" | ").append(s.created())
                    .append(" | ").append(fmt(s.pollsPerS(), 0)).append(" | ").append(fmt(s.recordsPerS(), 0))
                    .append(" | ").append(fmt(s.pollP50Ms(), 1)).append(" | ").append(fmt(s.pollP99Ms(), 1))
                    .append(" | ").append(s.errors()).append(" | ").append(s.timeouts()).append(" | ")
                    .append(s.throttled()).append(" | ").append(s.brokerConnections()).append(" | ").append(fmt(s.redisUsedMemoryMb(), 1)).append(" | ")
                    .append(fmt(s.redisOpsPerS(), 0)).append(" | ").append(fmt(s.stepS(), 0)).append(" |\n");
        }
        md.append("\n### Per replica\n\n| Shape | Instances | Replica | heap MiB | threads | broker connections "
                + "| polls/s | p50 ms | p99 ms | records/s | failed polls |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ScaleResult.Step s : scale.steps()) {
            for (ScaleResult.Replica r : s.replicas()) {
                md.append("| ").append(s.shape()).append(" | ").append(s.instances()).append(" | ").append(r.replica())
                        .append(" | ").append(fmt(r.heapMb(), 0)).append(" | ").append(r.threads()).append(" | ")
                        .append(r.brokerConnections()).append(" | ").append(fmt(r.pollsPerS(), 0)).append(" | ")
                        .append(fmt(r.pollP50Ms(), 1)).append(" | ").append(fmt(r.pollP99Ms(), 1)).append(" | ")
                        .append(fmt(r.recordsPerS(), 0)).append(" | ").append(r.failedPolls()).append(" |\n");
            }
        }
        md.append("\n### Delivery\n\nRecords each consumer group was given over the whole step, each partition from the "
                + "first record the group was given to its last: given twice, or skipped (never given). A poll whose "
                + "answer the driver did not read (its timeout, an error status) may have moved positions past records "
                + "it never saw (the v2 API's at-most-once window), so skips in groups all of whose polls were answered "
                + "are counted apart: those must be 0.\n\n| Shape | Instances | records given | given twice | skipped "
                + "| skipped, all polls answered |\n|---|---|---|---|---|---|\n");
        for (ScaleResult.Step s : scale.steps()) {
            Delivery.Result d = s.delivery();
            md.append("| ").append(s.shape()).append(" | ").append(s.instances()).append(" | ").append(d.records())
                    .append(" | ").append(d.duplicates()).append(" | ").append(d.missing()).append(" | ")
                    .append(d.missingAnswered()).append(" |\n");
        }
        List<ScaleResult.Step> noted = scale.steps().stream().filter(s -> !s.note().isEmpty()).toList();
        if (!noted.isEmpty() || !scale.notes().isEmpty()) {
            md.append('\n');
            noted.forEach(s -> md.append("- ").append(s.shape()).append(' ').append(s.instances()).append(": ")
                    .append(s.note()).append('\n'));
            scale.notes().forEach(n -> md.append("- ").append(n).append('\n'));
        }
        if (png != null) {
            md.append("\n![scale](").append(png).append(")\n");
        }
        return md.toString();
    }

    /** Writes the four curves against the instance count, two by two, into one PNG. */
    static void savePng(ScaleResult scale, Path png) throws IOException {
        List<XYChart> charts = List.of(
                chart(scale, "Live heap per replica (mean of the replicas)", "MiB",
                        s -> s.replicas().stream().mapToDouble(ScaleResult.Replica::heapMb).average().orElse(0)),
                chart(scale, "Broker connections per replica (mean)", "connections",
                        s -> s.replicas().stream().mapToDouble(ScaleResult.Replica::brokerConnections).average()
                                .orElse(0)),
                chart(scale, "Poll p99 at the driver (through nginx)", "ms", ScaleResult.Step::pollP99Ms),
                chart(scale, "Polls answered per second (all replicas)", "polls/s", ScaleResult.Step::pollsPerS));
        BufferedImage grid = new BufferedImage(2 * CHART_WIDTH, 2 * CHART_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        for (int i = 0; i < charts.size(); i++) {
            g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), (i % 2) * CHART_WIDTH, (i / 2) * CHART_HEIGHT,
                    null);
        }
        g.dispose();
        ImageIO.write(grid, "png", png.toFile());
    }

    private static XYChart chart(ScaleResult scale, String title, String unit,
                                 ToDoubleFunction<ScaleResult.Step> value) {
        // x is log10 of the instance count on a linear axis (xchart's log axis has made its tick calculation loop
        // forever before; see ResultWriter's latency chart)
        XYChart chart = new XYChartBuilder().width(CHART_WIDTH).height(CHART_HEIGHT).title(title)
                .xAxisTitle("instances, log10 (2 = 100, 3 = 1,000, 4 = 10,000)").yAxisTitle(unit).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        for (String shape : scale.steps().stream().map(ScaleResult.Step::shape).distinct().toList()) {
            List<ScaleResult.Step> steps = scale.steps().stream().filter(s -> s.shape().equals(shape)).toList();
            chart.addSeries(shape, steps.stream().mapToDouble(s -> Math.log10(s.instances())).toArray(),
                    steps.stream().mapToDouble(value).toArray());
        }
        return chart;
    }
}
