package io.github.krest.proxy.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.krest.proxy.cluster.DeliveryLog.Position;
import io.github.krest.proxy.cluster.SoakOutcomes.Role;
import io.github.krest.proxy.testing.KrestHttp;

/**
 * One producing client of the soak, through the load balancer, with one of Confluent's three produce APIs: each
 * request carries one record per partition, numbered by the client, and what fails is sent again as a client must
 * (only what {@link SoakOutcomes.Kind#retriable()} allows, after {@code Retry-After} when given), up to
 * {@value #MAX_ATTEMPTS} attempts. A record's value is {@code c<client>-s<seq>-a<attempt>}: a client's own
 * retries get new values, so a value in the topic twice was written twice by krest or Kafka, not by the client.
 *
 * <p>Runs on its own thread until told to stop; requests are at least the settings' interval apart and at most
 * {@code maxRequests} in all.
 */
final class SoakProducer implements Runnable {
    /** The produce APIs. */
    enum Api {
        /** v2 {@code POST /topics/{t}}, binary: one answer with an offset or error per record. */
        V2("produce v2"),
        /** v3 {@code POST /v3/clusters/{c}/topics/{t}/records}: the records as concatenated JSON, one receipt each. */
        V3_STREAM("produce v3 stream"),
        /** v3 {@code POST .../records:batch}: 207 with {@code successes} and {@code failures} by entry id. */
        V3_BATCH("produce v3 batch");

        private final String operation;

        Api(String operation) {
            this.operation = operation;
        }

        String operation() {
            return operation;
        }
    }

    private static final int MAX_ATTEMPTS = 30;
    private static final String BINARY_V2 = "application/vnd.kafka.binary.v2+json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final int client;
    private final Api api;
    private final KrestHttp http;
    private final String path;
    private final int partitions;
    private final long intervalMs;
    private final long maxRequests;
    private final SoakOutcomes outcomes;
    private final BooleanSupplier running;
    private final Map<String, Position> acknowledged = new HashMap<>();
    private final List<String> gaveUp = new ArrayList<>();
    private long requests;

    /**
     * @param client the client's number, unique in the run
     * @param clusterId the Kafka cluster id (v3 paths)
     * @param intervalMs the least time between two of its requests
     * @param maxRequests the most requests it sends, retries included
     * @param running whether to go on
     */
    SoakProducer(int client, Api api, KrestHttp http, String clusterId, String topic, int partitions, long intervalMs,
                 long maxRequests, SoakOutcomes outcomes, BooleanSupplier running) {
        this.client = client;
        this.api = api;
        this.http = http;
        this.path = switch (api) {
            case V2 -> "/topics/" + topic;
            case V3_STREAM -> "/v3/clusters/" + clusterId + "/topics/" + topic + "/records";
            case V3_BATCH -> "/v3/clusters/" + clusterId + "/topics/" + topic + "/records:batch";
        };
        this.partitions = partitions;
        this.intervalMs = intervalMs;
        this.maxRequests = maxRequests;
        this.outcomes = outcomes;
        this.running = running;
    }

    /** @return {@code producer-<n> (<api>)} */
    String name() {
        return "producer-" + client + " (" + api.operation() + ")";
    }

    @Override
    public void run() {
        for (int seq = 0; running.getAsBoolean() && requests < maxRequests; seq += partitions) {
            long started = System.nanoTime();
            produce(seq);
            long spent = (System.nanoTime() - started) / 1_000_000;
            if (spent < intervalMs) {
                ClusterProcesses.sleep(intervalMs - spent);
            }
        }
    }

    /** @return every value this client got acknowledged, with the position its acknowledgement named */
    Map<String, Position> acknowledged() {
        return Map.copyOf(acknowledged);
    }

    /** @return the records it stopped sending: refused in a way it may not retry, or out of attempts */
    List<String> gaveUp() {
        return List.copyOf(gaveUp);
    }

