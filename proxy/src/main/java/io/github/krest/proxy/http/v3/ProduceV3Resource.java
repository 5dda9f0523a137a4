package io.github.krest.proxy.http.v3;

import io.github.krest.proxy.http.CallerSessions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.krest.proxy.caller.Caller;
import io.github.krest.proxy.core.IdempotentProduce;
import io.github.krest.proxy.core.ProduceResult;
import io.github.krest.proxy.core.ProduceService;
import io.github.krest.proxy.core.session.KafkaSession;
import io.github.krest.proxy.record.ProduceRecord;
import io.github.krest.proxy.record.TraceContext;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.ErrorTable;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.http.ContentTypes;
import io.github.krest.proxy.http.IdempotencyKeys;
import io.github.krest.proxy.http.WebSocketUpgrades;
import io.github.krest.proxy.http.RequestBodies;
import io.github.krest.proxy.http.RequestTracing;
import io.github.krest.proxy.http.RequestFields;
import io.github.krest.proxy.http.Responses;
import io.github.krest.proxy.json.Json;
import io.github.krest.proxy.limit.ProduceRateLimiter;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Confluent v3 produce: {@code POST /v3/clusters/{cluster_id}/topics/{topic_name}/records} in streaming mode
 * (api.v3.produce.produce-to-topic, see {@link ProduceStream}) and
 * {@code POST .../records:batch} (api.v3.batch-produce.produce-to-topic): up to
 * {@code api.v3.produce.batch.maximum.entries} entries with distinct {@code id}s, answered
 * {@code 207 {"successes": [...], "failures": [...]}} in request order once all are done.
 *
 * <p>Checked before the stream opens (so they answer with a real HTTP status): the cluster id 404, the
 * {@code Content-Type} {@code application/json} 415 (charset UTF-8 or ISO-8859-1, else 400), {@code Accept} 406,
 * the topic 400/40002 or 404/40401. Batch validation errors are 422/42208; a field a batch body, entry, key, value or
 * header does not have refuses the whole batch with 422/422 {@code Unrecognized field: <path>} (Confluent's answer;
 * nothing of it is produced), where a stream gets a 400 receipt for that record and goes on. With
 * {@code api.v3.produce.rate.limit.enabled} every record (stream) or entry (batch) is counted; one over the limits
 * gets a 429 receipt (a 429 entry in {@code failures}) and is not produced.
 *
 * <p>krest: a batch with an {@code Idempotency-Key} header runs under {@link IdempotentProduce} (a retry gets the
 * first answer and writes nothing); a stream with one is refused with 400, since a stream is not retried as one
 * request (docs/api.md, "Idempotent produce").
 */
final class ProduceV3Resource implements HttpService {
    private static final int MAX_ID_LENGTH = 80;
    /** The fields of a batch body. */
    private static final Set<String> BATCH_FIELDS = Set.of("entries");
    /** The fields of a batch entry: a record's and its {@code id}. */
    private static final Set<String> ENTRY_FIELDS = Stream.concat(ProduceRecordReader.RECORD_FIELDS.stream(),
            Stream.of("id")).collect(Collectors.toUnmodifiableSet());

    private final Clusters clusters;
    /** Streaming produce, and its WebSocket ({@link ProduceSocket}) on {@code GET} with {@code Upgrade}. */
    static final String RECORDS = "/v3/clusters/{cluster_id}/topics/{topic_name}/records";

    private final CallerSessions kafka;
    private final ProduceRecordReader reader;
    private final ProduceStream stream;
    private final long maxBodyBytes;
    private final int maxBatchEntries;
    private final ProduceRateLimiter limits;
    private final IdempotentProduce idempotent;

    ProduceV3Resource(Clusters clusters, CallerSessions kafka, ProduceRecordReader reader, ProduceStream stream,
                     long maxBodyBytes, int maxBatchEntries, ProduceRateLimiter limits,
                     IdempotentProduce idempotent) {
        this.clusters = clusters;
        this.kafka = kafka;
        this.reader = reader;
        this.stream = stream;
        this.maxBodyBytes = maxBodyBytes;
        this.maxBatchEntries = maxBatchEntries;
        this.limits = limits;
        this.idempotent = idempotent;
    }

    @Override
    public void routing(HttpRules rules) {
        WebSocketUpgrades.route(rules, RECORDS, this::socket);
        rules.post(RECORDS, this::stream)
                .post("/v3/clusters/{cluster_id}/topics/{topic_name}/records:batch", this::batch);
    }

