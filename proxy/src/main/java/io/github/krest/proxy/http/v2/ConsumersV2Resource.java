package io.github.krest.proxy.http.v2;

import io.github.krest.proxy.core.CommittedOffset;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.core.consumer.ConsumerService;
import io.github.krest.proxy.core.KafkaOffsets;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.format.EmbeddedFormat;
import io.github.krest.proxy.format.RecordRenderers;
import io.github.krest.proxy.http.BaseUrls;
import io.github.krest.proxy.http.ContentTypes;
import io.github.krest.proxy.http.HttpErrors;
import io.github.krest.proxy.http.RequestBodies;
import io.github.krest.proxy.http.RequestFields;
import io.github.krest.proxy.http.ResourceNames;
import io.github.krest.proxy.http.Responses;
import io.github.krest.proxy.json.Json;
import io.github.krest.proxy.limit.PollBulkhead;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.proxy.caller.Caller;
import io.github.krest.state.PartitionRef;
import io.helidon.common.media.type.MediaType;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.sse.SseEvent;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;

/**
 * Confluent v2 consumers (docs/api.md, "API served"), served statelessly by
 * {@link ConsumerService}: {@code POST /consumers/{group}} (api.v2.consumers.create), {@code DELETE
 * .../instances/{instance}} (delete), {@code POST|GET|DELETE .../subscription}, {@code POST|GET .../assignments},
 * {@code POST .../positions}, {@code .../positions/beginning}, {@code .../positions/end}, {@code GET .../records}
 * (consume-{format}), {@code POST .../offsets} (commit-offsets) and {@code GET .../offsets} (get-committed-offsets).
 *
 * <p>{@code base_uri} is built from {@code advertised.listeners}, else the forwarding headers, so it points at the
 * load balancer. Control requests take {@code application/vnd.kafka.v2+json} (or {@code application/json}, or an
 * embedded type as Confluent allows); bodies are parsed into core values here and nothing else.
 */
final class ConsumersV2Resource implements HttpService {
    private static final System.Logger LOG = System.getLogger(ConsumersV2Resource.class.getName());
    private static final String INSTANCE = "/consumers/{group}/instances/{instance}";
    /**
     * A record stream without an event for this long sends a comment before its next poll: proxies keep the
     * connection, and a client that went away shows within about two of these (the first write after a peer's close
     * is still accepted by the kernel), before the stream's polls take records nobody reads.
     */
    static final long STREAM_KEEP_ALIVE_MS = 1_000;

    // the fields of each request body (Confluent's v2 entities): anything else is refused, see RequestFields
    private static final Set<String> CREATE_FIELDS = Set.of("name", "id", "format", "auto.offset.reset",
            "auto.commit.enable", "fetch.min.bytes", "responseMinBytes", "consumer.request.timeout.ms",
            "requestWaitMs");
    private static final Set<String> SUBSCRIBE_FIELDS = Set.of("topics", "topic_pattern");
    private static final Set<String> PARTITIONS_FIELDS = Set.of("partitions");
    private static final Set<String> PARTITION_FIELDS = Set.of("topic", "partition");
    private static final Set<String> SEEK_FIELDS = Set.of("offsets", "timestamps");
    private static final Set<String> OFFSET_FIELDS = Set.of("topic", "partition", "offset", "metadata");
    private static final Set<String> TIMESTAMP_FIELDS = Set.of("topic", "partition", "timestamp", "metadata");
    private static final Set<String> COMMIT_FIELDS = Set.of("offsets");

    private final ConsumerService consumers;
    private final BaseUrls urls;
    private final long maxBodyBytes;
    private final PollBulkhead polls;
    private final RecordRenderers renderers;
    private final long streamMaxDurationMs;

