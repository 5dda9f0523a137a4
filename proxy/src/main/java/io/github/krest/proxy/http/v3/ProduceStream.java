package io.github.krest.proxy.http.v3;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.github.krest.proxy.record.ProduceRecord;
import io.github.krest.proxy.core.ProduceService;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.ErrorResponse;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.limit.ProduceRateLimiter;

/**
 * One v3 streaming produce exchange (Confluent v3 streaming mode: {@code POST /v3/clusters/{C}/topics/{t}/records}):
 * the request body is concatenated JSON objects, parsed incrementally as they arrive; each record is sent to the
 * shared producer at once; one receipt per record is written in request order, each followed by {@code \r\n}, while
 * the client is still sending (full duplex).
 *
 * <p>A reader thread parses (each record straight into a tree, its size checked after every token) and sends; the
 * calling thread renders and writes the receipts ({@link ReceiptWriter}), so that the producer's one I/O thread only
 * completes futures. The queue between them ({@link ReceiptHandoff}) is bounded, so a client that does not read its
 * receipts is slowed down instead of filling memory. Receipts reach the client whenever the writer would otherwise
 * wait: when the queue is empty or the next record is not acknowledged yet.
 *
 * <p>A malformed JSON object, or a record whose JSON text is larger than
 * {@code api.v3.produce.request.size.limit.max.bytes}, gets an in-stream 400 and ends the exchange; the connection
 * is then closed, since the rest of the body cannot be read reliably. A record that parses but is invalid gets its
 * own error and the stream goes on. After {@code streaming.connection.max.duration.ms} every record gets an
 * in-stream 408; once the grace period has passed too, the stream ends (after the receipts of the records already
 * sent) and the connection is closed, whether or not the client is still sending. A body that cannot be read (the
 * client went away, broken chunked framing) ends the exchange with an in-stream 400. A record over the
 * {@code api.v3.produce.rate.limit.*} limits gets an in-stream 429, is not produced, and the stream goes on.
 */
final class ProduceStream {
    private final ObjectMapper mapper;
    private final ObjectReader treeReader;
    private final ProduceRecordReader reader;
    private final long recordMaxBytes;
    private final long maxDurationMs;
    private final long graceMs;
    private final LongSupplier clock;
    private final ProduceRateLimiter limits;

    /**
     * @param mapper a mapper whose string tokens are bounded by the record limit
     * @param reader record reader
     * @param recordMaxBytes largest JSON text of one record, 0 for no limit
     * @param maxDurationMs longest the exchange may run before records get 408
     * @param graceMs how long after that the stream is closed
     * @param clock milliseconds clock
     * @param limits per-record produce rate limits
     */
    ProduceStream(ObjectMapper mapper, ProduceRecordReader reader, long recordMaxBytes,
                  long maxDurationMs, long graceMs, LongSupplier clock, ProduceRateLimiter limits) {
        this.mapper = mapper;
        this.treeReader = mapper.readerFor(JsonNode.class);
        this.reader = reader;
        this.recordMaxBytes = recordMaxBytes;
        this.maxDurationMs = maxDurationMs;
        this.graceMs = graceMs;
        this.clock = clock;
        this.limits = limits;
    }