    private void stream(ServerRequest req, ServerResponse res) {
        rejectIdempotencyKey(req);
        String clusterId = clusters.require(req.path().pathParameters().get("cluster_id"));
        Charset charset = requireJson(req);
        ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        String topic = req.path().pathParameters().get("topic_name");
        ProduceService produce = produce(req);
        Optional<Integer> partitionCount = produce.checkTopic(topic);

        res.status(Status.OK_200);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        if (!RequestBodies.hasBody(req)) {
            res.send();
            return;
        }
        boolean close;
        try (OutputStream out = res.outputStream()) {
            close = stream.run(req.content().inputStream(), charset, out, clusterId, topic, partitionCount,
                    () -> produce(req));
        } catch (IOException | UncheckedIOException e) {
            throw new CloseConnectionException("Streaming produce connection failed", e);
        }
        if (close && res instanceof RoutingResponse routed) {
            // the rest of the body was not read, so the connection cannot carry another request: finish the
            // chunked response, then drop the connection
            routed.commit();
            throw new CloseConnectionException("Streaming produce ended by an in-stream error");
        }
    }

    /**
     * The listener of a WebSocket upgrade of {@link #RECORDS}: checked as a stream is before it opens (so these
     * answer the upgrade as plain HTTP), without the body's content type, since the records come as text messages.
     * The socket's records carry the upgrade request's trace context, as a stream's carry its request's.
     */
    private ProduceSocket socket(ServerRequest req) {
        rejectIdempotencyKey(req);
        String clusterId = clusters.require(req.path().pathParameters().get("cluster_id"));
        String topic = req.path().pathParameters().get("topic_name");
        Caller caller = Caller.of(req);
        Optional<Integer> partitionCount = kafka.of(caller).produce().checkTopic(topic);
        Optional<TraceContext> trace = RequestTracing.recordContext(req);
        return new ProduceSocket(stream, clusterId, topic, partitionCount,
                () -> kafka.of(caller).produce().traced(trace));
    }

    private static void rejectIdempotencyKey(ServerRequest req) {
        if (req.headers().contains(IdempotencyKeys.IDEMPOTENCY_KEY)) {
            throw RestException.badRequest("Idempotency-Key is not supported on streaming produce: a stream is not "
                    + "retried as one request. Send the records as POST .../records:batch with an Idempotency-Key.");
        }
    }

    private void batch(ServerRequest req, ServerResponse res) {
        Optional<String> key = IdempotencyKeys.key(req);
        if (key.isEmpty()) {
            batch(req, res, Optional.empty(), Optional.empty());
            return;
        }
        // claimed before anything is checked: a retry gets the first answer whatever changed since
        byte[] body = RequestBodies.read(req, maxBodyBytes);
        Optional<IdempotentProduce.Attempt> attempt = IdempotencyKeys.claim(idempotent, req, res, key.get(), body);
        if (attempt.isEmpty()) {
            return;
        }
        try {
            batch(req, res, Optional.of(body), attempt);
        } catch (RuntimeException | Error e) {
            attempt.get().abort();
            throw e;
        }
    }