    ConsumersV2Resource(ConsumerService consumers, BaseUrls urls, long maxBodyBytes, PollBulkhead polls,
                       RecordRenderers renderers, long streamMaxDurationMs) {
        this.consumers = consumers;
        this.urls = urls;
        this.maxBodyBytes = maxBodyBytes;
        this.polls = polls;
        this.renderers = renderers;
        this.streamMaxDurationMs = streamMaxDurationMs;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/consumers/{group}", this::create)
                .delete(INSTANCE, this::delete)
                .post(INSTANCE + "/subscription", this::subscribe)
                .get(INSTANCE + "/subscription", this::getSubscription)
                .delete(INSTANCE + "/subscription", this::unsubscribe)
                .post(INSTANCE + "/assignments", this::assign)
                .get(INSTANCE + "/assignments", this::getAssignments)
                .post(INSTANCE + "/positions", this::seek)
                .post(INSTANCE + "/positions/beginning", (req, res) -> seekTo(req, res, true))
                .post(INSTANCE + "/positions/end", (req, res) -> seekTo(req, res, false))
                .get(INSTANCE + "/records", this::records)
                .post(INSTANCE + "/offsets", this::commit)
                .get(INSTANCE + "/offsets", this::committed);
    }

    /** {@code {"instance_id": "...", "base_uri": "..."}}. */
    record Created(@JsonProperty("instance_id") String instanceId, @JsonProperty("base_uri") String baseUri) {
    }

    /** {@code {"topic": "t", "partition": 0}}. */
    record Partition(@JsonProperty("topic") String topic, @JsonProperty("partition") int partition) {
        static Partition of(PartitionRef p) {
            return new Partition(p.topic(), p.partition());
        }
    }

    /** {@code {"partitions": [...]}}. */
    record Partitions(@JsonProperty("partitions") List<Partition> partitions) {
    }

    /** {@code {"topics": [...]}}. */
    record Topics(@JsonProperty("topics") List<String> topics) {
    }

    /** One committed offset. */
    record PartitionOffset(@JsonProperty("topic") String topic, @JsonProperty("partition") int partition,
                           @JsonProperty("offset") long offset, @JsonProperty("metadata") String metadata) {
    }

    /** {@code {"offsets": [...]}}. */
    record Offsets(@JsonProperty("offsets") List<PartitionOffset> offsets) {
    }

    private void create(ServerRequest req, ServerResponse res) {
        MediaType type = controlRequest(req);
        String group = group(req);
        JsonNode body = body(req, true, CREATE_FIELDS);
        ConsumerService.CreateRequest request = new ConsumerService.CreateRequest(
                text(body, "name"), text(body, "id"), text(body, "format"), text(body, "auto.offset.reset"),
                text(body, "auto.commit.enable"),
                number(body, "fetch.min.bytes").or(() -> number(body, "responseMinBytes")),
                number(body, "consumer.request.timeout.ms").or(() -> number(body, "requestWaitMs")));
        // schema formats need a Schema Registry (422/42206); an unknown format is ConsumerService's 422
        request.format().flatMap(EmbeddedFormat::ofName).ifPresent(renderers::requireAvailable);
        String name = consumers.create(group, request, caller(req));
        String baseUri = urls.base(req) + "/consumers/" + segment(group) + "/instances/" + segment(name);
        Responses.json(res, Status.OK_200, type, new Created(name, baseUri));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        ContentTypes.negotiate(req, ContentTypes.V2_RESPONSE);
        consumers.delete(group(req), instance(req), caller(req));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void subscribe(ServerRequest req, ServerResponse res) {
        controlRequest(req);
        JsonNode body = body(req, false, SUBSCRIBE_FIELDS);
        List<String> topics = new ArrayList<>();
        JsonNode list = body.get("topics");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw RestException.badRequest("topics must be an array of topic names.");
            }
            for (JsonNode t : list) {
                if (!t.isTextual()) {
                    throw RestException.badRequest("topics must be an array of topic names.");
                }
                topics.add(t.textValue());
            }
        }
        consumers.subscribe(group(req), instance(req), caller(req), topics, text(body, "topic_pattern"));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void getSubscription(ServerRequest req, ServerResponse res) {
        MediaType type = ContentTypes.negotiate(req, ContentTypes.V2_RESPONSE);
        Responses.json(res, Status.OK_200, type,
                new Topics(consumers.subscription(group(req), instance(req), caller(req))));
    }

