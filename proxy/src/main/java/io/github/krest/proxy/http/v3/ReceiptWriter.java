package io.github.krest.proxy.http.v3;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.concurrent.CompletionException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.krest.proxy.core.ProduceResult;

/**
 * Writes the receipts of one v3 produce stream, each followed by {@code \r\n}, through one generator for the whole
 * exchange: it fills its buffer, and the client gets what was written at each {@link #flush}. Success receipts are
 * rendered here, on the request thread, once Kafka has answered; error receipts arrive rendered.
 */
final class ReceiptWriter implements AutoCloseable {
    private static final byte[] CRLF = {'\r', '\n'};

    private final JsonGenerator g;
    private final OutputStream out;
    private final String clusterId;
    private final String topic;
    // records acknowledged together mostly share their millisecond timestamp; formatting one is not cheap
    private Instant lastTimestamp;
    private String lastTimestampText;

    /**
     * @param mapper the mapper whose factory creates the generator
     * @param out the response body; flushed at {@link #flush}, never closed here
     * @param clusterId cluster id for receipts
     * @param topic the topic for receipts
     * @throws IOException when the generator cannot be created
     */
    ReceiptWriter(ObjectMapper mapper, OutputStream out, String clusterId, String topic) throws IOException {
        this.g = mapper.getFactory().createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        g.setRootValueSeparator(null);
        this.out = out;
        this.clusterId = clusterId;
        this.topic = topic;
    }

    /**
     * Writes one receipt and its CRLF, waiting for Kafka's answer when the record was sent; a record Kafka refused
     * gets its error receipt.
     *
     * @param next the receipt
     * @throws IOException when the response cannot be written (the client went away)
     */
    void write(PendingReceipt next) throws IOException {
        if (next.error() != null) {
            writeRendered(next.error());
            return;
        }
        ProduceResult result;
        try {
            result = next.sent().join();
        } catch (CompletionException e) {
            writeRendered(ProduceReceipts.bytes(ProduceReceipts.failure(null, e.getCause())));
            return;
        }
        if (!result.timestamp().equals(lastTimestamp)) {
            lastTimestamp = result.timestamp();
            lastTimestampText = lastTimestamp.toString();
        }
        ProduceReceipts.writeSuccess(g, clusterId, topic, result, lastTimestampText, next.parsed());
        g.writeRaw("\r\n");
    }

    private void writeRendered(byte[] receipt) throws IOException {
        g.flush();
        out.write(receipt);
        out.write(CRLF);
    }

    /**
     * Sends what was written to the client.
     *
     * @throws IOException when the response cannot be written
     */
    void flush() throws IOException {
        g.flush();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        g.close();
    }
}