    private void batch(ServerRequest req, ServerResponse res, Optional<byte[]> readBody,
                       Optional<IdempotentProduce.Attempt> attempt) {
        String clusterId = clusters.require(req.path().pathParameters().get("cluster_id"));
        requireJson(req);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        String topic = req.path().pathParameters().get("topic_name");
        ProduceService produce = produce(req);
        Optional<Integer> partitionCount = produce.checkTopic(topic);

        JsonNode entries = entries(readBody.isPresent() ? readBody.get() : RequestBodies.read(req, maxBodyBytes));
        List<String> ids = new ArrayList<>(entries.size());
        Set<String> distinct = new HashSet<>();
        for (JsonNode entry : entries) {
            JsonNode id = entry.get("id");
            if (id == null || !id.isTextual() || id.textValue().isEmpty() || id.textValue().length() > MAX_ID_LENGTH) {
                throw batchError("Every batch entry needs an id of 1 to " + MAX_ID_LENGTH + " characters.");
            }
            if (!distinct.add(id.textValue())) {
                throw batchError("Batch entry IDs are not distinct.");
            }
            ids.add(id.textValue());
        }

        List<ProduceRecordReader.Parsed> parsed = new ArrayList<>(entries.size());
        List<CompletableFuture<ProduceResult>> sent = new ArrayList<>(entries.size());
        // under an idempotency key the entries are sent together once all are read, by the attempt
        Map<Integer, ProduceRecord> toSend = new LinkedHashMap<>();
        for (JsonNode entry : entries) {
            try {
                limits.acquire(limits == ProduceRateLimiter.UNLIMITED ? 0 : jsonSize(entry));
                ProduceRecordReader.Parsed p = reader.read(entry, topic, partitionCount, ENTRY_FIELDS);
                produce.checkSize(p.record());
                parsed.add(p);
                if (attempt.isPresent()) {
                    toSend.put(sent.size(), p.record());
                    sent.add(null);
                } else {
                    sent.add(produce.send(p.record()));
                }
            } catch (RuntimeException e) {
                parsed.add(null);
                sent.add(CompletableFuture.failedFuture(e));
                int status = ErrorTable.toResponse(e).httpStatus();
                if (status == 429 || status >= 500) {
                    attempt.ifPresent(IdempotentProduce.Attempt::failedTransiently);
                }
            }
        }
        if (attempt.isPresent()) {
            KafkaSession session = kafka.of(req);
            attempt.get().send(Caller.of(req).kafkaIdentity(), session.metadata(), session.offsets(), produce,
                    topic, toSend).forEach(sent::set);
        }
        ProduceService.awaitAll(sent);
        List<ProduceReceipts.Success> successes = new ArrayList<>();
        List<ProduceReceipts.Failure> failures = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            try {
                successes.add(ProduceReceipts.success(ids.get(i), clusterId, topic, sent.get(i).join(),
                        parsed.get(i)));
            } catch (RuntimeException e) {
                failures.add(ProduceReceipts.failure(ids.get(i), e));
            }
        }
        if (attempt.isPresent()) {
            IdempotencyKeys.answer(res, attempt.get(), Status.MULTI_STATUS_207, type,
                    new BatchResponse(successes, failures));
        } else {
            Responses.json(res, Status.MULTI_STATUS_207, type, new BatchResponse(successes, failures));
        }
    }

    /** {@code {"successes": [...], "failures": [...]}}. */
    record BatchResponse(@com.fasterxml.jackson.annotation.JsonProperty("successes")
                         List<ProduceReceipts.Success> successes,
                         @com.fasterxml.jackson.annotation.JsonProperty("failures")
                         List<ProduceReceipts.Failure> failures) {
    }

    private JsonNode entries(byte[] body) {
        if (body.length == 0) {
            throw batchError("Request body is empty. Data is required.");
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            throw RestException.badRequest("Malformed JSON: " + m.lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (root != null && root.isObject()) {
            RequestFields.firstUnknown(root, BATCH_FIELDS).ifPresent(field -> {
                throw unrecognized(field);
            });
        }
        JsonNode entries = root == null ? null : root.get("entries");
        if (root == null || root.isNull() || entries == null || entries.isNull()) {
            throw batchError("Request body is empty. Data is required.");
        }
        if (!entries.isArray()) {
            throw RestException.badRequest("entries must be an array.");
        }
        for (int i = 0; i < entries.size(); i++) {
            String at = "entries[" + i + "].";
            ProduceRecordReader.unknownField(entries.get(i), ENTRY_FIELDS).ifPresent(path -> {
                throw unrecognized(at + path);
            });
        }
        if (entries.isEmpty()) {
            throw batchError("Empty batch.");
        }
        if (entries.size() > maxBatchEntries) {
            throw batchError("Too many entries in batch: at most " + maxBatchEntries
                    + " (api.v3.produce.batch.maximum.entries).");
        }
        return entries;
    }

    /** @return the JSON size of a batch entry, as its rate limits count it */
    private static long jsonSize(JsonNode entry) {
        try {
            return Json.mapper().writeValueAsBytes(entry).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Charset requireJson(ServerRequest req) {
        if (!ContentTypes.contentType(req).map(t -> t.equals(ContentTypes.JSON.text())).orElse(false)) {
            throw ContentTypes.unsupportedMediaType();
        }
        return ContentTypes.requireSupportedCharset(req);
    }

    private static RestException batchError(String message) {
        return new RestException(ErrorCode.BATCH_ERROR, message);
    }

    /** @return 422/422 {@code Unrecognized field: <path>}, as Confluent answers a batch with an unknown field */
    private static RestException unrecognized(String path) {
        return new RestException(ErrorCode.UNPROCESSABLE_ENTITY, "Unrecognized field: " + path);
    }

    /**
     * @param recordMaxBytes {@code api.v3.produce.request.size.limit.max.bytes}, 0 for no limit
     * @return the shared mapper, or a copy of it whose strings are bounded by a record limit below its own
     */
    static ObjectMapper streamMapper(long recordMaxBytes) {
        return recordMaxBytes > 0 && recordMaxBytes < Json.MAX_STRING_LENGTH
                ? Json.withMaxStringLength((int) recordMaxBytes) : Json.mapper();
    }

    /** The caller's produce service, whose records carry the request's trace context. */
    private ProduceService produce(ServerRequest req) {
        return kafka.of(req).produce().traced(RequestTracing.recordContext(req));
    }
}
