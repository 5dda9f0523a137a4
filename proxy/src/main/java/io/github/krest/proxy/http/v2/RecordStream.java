package io.github.krest.proxy.http.v2;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.github.krest.proxy.core.consumer.ConsumerService;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.http.HttpErrors;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;

/**
 * krest, beyond Confluent (kafka-rest#188): {@code GET .../records} with {@code Accept: text/event-stream} answers a
 * stream of server-sent events instead of one array, polling on the replica's side. Each poll that finds records
 * becomes one {@code records} event whose data is the JSON array a plain GET answers, in the instance's format
 * ({@code ?max_bytes=} bounds each event, {@code ?timeout=} each poll's wait, as for a GET); a {@code keep-alive}
 * comment goes out before a poll when {@value #KEEP_ALIVE_MS} ms passed without a write.
 *
 * <p>The stream ends after {@code consumer.stream.max.duration.ms} or {@code ?duration=} ms (the shorter), when the
 * replica stops (after the poll in progress), or when the client goes away; an EventSource then reconnects, through
 * the load balancer to any replica, and goes on from the stored positions. Positions advance as events are written,
 * as they do when a poll answers (an event the client did not read counts as delivered, as a lost answer does);
 * commit with {@code POST .../offsets} or auto-commit as usual. Errors of the first poll (unknown instance
 * 404/40403, a schema format without a registry, ...) are answered as JSON before the stream starts; later ones end
 * it with an {@code error} event whose data is the usual {@code {"error_code", "message"}}, except 429 (the
 * replica's polls are all busy), after which the stream polls again.
 */
final class RecordStream {
    private static final System.Logger LOG = System.getLogger(RecordStream.class.getName());
    /**
     * A record stream without an event for this long sends a comment before its next poll: proxies keep the
     * connection, and a client that went away shows within about two of these (the first write after a peer's close
     * is still accepted by the kernel), before the stream's polls take records nobody reads.
     */
    static final long KEEP_ALIVE_MS = 1_000;

    private final RecordPolls polls;
    private final ConsumerService consumers;
    private final long maxDurationMs;

    /**
     * @param polls the polls each event comes from
     * @param consumers consumer service, which says when the replica stops
     * @param maxDurationMs {@code consumer.stream.max.duration.ms}
     */
    RecordStream(RecordPolls polls, ConsumerService consumers, long maxDurationMs) {
        this.polls = polls;
        this.consumers = consumers;
        this.maxDurationMs = maxDurationMs;
    }

    /** @return whether {@code Accept} names {@code text/event-stream}, as a browser's EventSource sends */
    static boolean wanted(ServerRequest req) {
        return req.headers().contains(HeaderNames.ACCEPT) && req.headers().acceptedTypes().stream()
                .anyMatch(t -> t.mediaType().text().equalsIgnoreCase(MediaTypes.TEXT_EVENT_STREAM.text()));
    }

    /**
     * Streams the request's instance until the stream ends (see the class).
     *
     * @throws RestException before the stream starts: 400 for a {@code duration}, {@code timeout} or
     *         {@code max_bytes} that is not an integer (or a {@code duration} that is not positive), and the errors
     *         of the first poll
     */
    void serve(ServerRequest req, ServerResponse res) {
        Optional<Long> timeout = RecordPolls.queryLong(req, "timeout");
        Optional<Long> maxBytes = RecordPolls.queryLong(req, "max_bytes");
        long durationMs = RecordPolls.streamDurationMs(req, maxDurationMs);
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs);
        Optional<String> next = poll(req, timeout, maxBytes);
        res.header(HeaderNames.create("X-Accel-Buffering"), "no"); // nginx: pass each event on at once
        SseSink sink = res.sink(SseSink.TYPE);
        String stream = InstanceRef.of(req).toString();
        long lastWrite = System.nanoTime();
        while (true) {
            if (next.isPresent()) {
                if (!emit(sink, SseEvent.builder().name("records").data(next.get()).build(), stream)) {
                    return;
                }
                lastWrite = System.nanoTime();
            } else if (System.nanoTime() - lastWrite >= TimeUnit.MILLISECONDS.toNanos(KEEP_ALIVE_MS)) {
                if (!emit(sink, SseEvent.builder().comment("keep-alive").build(), stream)) {
                    return;
                }
                lastWrite = System.nanoTime();
            }
            if (System.nanoTime() - end >= 0 || consumers.shuttingDown() || Thread.currentThread().isInterrupted()) {
                break;
            }
            try {
                next = poll(req, timeout, maxBytes);
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
    private Optional<String> poll(ServerRequest req, Optional<Long> timeout, Optional<Long> maxBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return polls.into(req, out, Optional.empty(), timeout, maxBytes).records().isEmpty()
                ? Optional.empty() : Optional.of(out.toString(StandardCharsets.UTF_8));
    }

    private static SseEvent errorEvent(RuntimeException e) {
        return SseEvent.builder().name("error")
                .data(new String(HttpErrors.bytes(HttpErrors.toResponse(e)), StandardCharsets.UTF_8)).build();
    }
}
