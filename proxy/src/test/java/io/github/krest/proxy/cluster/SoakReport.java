package io.github.krest.proxy.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.krest.proxy.cluster.DeliveryLog.Position;
import io.github.krest.proxy.cluster.SoakOutcomes.Kind;
import io.github.krest.proxy.cluster.SoakOutcomes.Role;

/**
 * The figures of one soak run, computed from what the clients saw ({@link SoakOutcomes}, each producer's
 * acknowledgements, each consumer's {@link DeliveryLog}) and the topic as Kafka stores it at the end, as one JSON
 * tree (the layout of {@code perf/results/<date>-soak.json}) plus the list of violations that fail the run.
 *
 * <p>Lost means: acknowledged but not in the topic at the acknowledged position (producing), or in the topic but
 * received by no member of a group (consuming). Duplicated means: a value at two positions of the topic (krest or
 * Kafka wrote it twice; a client's own retry has a value of its own), or a position delivered twice to one consumer.
 */
final class SoakReport {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /**
     * Growth a replica that ran through the whole soak may show between start and end before it counts as a leak:
     * threads, open file descriptors, heap after a full GC in MiB. (Measured in quick and full runs: no growth at
     * all; every failed or replaced Kafka client, connection or cached reader that was never closed would add.)
     */
    static final int LEAK_THREADS = 20;
    static final int LEAK_FDS = 100;
    static final double LEAK_HEAP_MB = 64;

    /** A fault as injected: its number, type, what it hit, and when it started and when the deployment was whole. */
    record FaultRun(int n, SoakFault fault, String target, long startMs, long endMs) {
    }

    /** Everything a run measured. */
    record Inputs(SoakSettings settings, Instant date, String topic, int partitions, SoakOutcomes outcomes,
                  List<SoakProducer> producers, List<SoakConsumer> consumers, Map<String, Boolean> autoCommit,
                  NavigableMap<Position, String> stored, List<FaultRun> faults, long loadEndMs, long consumeEndMs,
                  List<ReplicaResources> resourcesAtStart, List<ReplicaResources> resourcesAtEnd,
                  String loadAverageAtStart, String loadAverageAtEnd, List<String> incidents) {
    }

    private final Inputs in;
    private final ObjectNode json = MAPPER.createObjectNode();
    private final List<String> violations = new ArrayList<>();

    SoakReport(Inputs inputs) {
        this.in = inputs;
        header();
        produced();
        consumed();
        failures();
        faults();
        replicas();
        violations.addAll(inputs.incidents());
        ArrayNode v = json.putArray("violations");
        violations.forEach(v::add);
        json.put("passed", violations.isEmpty());
    }

    /** @return the report as JSON */
    ObjectNode json() {
        return json;
    }

    /** @return what makes this run fail; empty when it passed */
    List<String> violations() {
        return List.copyOf(violations);
    }

    /**
     * Writes {@code <base>.json} and {@code <base>.md} into {@code dir}.
     *
     * @return the two files
     */
    List<Path> write(Path dir, String base) throws IOException {
        Files.createDirectories(dir);
        Path jsonFile = dir.resolve(base + ".json");
        Path md = dir.resolve(base + ".md");
        MAPPER.writerWithDefaultPrettyPrinter().writeValue(jsonFile.toFile(), json);
        Files.writeString(md, SoakMarkdown.render(json), StandardCharsets.UTF_8);
        return List.of(jsonFile, md);
    }

