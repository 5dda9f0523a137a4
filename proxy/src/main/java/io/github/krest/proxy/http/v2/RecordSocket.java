package io.github.krest.proxy.http.v2;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.core.consumer.ConsumerService;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.ErrorResponse;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.http.HttpErrors;
import io.github.krest.proxy.json.Json;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

/**
 * krest, beyond Confluent: {@code GET /consumers/{group}/instances/{instance}/records} upgraded to a WebSocket. The
 * replica polls the instance in a loop, as a {@link RecordStream} does, under the same lease-per-poll rules; each
 * poll that finds records is one text message holding the JSON array a plain GET answers, in the instance's format
 * ({@code ?timeout=} bounds each poll's wait in ms, {@code ?max_bytes=} each message). Positions advance as messages
 * are sent, so a client that reconnects, to any replica, goes on from the stored positions.
 *
 * <p>Client text messages are control messages, handled between polls by the thread that polls (so they never
 * race a poll for the instance's lease): {@code {"action":"commit"}} commits the positions of the records sent so
 * far and is answered {@code {"action":"commit","status":"ok"}} or an error object; {@code {"action":"pause"}} stops
 * polling until {@code {"action":"resume"}}. Anything else is answered with a 400 error object and the socket stays
 * open.
 *
 * <p>A poll error is sent as {@code {"error_code":...,"message":...}} and closes the socket: 1008 (policy) for 401 and
 * 403, 1011 for server errors, 1000 for the rest (40403 for an instance that does not exist); 429 (the replica's
 * polls are all busy) is not an error, the loop polls again. The socket closes with 1001 (going away) when the
 * replica stops, after the poll in progress, and with 1000 after {@code ?duration=} ms or
 * {@code consumer.stream.max.duration.ms}, the shorter (as a record stream ends).
 */
final class RecordSocket implements WsListener {
    private static final System.Logger LOG = System.getLogger(RecordSocket.class.getName());
    /** How often a paused socket looks at the replica's shutdown and the stream's end. */
    private static final long PAUSED_CHECK_MS = 100;

    private final RecordPolls polls;
    private final ConsumerService consumers;
    private final InstanceRef instance;
    private final Optional<Long> timeout;
    private final Optional<Long> maxBytes;
    private final long durationMs;
    private final BlockingQueue<String> controls = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile boolean clientGone;

    private RecordSocket(RecordPolls polls, ConsumerService consumers, InstanceRef instance, Optional<Long> timeout,
                         Optional<Long> maxBytes, long durationMs) {
        this.polls = polls;
        this.consumers = consumers;
        this.instance = instance;
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        this.durationMs = durationMs;
    }

    /**
     * The listener of one upgrade request, after the filters authenticated it.
     *
     * @param req the upgrade request, below {@link InstanceRef#PATH}
     * @param polls the polls each message comes from
     * @param consumers consumer service (commits, the replica's shutdown)
     * @param maxDurationMs {@code consumer.stream.max.duration.ms}
     * @return the socket's listener
     * @throws RestException 400 for a {@code timeout}, {@code max_bytes} or {@code duration} that is not an integer,
     *         or a {@code duration} that is not positive (answered as plain HTTP: no socket opens)
     */
    static RecordSocket of(ServerRequest req, RecordPolls polls, ConsumerService consumers, long maxDurationMs) {
        return new RecordSocket(polls, consumers, InstanceRef.of(req), RecordPolls.queryLong(req, "timeout"),
                RecordPolls.queryLong(req, "max_bytes"), RecordPolls.streamDurationMs(req, maxDurationMs));
    }

    @Override
    public void onOpen(WsSession session) {
        // counted before the thread starts, so that a shutdown beginning now waits for it
        consumers.streamStarted();
        // Helidon reads the client's frames on this thread: the polls run on their own
        Thread.ofVirtual().name("krest-record-socket-" + instance).start(() -> {
            try {
                run(session);
            } finally {
                consumers.streamEnded();
            }
        });
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        partial.append(text);
        if (last) {
            controls.add(partial.toString());
            partial.setLength(0);
        }
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        clientGone = true;
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        clientGone = true;
    }

