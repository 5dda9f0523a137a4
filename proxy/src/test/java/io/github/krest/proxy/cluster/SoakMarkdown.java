package io.github.krest.proxy.cluster;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** Renders a {@link SoakReport}'s JSON as the Markdown summary beside it ({@code <date>-soak.md}). */
final class SoakMarkdown {
    private SoakMarkdown() {
    }

    /** @return the summary: result, figures, failure classes, faults with their stalls, replicas' resources */
    static String render(JsonNode r) {
        StringBuilder md = new StringBuilder();
        JsonNode m = r.path("machine");
        JsonNode s = r.path("settings");
        md.append("# krest soak ").append(r.path("date").asText()).append(" (").append(r.path("mode").asText())
                .append(")\n\n");
        md.append("**").append(r.path("passed").asBoolean() ? "Passed" : "Failed").append("**: ")
                .append(s.path("load_s").asText()).append(" s of load, ").append(r.path("faults").size())
                .append(" faults.\n\n");
        md.append("Host: ").append(m.path("cores").asInt()).append(" cores, ").append(m.path("cpu").asText())
                .append(", JDK ").append(m.path("jdk").asText()).append(", ").append(m.path("os").asText())
                .append("; load average ").append(m.path("load_average_at_start").asText()).append(" at the start, ")
                .append(m.path("load_average_at_end").asText()).append(" at the end.\n\n");
        md.append("- Kafka: ").append(s.path("kafka").asText()).append("\n- krest: ").append(s.path("krest").asText())
                .append("\n- Redis: ").append(s.path("redis").asText()).append("\n- Producers: ")
                .append(join(s.path("producers"))).append("; a request at most every ")
                .append(s.path("request_interval_ms").asText()).append(" ms each\n- Consumers: ")
                .append(join(s.path("consumers"))).append("\n- Faults every ").append(s.path("fault_interval_s"))
                .append(" s after ").append(s.path("warmup_s")).append(" s of warm-up; a killed or stopped component "
                        + "stays down ").append(s.path("down_time_s")).append(" s\n\n");
        if (!r.path("violations").isEmpty()) {
            md.append("## Violations\n\n");
            r.path("violations").forEach(v -> md.append("- ").append(v.asText()).append('\n'));
            md.append('\n');
        }
        JsonNode rec = r.path("records");
        md.append("## Records\n\n| acknowledged | of them after a client retry | stored | stored, never acknowledged "
                        + "| lost | written twice | out of order | never acknowledged |\n|---|---|---|---|---|---|---|---|\n| ")
                .append(rec.path("acknowledged")).append(" | ").append(rec.path("acknowledged_after_client_retry"))
                .append(" | ").append(rec.path("stored")).append(" | ").append(rec.path("stored_not_acknowledged"))
                .append(" | ").append(rec.path("lost")).append(" | ").append(rec.path("written_twice")).append(" | ")
                .append(rec.path("out_of_order")).append(" | ").append(rec.path("client_gave_up")).append(" |\n\n");
        md.append("| Consumer | consumed | duplicated | out of order |\n|---|---|---|---|\n");
        r.path("consumers").forEach(c -> md.append("| ").append(c.path("consumer").asText())
                .append(c.path("auto_commit").asBoolean() ? " (auto-commit)" : "").append(" | ")
                .append(c.path("consumed")).append(" | ").append(c.path("duplicated")).append(" | ")
                .append(c.path("out_of_order")).append(" |\n"));
        md.append("\n| Group | members | consumed | lost | skipped: a poll cut off by a replica SIGKILL | delivered to two "
                + "members |\n|---|---|---|---|---|---|\n");
        r.path("groups").forEach(g -> md.append("| ").append(g.path("group").asText()).append(" | ")
                .append(g.path("members")).append(" | ").append(g.path("consumed")).append(" | ")
                .append(g.path("lost")).append(" | ")
                .append(g.path("skipped_by_polls_cut_off_by_replica_sigkill").asLong()).append(" | ")
                .append(g.path("delivered_to_two_members")).append(" |\n"));
        md.append("\n## Requests\n\n| Operation | sent | failed | records failed |\n|---|---|---|---|\n");
        for (Iterator<Map.Entry<String, JsonNode>> it = r.path("requests").properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            md.append("| ").append(e.getKey()).append(" | ").append(e.getValue().path("sent")).append(" | ")
                    .append(e.getValue().path("failed")).append(" | ").append(e.getValue().path("records_failed"))
                    .append(" |\n");
        }
        md.append("\n| Failure | count | with Retry-After | retriable | what the client does | example |\n")
                .append("|---|---|---|---|---|---|\n");
        r.path("failure_classes").forEach(c -> md.append("| ").append(c.path("operation").asText()).append(' ')
                .append(c.path("per_record").asBoolean() ? "record " : "").append(c.path("status").asText())
                .append('/').append(c.path("error_code").asText()).append(" | ").append(c.path("count"))
                .append(" | ").append(c.path("with_retry_after")).append(" | ")
                .append(c.path("retriable").asBoolean() ? "yes" : "**no**").append(" | ")
                .append(c.path("client_action").asText()).append(" | ").append(cell(c.path("example").asText()))
                .append(" |\n"));
        JsonNode slow = r.path("slow_requests");
        md.append("\n").append(slow.path("count")).append(" requests took ").append(slow.path("at_least_ms"))
                .append(" ms or more").append(slow.path("count").asInt() > 0 ? "; the slowest:" : ".").append('\n');
        slow.path("slowest").forEach(x -> md.append("- ").append(x.asText()).append('\n'));
        md.append("\n## Faults: the longest stall (ms without a success) from each fault to the next\n\n")
                .append("| # | at s | fault | target | whole again after s | produce | worst producer | consume "
                        + "| worst consumer | failed answers |\n|---|---|---|---|---|---|---|---|---|---|\n");
        JsonNode b = r.path("baseline");
        md.append("| - | 0 | none (warm-up) | | | ").append(b.path("produce_stall_ms")).append(" | ")
                .append(b.path("produce_client_stall_ms")).append(" | ").append(b.path("consume_stall_ms"))
                .append(" | ").append(b.path("consume_client_stall_ms")).append(" | |\n");
        r.path("faults").forEach(f -> {
            StringBuilder failed = new StringBuilder();
            f.path("failures").properties().forEach(e -> failed.append(failed.isEmpty() ? "" : ", ")
                    .append(e.getKey()).append(" x").append(e.getValue().asText()));
            md.append("| ").append(f.path("n")).append(" | ").append(f.path("at_s")).append(" | ")
                    .append(f.path("fault").asText()).append(" | ").append(cell(f.path("target").asText()))
                    .append(" | ").append(f.path("whole_again_after_s")).append(" | ")
                    .append(f.path("produce_stall_ms")).append(" | ").append(f.path("produce_client_stall_ms"))
                    .append(" (").append(f.path("produce_client_stall").asText()).append(") | ")
                    .append(f.path("consume_stall_ms")).append(" | ").append(f.path("consume_client_stall_ms"))
                    .append(" (").append(f.path("consume_client_stall").asText()).append(") | ").append(failed)
                    .append(" |\n");
        });
        md.append("\n## Replicas (heap in use after a full GC, OS threads, open file descriptors)\n\n")
                .append("| Replica | restarts | heap MiB start → end | threads start → end | open fds start → end "
                        + "|\n|---|---|---|---|---|\n");
        r.path("replicas").forEach(x -> md.append("| ").append(x.path("replica").asText()).append(" | ")
                .append(x.path("restarts")).append(" | ").append(x.path("start").path("heap_used_mb")).append(" → ")
                .append(x.path("end").path("heap_used_mb")).append(" | ").append(x.path("start").path("threads"))
                .append(" → ").append(x.path("end").path("threads")).append(" | ")
                .append(x.path("start").path("open_fds")).append(" → ").append(x.path("end").path("open_fds"))
                .append(" |\n"));
        return md.toString();
    }

    private static String join(JsonNode array) {
        StringBuilder out = new StringBuilder();
        array.forEach(n -> out.append(out.isEmpty() ? "" : "; ").append(n.asText()));
        return out.toString();
    }

    private static String cell(String text) {
        String oneLine = text.replace('\n', ' ').replace("|", "\\|");
        return oneLine.length() > 120 ? oneLine.substring(0, 120) + "..." : oneLine;
    }
}
