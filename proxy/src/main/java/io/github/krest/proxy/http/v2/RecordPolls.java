package io.github.krest.proxy.http.v2;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

import io.github.krest.proxy.core.consumer.ConsumerService;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.format.EmbeddedFormat;
import io.github.krest.proxy.format.RecordRenderers;
import io.github.krest.proxy.http.ContentTypes;
import io.github.krest.proxy.http.RequestTracing;
import io.github.krest.proxy.http.ResourceNames;
import io.github.krest.proxy.http.Responses;
import io.github.krest.proxy.limit.PollBulkhead;
import io.github.krest.proxy.record.RecordConverter;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Confluent v2 {@code GET /consumers/{group}/instances/{instance}/records} (consume-{format}): one poll of the
 * instance, answered as one JSON array in the instance's format; and the poll a {@link RecordStream} repeats.
 *
 * <p>Every poll goes through the {@code consumer.max.concurrent.polls} bulkhead: a full replica answers 429 with
 * {@code Retry-After} after a short wait. Records are written into the answer as they are read, so a poll of
 * megabytes holds its answer's bytes (in reused chunks), not thousands of records that outlive young collections.
 */
final class RecordPolls {
    private final ConsumerService consumers;
    private final PollBulkhead polls;
    private final RecordRenderers renderers;

    /**
     * @param consumers consumer service
     * @param polls the bulkhead of polls, shared by the replica's listeners
     * @param renderers the renderers of the embedded formats
     */
    RecordPolls(ConsumerService consumers, PollBulkhead polls, RecordRenderers renderers) {
        this.consumers = consumers;
        this.polls = polls;
        this.renderers = renderers;
    }

    /**
     * Answers a GET: {@code ?timeout=} bounds the poll's wait in ms, {@code ?max_bytes=} the key and value bytes of
     * the answer; {@code Accept} may name the instance's format (else 406/40601).
     *
     * @throws RestException as {@link #into}, 400 for a query parameter that is not an integer, 406 for an
     *         {@code Accept} that names no format
     */
    void answer(ServerRequest req, ServerResponse res) {
        Optional<EmbeddedFormat> requested = acceptedFormat(req);
        Optional<Long> timeout = queryLong(req, "timeout");
        Optional<Long> maxBytes = queryLong(req, "max_bytes");
        Responses.Body body = new Responses.Body(Responses.Body.UNKNOWN_SIZE);
        try {
            ConsumerService.Polled<Integer> polled = into(req, body, requested, timeout, maxBytes);
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
     * One poll of the request's instance whose records are rendered into {@code out} as the JSON array of a GET's
     * answer, as they are read. The request's resource name ends in the instance's format from then on, whatever
     * {@code Accept} named.
     *
     * @param req the request, below {@link InstanceRef#PATH}
     * @param out where the records go
     * @param requested the format {@code Accept} named, empty for the instance's own
     * @param timeout the poll's longest wait in ms, empty for the instance's {@code consumer.request.timeout.ms}
     * @param maxBytes the most key and value bytes, empty for the replica's limit
     * @return the poll; {@code out} holds the whole array when it has records, nothing usable when it has none
     * @throws RestException as {@link ConsumerService#poll} and 429 when the bulkhead stays full
     */
    ConsumerService.Polled<Integer> into(ServerRequest req, OutputStream out, Optional<EmbeddedFormat> requested,
                                         Optional<Long> timeout, Optional<Long> maxBytes) {
        ConsumerService.Polled<Integer> polled = poll(InstanceRef.of(req), out, requested, timeout, maxBytes,
                converter -> RequestTracing.linking(req, converter));
        ResourceNames.consumedAs(req, polled.format());
        return polled;
    }

    /**
     * One poll of {@code instance} as {@link #into(ServerRequest, OutputStream, Optional, Optional, Optional)},
     * for a caller that has no request any more (a WebSocket after its upgrade).
     *
     * @param instance the instance and its caller
     * @param out where the records go
     * @param requested the format asked for, empty for the instance's own
     * @param timeout the poll's longest wait in ms, empty for the instance's {@code consumer.request.timeout.ms}
     * @param maxBytes the most key and value bytes, empty for the replica's limit
     * @return the poll
     * @throws RestException as {@link ConsumerService#poll} and 429 when the bulkhead stays full
     */
    ConsumerService.Polled<Integer> into(InstanceRef instance, OutputStream out, Optional<EmbeddedFormat> requested,
                                         Optional<Long> timeout, Optional<Long> maxBytes) {
        return poll(instance, out, requested, timeout, maxBytes, UnaryOperator.identity());
    }

    /** The poll of both {@code into}s; {@code linking} wraps each record's converter (the request's span links). */
    private ConsumerService.Polled<Integer> poll(InstanceRef instance, OutputStream out,
                                                 Optional<EmbeddedFormat> requested, Optional<Long> timeout,
                                                 Optional<Long> maxBytes,
                                                 UnaryOperator<RecordConverter<Integer>> linking) {
        RecordRenderers.Answer answer = new RecordRenderers.Answer(out);
        ConsumerService.Polled<Integer> polled = polls.call(() -> consumers.poll(instance.group(),
                instance.instance(), instance.caller(), requested, timeout, maxBytes,
                format -> linking.apply(renderers.into(answer, format))));
        if (!polled.records().isEmpty()) {
            try {
                answer.finish();
            } catch (IOException e) {
                throw new IllegalStateException("Cannot serialise response", e);
            }
        }
        return polled;
    }

    /**
     * @param req a request
     * @param name a query parameter
     * @return its value, empty when absent or blank
     * @throws RestException 400 when it is not an integer
     */
    static Optional<Long> queryLong(ServerRequest req, String name) {
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

    /**
     * How long a record stream or consume socket lasts: {@code ?duration=} ms, shorter only.
     *
     * @param req the stream's or socket's request
     * @param maxDurationMs {@code consumer.stream.max.duration.ms}
     * @return the lesser of {@code ?duration=} and {@code maxDurationMs}, ms; {@code maxDurationMs} without one
     * @throws RestException 400 when {@code duration} is not an integer or not positive
     */
    static long streamDurationMs(ServerRequest req, long maxDurationMs) {
        Optional<Long> duration = queryLong(req, "duration");
        if (duration.isPresent() && duration.get() <= 0) {
            throw RestException.badRequest("Query parameter duration must be a positive number of ms.");
        }
        return Math.min(duration.orElse(maxDurationMs), maxDurationMs);
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
}
