package io.github.krest.proxy.http.v2;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.github.krest.proxy.caller.Caller;
import io.github.krest.proxy.core.PartitionReadService;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.format.EmbeddedFormat;
import io.github.krest.proxy.format.RecordRenderers;
import io.github.krest.proxy.http.CallerSessions;
import io.github.krest.proxy.http.ContentTypes;
import io.github.krest.proxy.http.PathParams;
import io.github.krest.proxy.http.QueryParams;
import io.github.krest.proxy.http.RequestTracing;
import io.github.krest.proxy.http.Responses;
import io.github.krest.proxy.limit.PollBulkhead;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * krest, beyond Confluent's v2 (whose v1 API had {@code .../messages?offset=}; Redpanda's proxy has this one):
 * {@code GET /topics/{topic}/partitions/{partition}/records?offset=N&max_bytes=&timeout=}
 * (api.v2.partitions.consume-{format}), a stateless read by offset that any replica serves ({@link
 * PartitionReadService}). The answer is the JSON array of a v2 poll, in the embedded format {@code Accept} names:
 * {@code application/vnd.kafka.{binary,json,avro,jsonschema,protobuf}.v2+json}; {@code application/vnd.kafka.v2+json},
 * {@code *}{@code /*} or no {@code Accept} mean binary, {@code application/json} json (as the resource name says).
 * Any other {@code Accept} answers 406/40601; a schema format without a Schema Registry 422/42206; a missing or
 * non-integer {@code offset} 400. Reads go through the {@code consumer.max.concurrent.polls} bulkhead (429 when it
 * stays full).
 */
final class PartitionRecordsV2Resource implements HttpService {
    private final CallerSessions kafka;
    private final PartitionReadService reads;
    private final PollBulkhead polls;
    private final RecordRenderers renderers;

    PartitionRecordsV2Resource(CallerSessions kafka, PartitionReadService reads, PollBulkhead polls,
                               RecordRenderers renderers) {
        this.kafka = kafka;
        this.reads = reads;
        this.polls = polls;
        this.renderers = renderers;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/topics/{topic}/partitions/{partition}/records", this::records);
    }

    private void records(ServerRequest req, ServerResponse res) {
        EmbeddedFormat format = acceptedFormat(req);
        renderers.requireAvailable(format);
        String topic = req.path().pathParameters().get("topic");
        int partition = PathParams.partition(req, topic);
        long offset = QueryParams.optionalLong(req, "offset")
                .orElseThrow(() -> RestException.badRequest("Query parameter offset is required: the first offset "
                        + "to read."));
        Optional<Long> timeout = QueryParams.optionalLong(req, "timeout");
        Optional<Long> maxBytes = QueryParams.optionalLong(req, "max_bytes");
        // written into the answer as they are read, as a v2 poll's records are
        Responses.Body body = new Responses.Body(Responses.Body.UNKNOWN_SIZE);
        try {
            RecordRenderers.Answer answer = new RecordRenderers.Answer(body);
            List<Integer> records = polls.call(() -> reads.read(kafka.of(req).metadata(),
                    Caller.of(req).kafkaIdentity(), topic, partition, offset, timeout, maxBytes,
                    RequestTracing.linking(req, renderers.into(answer, format))));
            if (records.isEmpty()) {
                Responses.json(res, Status.OK_200, format.mediaType(), List.of());
                return;
            }
            try {
                answer.finish();
            } catch (IOException e) {
                throw new IllegalStateException("Cannot serialise response", e);
            }
            body.send(res, Status.OK_200, format.mediaType());
        } finally {
            body.release();
        }
    }

    /**
     * The embedded format {@code Accept} names; binary when it names none in particular.
     *
     * @throws RestException 406/40601 when it accepts no type this endpoint answers with
     */
    private static EmbeddedFormat acceptedFormat(ServerRequest req) {
        if (!req.headers().contains(HeaderNames.ACCEPT)) {
            return EmbeddedFormat.BINARY;
        }
        for (HttpMediaType type : req.headers().acceptedTypes()) {
            String text = type.mediaType().text().toLowerCase(Locale.ROOT);
            Optional<EmbeddedFormat> named = EmbeddedFormat.ofProduceContentType(text);
            if (named.isPresent()) {
                return named.get();
            }
            if (text.equals(ContentTypes.V2_JSON.text()) || text.equals(ContentTypes.KAFKA_JSON.text())
                    || text.equals("*/*") || text.equals("application/*")) {
                return EmbeddedFormat.BINARY;
            }
        }
        throw new RestException(ErrorCode.CONSUMER_FORMAT_MISMATCH, "Accept names no embedded format this endpoint "
                + "answers in: application/vnd.kafka.{binary,json,avro,jsonschema,protobuf}.v2+json.");
    }
}