    /**
     * Runs the exchange until the request body ends or the stream is ended by an error.
     *
     * @param in the request body
     * @param charset the request charset (UTF-8 or ISO-8859-1)
     * @param out the response body
     * @param clusterId cluster id for receipts
     * @param topic the topic
     * @param partitionCount the topic's partition count, empty if not known yet
     * @param produce the caller's produce service, looked up per record: a stream may outlive the caller's idle
     *                cached clients ({@code kafka.principal.cache.idle.ms}), and each lookup keeps them in use
     * @return {@code true} when the connection must be closed afterwards
     * @throws IOException when the response cannot be written (the client went away)
     */
    boolean run(InputStream in, Charset charset, OutputStream out, String clusterId, String topic,
                Optional<Integer> partitionCount, Supplier<ProduceService> produce) throws IOException {
        ReceiptHandoff queue = new ReceiptHandoff();
        long started = clock.getAsLong();
        long deadline = saturatedAdd(started, saturatedAdd(maxDurationMs, graceMs));
        Thread.ofVirtual().name("krest-produce-stream-reader").start(() ->
                readRecords(in, charset, queue, topic, partitionCount, started, produce));
        long written = 0;
        long toWrite = -1;
        try (ReceiptWriter receipts = new ReceiptWriter(mapper, out, clusterId, topic)) {
            while (true) {
                PendingReceipt next;
                if (toWrite < 0) {
                    // the stream may not outlive its deadline even when the client sends nothing more
                    long wait = deadline - clock.getAsLong();
                    next = wait > 0 ? queue.poll(Math.min(wait, 1000)) : null;
                    if (next == null) {
                        if (clock.getAsLong() >= deadline) {
                            toWrite = queue.close();
                        }
                        continue;
                    }
                } else if (written >= toWrite) {
                    // every admitted record has its receipt; the rest of the body stays unread
                    receipts.flush();
                    return true;
                } else {
                    next = queue.take();
                }
                if (next == PendingReceipt.END) {
                    receipts.flush();
                    return false;
                }
                receipts.write(next);
                written++;
                PendingReceipt peek = queue.peek();
                if (peek == null || !peek.ready() || next.last()) {
                    // the client gets what is written before the writer waits
                    receipts.flush();
                }
                if (next.last()) {
                    return next.closeConnection();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } finally {
            // never interrupt the reader: an interrupted NIO read closes the client's socket
            queue.writerDone();
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    private void readRecords(InputStream in, Charset charset, ReceiptHandoff queue, String topic,
                             Optional<Integer> partitionCount, long started,
                             Supplier<ProduceService> produce) {
        boolean ended = false;
        try {
            parseRecords(in, charset, queue, topic, partitionCount, started, produce);
            ended = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // the client went away or broke the body's framing; Helidon reports both as runtime exceptions too
            // (DataReader.InsufficientDataAvailableException, NumberFormatException for a bad chunk size)
        } finally {
            if (!ended) {
                // the writer waits for a last receipt: without one the exchange, and its handler, would never end
                try {
                    queue.admitAndPut(PendingReceipt.fatal(
                            RestException.badRequest("Could not read the request body.")));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * Parses and sends until the body ends or an in-stream error ends the exchange; puts a last receipt. A UTF-8
     * body is cut into records as it arrives ({@link RecordFramer}) and each is read from its bytes, as a tree only
     * when it is not a plain one; from the first thing the framer cannot cut, and for an ISO-8859-1 body, a JSON
     * parser reads the rest.
     */
    private void parseRecords(InputStream in, Charset charset, ReceiptHandoff queue, String topic,
                              Optional<Integer> partitionCount, long started,
                              Supplier<ProduceService> produce) throws IOException, InterruptedException {
        if (charset.equals(StandardCharsets.ISO_8859_1)) {
            parseWithJackson(mapper.createParser(new InputStreamReader(in, charset)), queue, topic, partitionCount,
                    started, produce);
            return;
        }
        RecordFramer framer = new RecordFramer(in, recordMaxBytes);
        while (true) {
            switch (framer.next()) {
                case END -> {
                    queue.put(PendingReceipt.END);
                    return;
                }
                case TOO_LARGE -> {
                    queue.admitAndPut(PendingReceipt.fatal(tooLarge()));
                    return;
                }
                case OTHER -> {
                    parseWithJackson(mapper.createParser(framer.remaining()), queue, topic, partitionCount, started,
                            produce);
                    return;
                }
                case RECORD -> {
                    // read below
                }
            }
            byte[] bytes = framer.buffer();
            int length = framer.end() - framer.start();
            ProduceRecordReader.Parsed parsed = reader.readFast(mapper.getFactory(), bytes, framer.start(), length,
                    topic, partitionCount);
            JsonNode node = null;
            if (parsed == null) {
                try (JsonParser p = mapper.createParser(bytes, framer.start(), length)) {
                    node = treeReader.readTree(p);
                } catch (StreamConstraintsException e) {
                    queue.admitAndPut(PendingReceipt.fatal(tooLarge()));
                    return;
                } catch (JsonProcessingException e) {
                    queue.admitAndPut(PendingReceipt.fatal(badJson(e)));
                    return;
                }
            }
            switch (admit(queue, length, started)) {
                case STOP -> {
                    return;
                }
                case SKIPPED -> {
                    // its error receipt is queued
                }
                case SEND -> queue.put(parsed != null ? send(parsed, produce) : send(node, topic, partitionCount,
                        produce));
            }
        }
    }

    /** Parses the body with Jackson, record by record, into trees. */
    private void parseWithJackson(JsonParser parser, ReceiptHandoff queue, String topic,
                                  Optional<Integer> partitionCount, long started, Supplier<ProduceService> produce)
            throws IOException, InterruptedException {
        // the request body belongs to the server: closing it here would drain it from this thread
        parser.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
        try (SizeLimitedParser p = new SizeLimitedParser(parser, recordMaxBytes)) {
            while (true) {
                JsonToken token;
                try {
                    token = p.nextToken();
                } catch (JsonProcessingException e) {
                    queue.admitAndPut(PendingReceipt.fatal(badJson(e)));
                    return;
                }
                if (token == null) {
                    queue.put(PendingReceipt.END);
                    return;
                }
                if (token != JsonToken.START_OBJECT) {
                    queue.admitAndPut(PendingReceipt.fatal(RestException.badRequest(
                            "Expected a JSON object for each record, found " + token.asString() + ".")));
                    return;
                }
                JsonNode node;
                long recordStart = SizeLimitedParser.offset(p.currentTokenLocation());
                try {
                    node = readObject(p);
                } catch (StreamConstraintsException | SizeLimitedParser.RecordTooLarge e) {
                    queue.admitAndPut(PendingReceipt.fatal(tooLarge()));
                    return;
                } catch (JsonProcessingException e) {
                    queue.admitAndPut(PendingReceipt.fatal(badJson(e)));
                    return;
                }
                switch (admit(queue, SizeLimitedParser.offset(p.currentLocation()) - recordStart, started)) {
                    case STOP -> {
                        return;
                    }
                    case SKIPPED -> {
                        // its error receipt is queued
                    }
                    case SEND -> queue.put(send(node, topic, partitionCount, produce));
                }
            }
        }
    }

    /** What becomes of a parsed record. */
    private enum Admission {
        /** Send it; it is admitted. */
        SEND,
        /** Its error receipt is queued (408, 429); go on with the next. */
        SKIPPED,
        /** The stream ends. */
        STOP
    }

    /**
     * The checks between parsing a record and sending it: the stream's duration (408, and the end after the grace
     * period) and the rate limits (429).
     *
     * @param recordBytes the record's JSON text, bytes
     */
    private Admission admit(ReceiptHandoff queue, long recordBytes, long started) throws InterruptedException {
        long elapsed = clock.getAsLong() - started;
        if (elapsed > maxDurationMs) {
            boolean close = elapsed > saturatedAdd(maxDurationMs, graceMs);
            boolean queued = queue.admitAndPut(PendingReceipt.error(ProduceReceipts.failure(null,
                    ErrorResponse.of(ErrorCode.REQUEST_TIMEOUT, "Streaming connection open for longer than allowed: "
                            + "Connection will be closed.")), close, close));
            return close || !queued ? Admission.STOP : Admission.SKIPPED;
        }
        if (!limits.tryAcquire(recordBytes)) {
            // api.v3.produce.rate.limit.*: this record is discarded, the stream goes on
            return queue.admitAndPut(PendingReceipt.error(
                    ProduceReceipts.failure(null, ProduceRateLimiter.exceeded()), false, false))
                    ? Admission.SKIPPED : Admission.STOP;
        }
        return queue.admit() ? Admission.SEND : Admission.STOP;
    }

    private PendingReceipt send(JsonNode node, String topic, Optional<Integer> partitionCount,
                                Supplier<ProduceService> caller) {
        ProduceRecordReader.Parsed parsed;
        try {
            parsed = reader.read(node, topic, partitionCount);
        } catch (RuntimeException e) {
            return PendingReceipt.error(ProduceReceipts.failure(null, e), false, false);
        }
        return send(parsed, caller);
    }

    private PendingReceipt send(ProduceRecordReader.Parsed parsed, Supplier<ProduceService> caller) {
        try {
            ProduceRecord record = parsed.record();
            ProduceService produce = caller.get();
            produce.checkSize(record);
            return PendingReceipt.sent(produce.send(record), parsed);
        } catch (RuntimeException e) {
            return PendingReceipt.error(ProduceReceipts.failure(null, e), false, false);
        }
    }

    private static RestException tooLarge() {
        return RestException.badRequest("Produce request size is larger than allowed threshold");
    }

    /**
     * Reads one JSON object into a tree in one pass, the parser checking the record's size after every token so an
     * oversized record is never buffered whole.
     */
    private JsonNode readObject(SizeLimitedParser p) throws IOException {
        p.startRecord();
        try {
            return treeReader.readTree(p);
        } finally {
            p.endRecord();
        }
    }

    private static RestException badJson(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        return RestException.badRequest("Malformed JSON: " + message.lines().findFirst().orElse(""));
    }
}