    private void unsubscribe(ServerRequest req, ServerResponse res) {
        ContentTypes.negotiate(req, ContentTypes.V2_RESPONSE);
        consumers.unsubscribe(group(req), instance(req), caller(req));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void assign(ServerRequest req, ServerResponse res) {
        controlRequest(req);
        consumers.assign(group(req), instance(req), caller(req),
                partitions(body(req, false, PARTITIONS_FIELDS), "partitions"));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void getAssignments(ServerRequest req, ServerResponse res) {
        MediaType type = ContentTypes.negotiate(req, ContentTypes.V2_RESPONSE);
        List<PartitionRef> partitions = consumers.assignment(group(req), instance(req), caller(req));
        Responses.json(res, Status.OK_200, type, new Partitions(partitions.stream().map(Partition::of).toList()));
    }

    private void seek(ServerRequest req, ServerResponse res) {
        controlRequest(req);
        JsonNode body = body(req, false, SEEK_FIELDS);
        Map<PartitionRef, Long> offsets = new HashMap<>();
        for (JsonNode o : array(body, "offsets", OFFSET_FIELDS)) {
            offsets.put(partition(o), longField(o, "offset"));
        }
        Map<PartitionRef, Instant> timestamps = new HashMap<>();
        for (JsonNode t : array(body, "timestamps", TIMESTAMP_FIELDS)) {
            JsonNode ts = t.get("timestamp");
            if (ts == null || !ts.isTextual()) {
                throw RestException.badRequest("timestamps[].timestamp must be an ISO-8601 date-time string.");
            }
            try {
                timestamps.put(partition(t), OffsetDateTime.parse(ts.textValue()).toInstant());
            } catch (DateTimeParseException e) {
                throw RestException.badRequest("timestamp " + ts.textValue() + " is not an ISO-8601 date-time.");
            }
        }
        if (offsets.isEmpty() && timestamps.isEmpty()) {
            throw RestException.badRequest("A seek needs offsets or timestamps.");
        }
        consumers.seek(group(req), instance(req), caller(req), offsets, timestamps, List.of(), List.of());
        res.status(Status.NO_CONTENT_204).send();
    }

    private void seekTo(ServerRequest req, ServerResponse res, boolean beginning) {
        controlRequest(req);
        List<PartitionRef> partitions = partitions(body(req, false, PARTITIONS_FIELDS), "partitions");
        consumers.seek(group(req), instance(req), caller(req), Map.of(), Map.of(),
                beginning ? partitions : List.of(), beginning ? List.of() : partitions);
        res.status(Status.NO_CONTENT_204).send();
    }

    private void records(ServerRequest req, ServerResponse res) {
        if (wantsEventStream(req)) {
            stream(req, res);
            return;
        }
        Optional<EmbeddedFormat> requested = acceptedFormat(req);
        Optional<Long> timeout = queryLong(req, "timeout");
        Optional<Long> maxBytes = queryLong(req, "max_bytes");
        // consumer.max.concurrent.polls: a full replica answers 429 with Retry-After after a short wait
        // records are written into the answer as they are read: a poll of megabytes holds its answer's bytes (in
        // reused chunks), not thousands of records that outlive young collections
        Responses.Body body = new Responses.Body(Responses.Body.UNKNOWN_SIZE);
        try {
            ConsumerService.Polled<Integer> polled = pollInto(req, body, requested, timeout, maxBytes);
            if (polled.records().isEmpty()) {
                // none arrived, or they were read under a lease that lapsed: not this request's to give
                Responses.json(res, Status.OK_200, polled.format().mediaType(), List.of());
                return;
            }
            body.send(res, Status.OK_200, polled.format().mediaType());
        } finally {
            body.release();
        }
    }

    /**
     * One poll of the request's instance (through the {@code consumer.max.concurrent.polls} bulkhead) whose records
     * are rendered into {@code out} as the JSON array of a GET's answer, as they are read. The request's resource
     * name ends in the instance's format from then on, whatever {@code Accept} named.
     *
     * @return the poll; {@code out} holds the whole array when it has records, nothing usable when it has none
     * @throws RestException as {@link ConsumerService#poll} and 429 when the bulkhead stays full
     */
    private ConsumerService.Polled<Integer> pollInto(ServerRequest req, OutputStream out,
                                                     Optional<EmbeddedFormat> requested, Optional<Long> timeout,
                                                     Optional<Long> maxBytes) {
        RecordRenderers.Answer answer = new RecordRenderers.Answer(out);
        ConsumerService.Polled<Integer> polled = polls.call(() -> consumers.poll(group(req), instance(req),
                caller(req), requested, timeout, maxBytes, format -> renderers.into(answer, format)));
        ResourceNames.consumedAs(req, polled.format());
        if (!polled.records().isEmpty()) {
            try {
                answer.finish();
            } catch (IOException e) {
                throw new IllegalStateException("Cannot serialise response", e);
            }
        }
        return polled;
    }

    /** @return whether {@code Accept} names {@code text/event-stream}, as a browser's EventSource sends */
    private static boolean wantsEventStream(ServerRequest req) {
        return req.headers().contains(HeaderNames.ACCEPT) && req.headers().acceptedTypes().stream()
                .anyMatch(t -> t.mediaType().text().equalsIgnoreCase(MediaTypes.TEXT_EVENT_STREAM.text()));
    }

    /**
     * krest, beyond Confluent (kafka-rest#188): {@code GET .../records} with {@code Accept: text/event-stream}
     * answers a stream of server-sent events instead of one array, polling on the replica's side. Each poll that
     * finds records becomes one {@code records} event whose data is the JSON array a plain GET answers, in the
     * instance's format ({@code ?max_bytes=} bounds each event, {@code ?timeout=} each poll's wait, as for a GET); a
     * {@code keep-alive} comment goes out before a poll when {@value #STREAM_KEEP_ALIVE_MS} ms passed without a
     * write.
     *
     * <p>The stream ends after {@code consumer.stream.max.duration.ms} or {@code ?duration=} ms (the shorter), when
     * the replica stops (after the poll in progress), or when the client goes away; an EventSource then reconnects,
     * through the load balancer to any replica, and goes on from the stored positions. Positions advance as events
     * are written, as they do when a poll answers (an event the client did not read counts as delivered, as a lost
     * answer does); commit with {@code POST .../offsets} or auto-commit as usual. Errors of the first poll (unknown
     * instance 404/40403, a schema format without a registry, ...) are answered as JSON before the stream starts;
     * later ones end it with an {@code error} event whose data is the usual {@code {"error_code", "message"}}, except
     * 429 (the replica's polls are all busy), after which the stream polls again.
     */
    private void stream(ServerRequest req, ServerResponse res) {
        Optional<Long> timeout = queryLong(req, "timeout");
        Optional<Long> maxBytes = queryLong(req, "max_bytes");
        Optional<Long> duration = queryLong(req, "duration");
        if (duration.isPresent() && duration.get() <= 0) {
            throw RestException.badRequest("Query parameter duration must be a positive number of ms.");
        }
        long durationMs = Math.min(duration.orElse(streamMaxDurationMs), streamMaxDurationMs);
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs);
        Optional<String> next = streamPoll(req, timeout, maxBytes);
        res.header(HeaderNames.create("X-Accel-Buffering"), "no"); // nginx: pass each event on at once
        SseSink sink = res.sink(SseSink.TYPE);
        String stream = group(req) + "/" + instance(req);
        long lastWrite = System.nanoTime();
        while (true) {
            if (next.isPresent()) {
                if (!emit(sink, SseEvent.builder().name("records").data(next.get()).build(), stream)) {
                    return;
                }
                lastWrite = System.nanoTime();
            } else if (System.nanoTime() - lastWrite >= TimeUnit.MILLISECONDS.toNanos(STREAM_KEEP_ALIVE_MS)) {
                if (!emit(sink, SseEvent.builder().comment("keep-alive").build(), stream)) {
                    return;
                }
                lastWrite = System.nanoTime();
            }
            if (System.nanoTime() - end >= 0 || consumers.shuttingDown() || Thread.currentThread().isInterrupted()) {
                break;
            }
            try {
                next = streamPoll(req, timeout, maxBytes);
            } catch (RestException e) {
                if (e.errorCode() == ErrorCode.TOO_MANY_REQUESTS) {
                    next = Optional.empty();
                    continue;
                }
                emit(sink, errorEvent(e), stream);
                break;
            } catch (RuntimeException e) {
                emit(sink, errorEvent(e), stream);
                break;
            }
        }
        try {
            sink.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Record stream " + stream + " did not close cleanly: " + e);
        }
    }

    /**
     * @return whether the event was written; false when the client went away (a write failed), and then nothing
     *         more can reach it: the positions of what was sent are stored
     */
    private static boolean emit(SseSink sink, SseEvent event, String stream) {
        try {
            sink.emit(event);
            return true;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Record stream " + stream + " ended, its client gone: " + e);
            return false;
        }
    }

    /** One poll of a record stream: the records as the JSON array of a GET's answer, or empty when none came. */
    private Optional<String> streamPoll(ServerRequest req, Optional<Long> timeout, Optional<Long> maxBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return pollInto(req, out, Optional.empty(), timeout, maxBytes).records().isEmpty()
                ? Optional.empty() : Optional.of(out.toString(StandardCharsets.UTF_8));
    }

    private static SseEvent errorEvent(RuntimeException e) {
        return SseEvent.builder().name("error")
                .data(new String(HttpErrors.bytes(HttpErrors.toResponse(e)), StandardCharsets.UTF_8)).build();
    }

    private void commit(ServerRequest req, ServerResponse res) {
        MediaType type = controlRequest(req);
        boolean async = req.query().first("async").map(Boolean::parseBoolean).orElse(false);
        JsonNode body = body(req, true, COMMIT_FIELDS);
        Optional<Map<PartitionRef, CommittedOffset>> explicit = Optional.empty();
        JsonNode offsets = body.get("offsets");
        if (offsets != null && !offsets.isNull()) {
            Map<PartitionRef, CommittedOffset> map = new HashMap<>();
            for (JsonNode o : array(body, "offsets", OFFSET_FIELDS)) {
                map.put(partition(o), new CommittedOffset(longField(o, "offset"),
                        text(o, "metadata").orElse("")));
            }
            explicit = Optional.of(map);
        }
        consumers.commit(group(req), instance(req), caller(req), explicit, async);
        Responses.json(res, Status.OK_200, type, List.of());
    }

    private void committed(ServerRequest req, ServerResponse res) {
        MediaType type = ContentTypes.negotiate(req, ContentTypes.V2_RESPONSE);
        JsonNode body = body(req, true, PARTITIONS_FIELDS);
        List<PartitionRef> partitions = body.has("partitions") ? partitions(body, "partitions") : List.of();
        List<PartitionOffset> offsets = consumers.committed(group(req), instance(req), caller(req), partitions)
                .stream().map(c -> new PartitionOffset(c.partition().topic(), c.partition().partition(), c.offset(),
                        c.metadata())).toList();
        Responses.json(res, Status.OK_200, type, new Offsets(offsets));
    }

    // ---- parsing helpers ----

    /** Checks a control request's content type (when it has a body) and negotiates the response type. */
    private static MediaType controlRequest(ServerRequest req) {
        if (RequestBodies.hasBody(req) || req.headers().contentType().isPresent()) {
            String type = ContentTypes.contentType(req).orElse("");
            boolean ok = type.equals(ContentTypes.V2_JSON.text()) || type.equals(ContentTypes.KAFKA_JSON.text())
                    || type.equals(ContentTypes.JSON.text())
                    || EmbeddedFormat.ofProduceContentType(type).isPresent();
            if (!ok) {
                throw ContentTypes.unsupportedMediaType();
            }
        }
        return ContentTypes.negotiate(req, ContentTypes.V2_RESPONSE);
    }

    /**
     * The format named by {@code Accept}: an embedded type, {@code application/vnd.kafka.v2+json} for binary
     * (Confluent), or empty (the instance's own format) for no {@code Accept}, {@code *}{@code /*} or
     * {@code application/json}.
     */
    private static Optional<EmbeddedFormat> acceptedFormat(ServerRequest req) {
        if (!req.headers().contains(HeaderNames.ACCEPT)) {
            return Optional.empty();
        }
        List<HttpMediaType> accepted = req.headers().acceptedTypes();
        for (HttpMediaType type : accepted) {
            String text = type.mediaType().text().toLowerCase(Locale.ROOT);
            for (EmbeddedFormat f : EmbeddedFormat.values()) {
                if (f.mediaType().text().equals(text)) {
                    return Optional.of(f);
                }
            }
            if (text.equals(ContentTypes.V2_JSON.text()) || text.equals(ContentTypes.KAFKA_JSON.text())) {
                return Optional.of(EmbeddedFormat.BINARY);
            }
            if (text.equals("*/*") || text.equals("application/*") || text.equals(ContentTypes.JSON.text())) {
                return Optional.empty();
            }
        }
        throw ContentTypes.notAcceptable();
    }

    /**
     * The body as a JSON object whose fields are all {@code known} (else 400 naming the first other one, as
     * Confluent's Jackson mapping answers).
     */
    private JsonNode body(ServerRequest req, boolean mayBeEmpty, Set<String> known) {
        byte[] bytes = RequestBodies.read(req, maxBodyBytes);
        if (bytes.length == 0 || new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            if (mayBeEmpty) {
                return Json.mapper().createObjectNode();
            }
            throw RestException.payload("Request body is empty. Data is required.");
        }
        try {
            JsonNode node = Json.mapper().readTree(bytes);
            if (node == null || !node.isObject()) {
                throw RestException.badRequest("The request body must be a JSON object.");
            }
            RequestFields.requireKnown(node, "", known);
            return node;
        } catch (JsonProcessingException e) {
            String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            throw RestException.badRequest("Malformed JSON: " + m.lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw RestException.badRequest("Could not read the request body.");
        }
    }

    /** The elements of array {@code field}; those that are objects may have only {@code known} fields. */
    private static List<JsonNode> array(JsonNode body, String field, Set<String> known) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw RestException.badRequest(field + " must be an array.");
        }
        List<JsonNode> items = new ArrayList<>();
        node.forEach(items::add);
        for (int i = 0; i < items.size(); i++) {
            RequestFields.requireKnown(items.get(i), field + "[" + i + "]", known);
        }
        return items;
    }