    private void header() {
        SoakSettings s = in.settings();
        json.put("date", in.date().toString());
        json.put("mode", s.mode());
        ObjectNode machine = json.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", cpuModel());
        machine.put("jdk", System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("load_average_at_start", in.loadAverageAtStart());
        machine.put("load_average_at_end", in.loadAverageAtEnd());
        ObjectNode settings = json.putObject("settings");
        settings.put("load_s", round(in.loadEndMs() / 1000.0));
        settings.put("warmup_s", s.warmup().toSeconds());
        settings.put("fault_interval_s", s.faultInterval().toSeconds());
        settings.put("settle_s", s.settle().toSeconds());
        settings.put("faults", s.faults());
        settings.put("down_time_s", s.dwell().toSeconds());
        settings.put("request_interval_ms", s.requestInterval().toMillis());
        settings.put("stall_limit_s", s.stallLimit().toSeconds());
        settings.put("kafka", "3 KRaft nodes (broker and controller each), one JVM each; topic of " + in.partitions()
                + " partitions, replication factor 3, min.insync.replicas=2; broker.session.timeout.ms=3000");
        settings.put("krest", "3 replicas (krest-proxy.jar, one JVM each, -Xmx384m) behind nginx running "
                + "loadbalancer-config/nginx.conf; producer acks=all, idempotent");
        settings.put("redis", "master and replica (appendfsync always, min-replicas-to-write 1) watched by 3 "
                + "Sentinels (quorum 2, down-after-milliseconds 1000); krest with redis.sentinel.master");
        ArrayNode clients = settings.putArray("producers");
        in.producers().forEach(p -> clients.add(p.name() + ": one record per partition per request"));
        ArrayNode consumers = settings.putArray("consumers");
        in.consumers().forEach(c -> consumers.add(c.name() + (in.autoCommit().get(c.name())
                ? ": auto.commit.enable=true" : ": commits its positions every 5 s")));
    }

    private void produced() {
        Map<String, Position> acknowledged = new HashMap<>();
        List<String> gaveUp = new ArrayList<>();
        for (SoakProducer p : in.producers()) {
            acknowledged.putAll(p.acknowledged());
            gaveUp.addAll(p.gaveUp());
        }
        Map<String, Position> where = new HashMap<>();
        List<String> twice = new ArrayList<>();
        in.stored().forEach((position, value) -> {
            Position before = where.put(value, position);
            if (before != null) {
                twice.add(value + " at " + before + " and " + position);
            }
        });
        List<String> lost = new ArrayList<>();
        acknowledged.forEach((value, position) -> {
            if (!position.equals(where.get(value))) {
                lost.add(value + " acknowledged at " + position + ", stored at " + where.get(value));
            }
        });
        List<String> outOfOrder = new ArrayList<>();
        Map<String, Integer> lastSeq = new HashMap<>();
        in.stored().forEach((position, value) -> {
            String[] parts = value.split("-", -1);
            if (parts.length != 3 || !parts[2].equals("a0")) {
                // a client's own retry comes after what succeeded meanwhile: its order is the client's doing
                return;
            }
            int seq = Integer.parseInt(parts[1].substring(1));
            Integer last = lastSeq.put(parts[0] + "@" + position.partition(), seq);
            if (last != null && seq < last) {
                outOfOrder.add(value + " at " + position + " after seq " + last);
            }
        });
        long retried = acknowledged.keySet().stream().filter(v -> !v.endsWith("-a0")).count();
        long unacknowledged = in.stored().values().stream().filter(v -> !acknowledged.containsKey(v)).count();
        ObjectNode records = json.putObject("records");
        records.put("acknowledged", acknowledged.size());
        records.put("acknowledged_after_client_retry", retried);
        records.put("stored", in.stored().size());
        records.put("stored_not_acknowledged", unacknowledged);
        records.put("lost", lost.size());
        records.put("written_twice", twice.size());
        records.put("out_of_order", outOfOrder.size());
        records.put("client_gave_up", gaveUp.size());
        examples(records, "examples", Stream.of(lost, twice, outOfOrder, gaveUp).flatMap(List::stream).toList());
        check(lost.isEmpty(), lost.size() + " acknowledged records lost, e.g. " + first(lost));
        check(twice.isEmpty(), twice.size() + " records written twice, e.g. " + first(twice));
        check(outOfOrder.isEmpty(), outOfOrder.size() + " records out of order, e.g. " + first(outOfOrder));
        check(gaveUp.isEmpty(), gaveUp.size() + " records never acknowledged, e.g. " + first(gaveUp));
        check(acknowledged.size() > 100, "only " + acknowledged.size() + " records acknowledged");
    }

    private void consumed() {
        ArrayNode consumers = json.putArray("consumers");
        Map<String, List<SoakConsumer>> groups = new TreeMap<>();
        for (SoakConsumer c : in.consumers()) {
            groups.computeIfAbsent(c.instance().group(), g -> new ArrayList<>()).add(c);
            DeliveryLog log = c.log();
            ObjectNode n = consumers.addObject();
            n.put("consumer", c.name());
            n.put("auto_commit", in.autoCommit().get(c.name()));
            n.put("consumed", log.size());
            n.put("duplicated", log.duplicates());
            n.put("out_of_order", log.outOfOrder());
            examples(n, "examples", log.anomalies());
            check(log.duplicates() == 0, c.name() + " received " + log.duplicates() + " records twice: "
                    + first(log.anomalies()));
            check(log.outOfOrder() == 0, c.name() + " received " + log.outOfOrder() + " records out of order: "
                    + first(log.anomalies()));
            c.crash().ifPresent(e -> check(false, c.name() + " stopped: " + e));
        }
        ArrayNode groupNodes = json.putArray("groups");
        groups.forEach((group, members) -> {
            Set<Position> received = new HashSet<>();
            long toTwoMembers = 0;
            for (SoakConsumer member : members) {
                for (Position p : member.log().byPosition().keySet()) {
                    if (!received.add(p)) {
                        toTwoMembers++;
                    }
                }
            }
            List<Position> missing = in.stored().keySet().stream().filter(p -> !received.contains(p)).toList();
            List<String> lost = missing.stream().map(p -> p + " " + in.stored().get(p)).toList();
            long replicaKills = in.faults().stream().filter(f -> f.fault() == SoakFault.REPLICA_KILL).count();
            long runs = contiguousRuns(missing);
            // krest's documented at-most-once window: a poll stores its positions, then writes its answer; a replica
            // SIGKILLed in between loses that answer (nginx passes the GET to another replica, which answers the
            // next records), as Confluent's proxy does. One such poll skips one run of offsets per partition.
            boolean cutOffPolls = !missing.isEmpty() && runs <= replicaKills * in.partitions();
            ObjectNode g = groupNodes.addObject();
            g.put("group", group);
            g.put("members", members.size());
            g.put("consumed", received.size());
            g.put("lost", cutOffPolls ? 0 : lost.size());
            g.put("skipped_by_polls_cut_off_by_replica_sigkill", cutOffPolls ? lost.size() : 0);
            g.put("delivered_to_two_members", toTwoMembers);
            examples(g, "examples", lost);
            check(missing.isEmpty() || cutOffPolls, "group " + group + " never received " + lost.size()
                    + " records in " + runs + " runs of offsets, e.g. " + first(lost));
        });
    }

    /** @return how many runs of consecutive offsets of one partition {@code positions} (sorted) make */
    static long contiguousRuns(List<Position> positions) {
        long runs = 0;
        Position previous = null;
        for (Position p : positions.stream().sorted().toList()) {
            if (previous == null || previous.partition() != p.partition() || previous.offset() + 1 != p.offset()) {
                runs++;
            }
            previous = p;
        }
        return runs;
    }

    private void failures() {
        ObjectNode requests = json.putObject("requests");
        Map<String, Long> failedRequests = new TreeMap<>();
        Map<String, Long> failedRecords = new TreeMap<>();
        for (SoakOutcomes.Failure f : in.outcomes().failures()) {
            (f.perRecord() ? failedRecords : failedRequests).merge(f.operation(), 1L, Long::sum);
        }
        in.outcomes().sentByOperation().forEach((op, sent) -> requests.putObject(op)
                .put("sent", sent)
                .put("failed", failedRequests.getOrDefault(op, 0L))
                .put("records_failed", failedRecords.getOrDefault(op, 0L)));
        List<SoakOutcomes.Slow> slow = in.outcomes().slowRequests();
        ObjectNode slowNode = json.putObject("slow_requests");
        slowNode.put("at_least_ms", SoakOutcomes.SLOW_MS);
        slowNode.put("count", slow.size());
        ArrayNode slowest = slowNode.putArray("slowest");
        slow.stream().sorted((a, b) -> Long.compare(b.ms(), a.ms())).limit(10).forEach(x -> slowest.add(
                x.operation() + " by " + x.client() + " sent at " + round(x.sentAtMs() / 1000.0) + " s: " + x.ms()
                        + " ms, " + (x.status() == 0 ? "no answer" : "status " + x.status())));
        ArrayNode classes = json.putArray("failure_classes");
        Map<Kind, List<SoakOutcomes.Failure>> byKind = new TreeMap<>();
        in.outcomes().failures().forEach(f -> byKind.computeIfAbsent(f.kind(), k -> new ArrayList<>()).add(f));
        byKind.forEach((kind, list) -> {
            ObjectNode c = classes.addObject();
            c.put("operation", kind.operation());
            c.put("status", kind.status() == 0 ? "no answer" : Integer.toString(kind.status()));
            c.put("error_code", kind.errorCode());
            c.put("per_record", kind.perRecord());
            c.put("count", list.size());
            c.put("with_retry_after", list.stream().filter(SoakOutcomes.Failure::retryAfter).count());
            c.put("retriable", kind.retriable());
            c.put("client_action", kind.clientAction());
            c.put("example", list.getFirst().message());
            check(kind.retriable(), list.size() + " answers a client cannot retry: " + kind + " "
                    + list.getFirst().message());
        });
    }

    private void faults() {
        ArrayNode faults = json.putArray("faults");
        long end = in.loadEndMs();
        long warmupEnd = in.faults().isEmpty() ? end : in.faults().getFirst().startMs();
        ObjectNode baseline = json.putObject("baseline");
        baseline.put("window", "warm-up, before the first fault");
        stalls(baseline, 0, warmupEnd);
        for (int i = 0; i < in.faults().size(); i++) {
            FaultRun f = in.faults().get(i);
            long to = i + 1 < in.faults().size() ? in.faults().get(i + 1).startMs() : end;
            ObjectNode n = faults.addObject();
            n.put("n", f.n() + 1);
            n.put("fault", f.fault().label());
            n.put("target", f.target());
            n.put("at_s", round(f.startMs() / 1000.0));
            n.put("whole_again_after_s", round((f.endMs() - f.startMs()) / 1000.0));
            stalls(n, f.startMs(), to);
            Map<String, Long> failed = new TreeMap<>();
            in.outcomes().failures().stream().filter(x -> x.atMs() >= f.startMs() && x.atMs() < to)
                    .forEach(x -> failed.merge(x.kind().toString(), 1L, Long::sum));
            ObjectNode failures = n.putObject("failures");
            failed.forEach(failures::put);
            for (String stall : List.of("produce_stall_ms", "consume_stall_ms", "produce_client_stall_ms",
                    "consume_client_stall_ms")) {
                check(n.get(stall).asLong() <= in.settings().stallLimit().toMillis(), "fault " + (f.n() + 1) + " ("
                        + f.fault().label() + ", " + f.target() + "): " + stall + " " + n.get(stall).asLong()
                        + " above the limit of " + in.settings().stallLimit().toMillis());
            }
        }
    }

    private void stalls(ObjectNode n, long from, long to) {
        SoakOutcomes o = in.outcomes();
        n.put("produce_stall_ms", o.longestStall(Role.PRODUCE, from, to, in.loadEndMs(), false).ms());
        SoakOutcomes.Stall producer = o.longestStall(Role.PRODUCE, from, to, in.loadEndMs(), true);
        n.put("produce_client_stall_ms", producer.ms());
        n.put("produce_client_stall", producer.client() + " from " + round(producer.fromMs() / 1000.0) + " s");
        n.put("consume_stall_ms", o.longestStall(Role.CONSUME, from, to, in.consumeEndMs(), false).ms());
        SoakOutcomes.Stall consumer = o.longestStall(Role.CONSUME, from, to, in.consumeEndMs(), true);
        n.put("consume_client_stall_ms", consumer.ms());
        n.put("consume_client_stall", consumer.client() + " from " + round(consumer.fromMs() / 1000.0) + " s");
    }

    private void replicas() {
        ArrayNode replicas = json.putArray("replicas");
        for (int i = 0; i < in.resourcesAtStart().size(); i++) {
            String id = "replica-" + (i + 1);
            long restarts = in.faults().stream().filter(f -> f.target().startsWith(id)).count();
            ObjectNode r = replicas.addObject();
            r.put("replica", id);
            r.put("restarts", restarts);
            ReplicaResources start = in.resourcesAtStart().get(i);
            ReplicaResources end = in.resourcesAtEnd().get(i);
            resources(r.putObject("start"), start);
            resources(r.putObject("end"), end);
            if (restarts == 0) {
                // the same process from start to end: what it gained and kept is what a leak would show
                check(end.threads() <= start.threads() + LEAK_THREADS, id + ": threads " + start.threads() + " → "
                        + end.threads());
                check(end.openFds() <= start.openFds() + LEAK_FDS, id + ": open fds " + start.openFds() + " → "
                        + end.openFds());
                check(end.heapUsedMb() <= start.heapUsedMb() + LEAK_HEAP_MB, id + ": heap after GC "
                        + round(start.heapUsedMb()) + " → " + round(end.heapUsedMb()) + " MiB");
            }
        }
    }

    private static void resources(ObjectNode n, ReplicaResources r) {
        n.put("pid", r.pid());
        n.put("heap_used_mb", round(r.heapUsedMb()));
        n.put("threads", r.threads());
        n.put("open_fds", r.openFds());
    }

    private void check(boolean ok, String violation) {
        if (!ok) {
            violations.add(violation);
        }
    }

    private static void examples(ObjectNode n, String field, List<String> all) {
        ArrayNode a = n.putArray(field);
        all.stream().limit(5).forEach(a::add);
    }

    private static String first(List<String> list) {
        return list.isEmpty() ? "" : list.getFirst();
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** @return the 1, 5 and 15 minute load averages ({@code /proc/loadavg}), or empty off Linux */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+", -1);
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** @return the JSON and Markdown base name: {@code <yyyy-MM-dd-HHmm>-soak}, {@code -soak-quick} for quick */
    static String baseName(Instant date, String mode) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm").withZone(ZoneOffset.UTC).format(date) + "-soak" + ("full".equals(mode) ? "" : "-" + mode);
    }
}