    /** Sends records {@code seq .. seq+partitions-1}, record {@code i} into partition {@code i % partitions}. */
    private void produce(int seq) {
        List<Integer> pending = new ArrayList<>();
        for (int i = seq; i < seq + partitions; i++) {
            pending.add(i);
        }
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            if (attempt == MAX_ATTEMPTS || requests >= maxRequests) {
                pending.forEach(i -> gaveUp.add(value(i, MAX_ATTEMPTS) + ": out of attempts"));
                return;
            }
            List<String> values = new ArrayList<>();
            for (int i : pending) {
                values.add(value(i, attempt));
            }
            requests++;
            outcomes.sent(api.operation());
            Answer answer = send(pending, values);
            List<Integer> retry = new ArrayList<>();
            boolean progress = false;
            for (int j = 0; j < pending.size(); j++) {
                Optional<SoakOutcomes.Failure> failed = answer.failures().get(j);
                if (failed.isEmpty()) {
                    acknowledged.put(values.get(j), answer.positions().get(j));
                    progress = true;
                } else if (failed.get().kind().retriable()) {
                    retry.add(pending.get(j));
                } else {
                    gaveUp.add(values.get(j) + ": " + failed.get().kind() + " " + failed.get().message());
                }
            }
            if (progress) {
                outcomes.success(Role.PRODUCE, name());
            }
            pending = retry;
            if (!pending.isEmpty()) {
                ClusterProcesses.sleep(answer.retryAfterMs().orElse(Math.min(1_000, 100L << Math.min(attempt, 4))));
            }
        }
    }

    /** A request's outcome per record: its position, or its failure (already counted). */
    private record Answer(List<Position> positions, List<Optional<SoakOutcomes.Failure>> failures,
                          Optional<Long> retryAfterMs) {
        static Answer allFailed(int records, SoakOutcomes.Failure failure, Optional<Long> retryAfterMs) {
            List<Position> positions = new ArrayList<>();
            List<Optional<SoakOutcomes.Failure>> failures = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                positions.add(null);
                failures.add(Optional.of(failure));
            }
            return new Answer(positions, failures, retryAfterMs);
        }
    }

    private Answer send(List<Integer> seqs, List<String> values) {
        KrestHttp.Response r;
        long sent = System.nanoTime();
        try {
            r = switch (api) {
                case V2 -> http.post(path, BINARY_V2, v2Body(seqs, values));
                case V3_STREAM -> http.post(path, "application/json", v3StreamBody(seqs, values));
                case V3_BATCH -> http.post(path, "application/json", v3BatchBody(seqs, values));
            };
            outcomes.took(api.operation(), name(), (System.nanoTime() - sent) / 1_000_000, r.status());
        } catch (UncheckedIOException | IllegalStateException e) {
            outcomes.took(api.operation(), name(), (System.nanoTime() - sent) / 1_000_000, 0);
            return Answer.allFailed(seqs.size(), fail(0, "-", false, false, e.toString()), Optional.empty());
        }
        Optional<Long> retryAfter = SoakOutcomes.retryAfterMs(r);
        int expected = api == Api.V3_BATCH ? 207 : 200;
        if (r.status() != expected || (r.json() == null && api != Api.V3_STREAM)) {
            String code = r.json() != null && r.json().has("error_code") ? r.json().get("error_code").asText() : "-";
            return Answer.allFailed(seqs.size(), fail(r.status(), code, false, retryAfter.isPresent(),
                    r.body().length() > 200 ? r.body().substring(0, 200) : r.body()), retryAfter);
        }
        List<Position> positions = new ArrayList<>();
        List<Optional<SoakOutcomes.Failure>> failures = new ArrayList<>();
        List<JsonNode> receipts = receipts(r, seqs.size());
        for (int j = 0; j < seqs.size(); j++) {
            JsonNode receipt = j < receipts.size() ? receipts.get(j) : null;
            if (receipt == null) {
                // a stream cut short: no receipt is no acknowledgement
                positions.add(null);
                failures.add(Optional.of(fail(0, "-", true, false, "no receipt in " + r.body().length()
                        + " bytes of answer")));
            } else if (isSuccess(receipt)) {
                positions.add(new Position(receipt.path(api == Api.V2 ? "partition" : "partition_id").asInt(),
                        receipt.path("offset").asLong()));
                failures.add(Optional.empty());
            } else {
                positions.add(null);
                failures.add(Optional.of(fail(expected, receipt.path("error_code").asText("-"), true,
                        retryAfter.isPresent(), receipt.path("message").asText(""))));
            }
        }
        return new Answer(positions, failures, retryAfter);
    }

    private boolean isSuccess(JsonNode receipt) {
        if (api == Api.V2) {
            return receipt.path("error_code").isNull();
        }
        return receipt.path("error_code").asInt() == 200 || (!receipt.has("error_code") && receipt.has("offset"));
    }


    /** @return the receipt of each record in request order (fewer when the answer was cut short) */
    private List<JsonNode> receipts(KrestHttp.Response r, int records) {
        List<JsonNode> receipts = new ArrayList<>();
        switch (api) {
            case V2 -> r.json().path("offsets").forEach(receipts::add);
            case V3_STREAM -> {
                try (MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(r.body())) {
                    while (it.hasNext()) {
                        receipts.add(it.next());
                    }
                } catch (IOException | RuntimeException truncated) {
                    // the receipts read so far count
                }
            }
            case V3_BATCH -> {
                Map<String, JsonNode> byId = new HashMap<>();
                r.json().path("successes").forEach(s -> byId.put(s.path("id").asText(), s));
                r.json().path("failures").forEach(f -> byId.put(f.path("id").asText(), f));
                for (int j = 0; j < records; j++) {
                    receipts.add(byId.get(Integer.toString(j)));
                }
            }
            default -> throw new IllegalStateException(api.name());
        }
        return receipts;
    }

    private SoakOutcomes.Failure fail(int status, String code, boolean perRecord, boolean retryAfter, String message) {
        return outcomes.failure(api.operation(), status, code, perRecord, retryAfter, message);
    }

    private String value(int seq, int attempt) {
        return "c" + client + "-s" + seq + "-a" + attempt;
    }

    private String key() {
        return b64("c" + client);
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private String v2Body(List<Integer> seqs, List<String> values) {
        StringBuilder body = new StringBuilder("{\"records\":[");
        for (int j = 0; j < seqs.size(); j++) {
            body.append(j > 0 ? "," : "").append("{\"key\":\"").append(key()).append("\",\"value\":\"")
                    .append(b64(values.get(j))).append("\",\"partition\":").append(seqs.get(j) % partitions)
                    .append('}');
        }
        return body.append("]}").toString();
    }

    private String v3Record(int seq, String value) {
        return "\"partition_id\":" + (seq % partitions) + ",\"key\":{\"type\":\"BINARY\",\"data\":\"" + key()
                + "\"},\"value\":{\"type\":\"BINARY\",\"data\":\"" + b64(value) + "\"}";
    }

    private String v3StreamBody(List<Integer> seqs, List<String> values) {
        StringBuilder body = new StringBuilder();
        for (int j = 0; j < seqs.size(); j++) {
            body.append('{').append(v3Record(seqs.get(j), values.get(j))).append("}\n");
        }
        return body.toString();
    }

    private String v3BatchBody(List<Integer> seqs, List<String> values) {
        StringBuilder body = new StringBuilder("{\"entries\":[");
        for (int j = 0; j < seqs.size(); j++) {
            body.append(j > 0 ? "," : "").append("{\"id\":\"").append(j).append("\",")
                    .append(v3Record(seqs.get(j), values.get(j))).append('}');
        }
        return body.append("]}").toString();
    }
}
