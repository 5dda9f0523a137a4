package io.github.krest.proxy.http.v3;

import java.util.concurrent.CompletableFuture;

import io.github.krest.proxy.core.ProduceResult;
import io.github.krest.proxy.error.RestException;

/**
 * One receipt of a v3 produce stream, waiting in the {@link ReceiptHandoff} to be written by the
 * {@link ReceiptWriter}: a sent record's, rendered by the writer once Kafka has answered (so that the producer's one
 * I/O thread, which every record of every client passes through, only completes a future), or an error's, rendered
 * already. {@code last} ends the exchange after it.
 */
final class PendingReceipt {
    /** The body ended: no receipt, the exchange is over and the connection stays open. Compared by identity. */
    static final PendingReceipt END = new PendingReceipt(null, null, new byte[0], true, false);

    private final CompletableFuture<ProduceResult> sent;
    private final ProduceRecordReader.Parsed parsed;
    private final byte[] error;
    private final boolean last;
    private final boolean closeConnection;

    /*
     * A class, not a record: a record's equals would compare the error bytes by identity and invite comparing
     * receipts by value, where END is a sentinel compared by identity.
     */
    private PendingReceipt(CompletableFuture<ProduceResult> sent, ProduceRecordReader.Parsed parsed, byte[] error,
                           boolean last, boolean closeConnection) {
        this.sent = sent;
        this.parsed = parsed;
        this.error = error;
        this.last = last;
        this.closeConnection = closeConnection;
    }

    /**
     * @param sent the record's result
     * @param parsed the record and what its receipt echoes
     * @return the receipt of a record sent to Kafka
     */
    static PendingReceipt sent(CompletableFuture<ProduceResult> sent, ProduceRecordReader.Parsed parsed) {
        return new PendingReceipt(sent, parsed, null, false, false);
    }

    /**
     * @param failure the error
     * @param last whether the exchange ends after it
     * @param closeConnection whether the connection is closed after it
     * @return an error receipt, rendered
     */
    static PendingReceipt error(ProduceReceipts.Failure failure, boolean last, boolean closeConnection) {
        return new PendingReceipt(null, null, ProduceReceipts.bytes(failure), last, closeConnection);
    }

    /**
     * @param error why the rest of the body cannot be read
     * @return an error receipt that ends the exchange and closes the connection
     */
    static PendingReceipt fatal(RestException error) {
        return error(ProduceReceipts.failure(null, error), true, true);
    }

    /** @return the record's result, null for an error */
    CompletableFuture<ProduceResult> sent() {
        return sent;
    }

    /** @return the sent record and what its receipt echoes, null for an error */
    ProduceRecordReader.Parsed parsed() {
        return parsed;
    }

    /** @return the error receipt's JSON, null for a sent record (not a copy: the writer only reads it) */
    byte[] error() {
        return error;
    }

    /** @return whether the exchange ends after this receipt */
    boolean last() {
        return last;
    }

    /** @return whether the connection is closed after this last receipt */
    boolean closeConnection() {
        return closeConnection;
    }

    /** @return whether the receipt can be written without waiting for Kafka */
    boolean ready() {
        return sent == null || sent.isDone();
    }
}