    private void run(WsSession session) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs);
        boolean paused = false;
        try {
            while (true) {
                String control = paused ? controls.poll(PAUSED_CHECK_MS, TimeUnit.MILLISECONDS) : controls.poll();
                while (control != null) {
                    paused = handle(session, control, paused);
                    control = controls.poll();
                }
                if (clientGone) {
                    return;
                }
                if (consumers.shuttingDown()) {
                    close(session, WsCloseCodes.GOING_AWAY, "replica shutting down: reconnect");
                    return;
                }
                if (System.nanoTime() - end >= 0) {
                    close(session, WsCloseCodes.NORMAL_CLOSE, "the socket's duration ended: reconnect");
                    return;
                }
                if (paused) {
                    continue;
                }
                Optional<String> records;
                try {
                    records = poll();
                } catch (RestException e) {
                    if (e.errorCode() == ErrorCode.TOO_MANY_REQUESTS || consumers.shuttingDown()) {
                        // polls again, or closes as going away: a poll the shutdown cut short is not the client's
                        continue;
                    }
                    fail(session, HttpErrors.toResponse(e));
                    return;
                } catch (RuntimeException e) {
                    if (consumers.shuttingDown()) {
                        continue;
                    }
                    fail(session, HttpErrors.toResponse(e));
                    return;
                }
                if (records.isPresent() && !send(session, records.get())) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(session, WsCloseCodes.GOING_AWAY, "replica shutting down: reconnect");
        }
    }

    /** One poll: the records as the JSON array of a GET's answer, or empty when none came. */
    private Optional<String> poll() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return polls.into(instance, out, Optional.empty(), timeout, maxBytes).records().isEmpty()
                ? Optional.empty() : Optional.of(out.toString(StandardCharsets.UTF_8));
    }

    /**
     * Acts on one control message.
     *
     * @return whether the socket is paused afterwards
     */
    private boolean handle(WsSession session, String text, boolean paused) {
        String action;
        try {
            JsonNode message = Json.mapper().readTree(text);
            action = message != null && message.path("action").isTextual() ? message.path("action").asText() : "";
        } catch (java.io.IOException | RuntimeException e) {
            action = "";
        }
        return switch (action) {
            case "commit" -> {
                try {
                    consumers.commit(instance.group(), instance.instance(), instance.caller(), Optional.empty(),
                            false);
                    send(session, "{\"action\":\"commit\",\"status\":\"ok\"}");
                } catch (RuntimeException e) {
                    send(session, error(HttpErrors.toResponse(e)));
                }
                yield paused;
            }
            case "pause" -> true;
            case "resume" -> false;
            default -> {
                send(session, error(ErrorResponse.of(ErrorCode.BAD_REQUEST, "A control message is "
                        + "{\"action\":\"commit\"}, {\"action\":\"pause\"} or {\"action\":\"resume\"}.")));
                yield paused;
            }
        };
    }

    /** Sends the error, then closes the socket with the code its HTTP status maps to. */
    private void fail(WsSession session, ErrorResponse error) {
        if (!send(session, error(error))) {
            return;
        }
        int status = error.httpStatus();
        close(session, status == 401 || status == 403 ? WsCloseCodes.VIOLATED_POLICY
                : status >= 500 ? WsCloseCodes.UNEXPECTED_CONDITION : WsCloseCodes.NORMAL_CLOSE,
                "error " + error.errorCode());
    }

    private static String error(ErrorResponse error) {
        return new String(HttpErrors.bytes(error), StandardCharsets.UTF_8);
    }

    /**
     * @return whether the message was sent; false when the client went away, and then nothing more can reach it:
     *         the positions of what was sent are stored
     */
    private boolean send(WsSession session, String text) {
        try {
            synchronized (this) {
                session.send(text, true);
            }
            return true;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Record socket " + instance + " ended, its client gone: " + e);
            clientGone = true;
            return false;
        }
    }

    private void close(WsSession session, int code, String reason) {
        try {
            synchronized (this) {
                session.close(code, reason);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Record socket " + instance + " did not close cleanly: " + e);
        }
    }
}
