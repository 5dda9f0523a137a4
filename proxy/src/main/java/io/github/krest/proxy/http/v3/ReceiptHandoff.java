package io.github.krest.proxy.http.v3;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bounded queue of a v3 produce stream between its reader thread, which parses and sends records, and the
 * request thread, which writes their receipts in order. It holds at most {@value #MAX_IN_FLIGHT} receipts, so a
 * client that does not read its receipts slows the reader down instead of filling memory.
 *
 * <p>The reader gives up putting once the writer has stopped (the client went away), so neither side waits forever.
 * Every receipt but {@link PendingReceipt#END} is admitted first, so that when the writer closes the stream at its
 * deadline it knows how many receipts it still owes: a record is sent to Kafka only once admitted, and then always
 * gets its receipt.
 */
final class ReceiptHandoff {
    /** Most receipts queued at once. */
    static final int MAX_IN_FLIGHT = 1024;

    private final BlockingQueue<PendingReceipt> queue = new ArrayBlockingQueue<>(MAX_IN_FLIGHT);
    private volatile boolean writerDone;
    private boolean closed;
    private long admitted;

    /**
     * Counts one more receipt owed (reader side).
     *
     * @return {@code false} once the writer is closing the stream: nothing more may be sent or queued
     */
    synchronized boolean admit() {
        if (closed) {
            return false;
        }
        admitted++;
        return true;
    }

    /**
     * Stops admitting (writer side, at the stream's deadline).
     *
     * @return how many receipts were admitted in all
     */
    synchronized long close() {
        closed = true;
        return admitted;
    }

    /**
     * Queues a receipt (reader side), waiting while the queue is full; drops it once the writer has stopped.
     *
     * @param pending an admitted receipt, or {@link PendingReceipt#END}
     * @throws InterruptedException when the reader is interrupted
     */
    void put(PendingReceipt pending) throws InterruptedException {
        while (!writerDone) {
            if (queue.offer(pending, 100, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
    }

    /**
     * Admits and queues {@code pending} (reader side).
     *
     * @param pending a receipt
     * @return {@code false} when the stream is closing
     * @throws InterruptedException when the reader is interrupted
     */
    boolean admitAndPut(PendingReceipt pending) throws InterruptedException {
        if (!admit()) {
            return false;
        }
        put(pending);
        return true;
    }

    /**
     * Tells the reader that nothing more will be taken (writer side): its puts return at once from now on.
     */
    void writerDone() {
        writerDone = true;
    }

    /**
     * @param millis longest wait
     * @return the next receipt, null when none came in time
     * @throws InterruptedException when the writer is interrupted
     */
    PendingReceipt poll(long millis) throws InterruptedException {
        return queue.poll(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * @return the next receipt, waiting for it
     * @throws InterruptedException when the writer is interrupted
     */
    PendingReceipt take() throws InterruptedException {
        return queue.take();
    }

    /** @return the next receipt without taking it, null when the queue is empty */
    PendingReceipt peek() {
        return queue.peek();
    }
}