    private static List<PartitionRef> partitions(JsonNode body, String field) {
        List<PartitionRef> partitions = new ArrayList<>();
        for (JsonNode p : array(body, field, PARTITION_FIELDS)) {
            partitions.add(partition(p));
        }
        return partitions;
    }

    private static PartitionRef partition(JsonNode node) {
        JsonNode topic = node.get("topic");
        JsonNode partition = node.get("partition");
        if (!node.isObject() || topic == null || !topic.isTextual() || partition == null
                || !partition.isIntegralNumber() || !partition.canConvertToInt()) {
            throw RestException.badRequest("Each partition needs a string topic and an integer partition.");
        }
        try {
            return new PartitionRef(topic.textValue(), partition.intValue());
        } catch (IllegalArgumentException e) {
            throw RestException.badRequest(e.getMessage());
        }
    }

    private static long longField(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw RestException.badRequest(field + " must be an integer.");
        }
        return value.longValue();
    }

    private static Optional<String> text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isValueNode()) {
            throw RestException.badRequest(field + " must be a string.");
        }
        return Optional.of(node.asText());
    }

    private static Optional<Long> number(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return Optional.of(node.longValue());
        }
        if (node.isTextual()) {
            try {
                return Optional.of(Long.parseLong(node.textValue().trim()));
            } catch (NumberFormatException e) {
                // answered below
            }
        }
        throw new RestException(ErrorCode.INVALID_CONSUMER_CONFIG,
                "Invalid consumer configuration: " + field + " must be an integer.");
    }

    private static Optional<Long> queryLong(ServerRequest req, String name) {
        Optional<String> raw = req.query().first(name).asOptional();
        if (raw.isEmpty() || raw.get().isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(raw.get().trim()));
        } catch (NumberFormatException e) {
            throw RestException.badRequest("Query parameter " + name + " must be an integer.");
        }
    }

    private static String group(ServerRequest req) {
        return req.path().pathParameters().get("group");
    }

    private static String instance(ServerRequest req) {
        return req.path().pathParameters().get("instance");
    }

    /** The authenticated caller (its principal owns the instances it creates); anonymous without authentication. */
    private static KafkaIdentity caller(ServerRequest req) {
        return Caller.of(req).kafkaIdentity();
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
