package io.github.krest.proxy.http.v3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Supplier;

import io.github.krest.proxy.core.ProduceService;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

/**
 * krest, beyond Confluent: {@code GET /v3/clusters/{cluster_id}/topics/{topic_name}/records} upgraded to a
 * WebSocket, the v3 streaming produce over a socket. Each client text message is one record, the JSON object a
 * streaming body holds; each server text message is one receipt, the JSON a stream writes per record, in the order
 * of the records. The exchange is a {@link ProduceStream} whose body is the client's messages, one after the other,
 * and whose receipts are cut into messages: the same parsing, rate limits, duration limits and in-stream errors (a
 * record that parses but is invalid gets an error receipt and the socket goes on; a message that is not a JSON
 * object, or one over {@code api.v3.produce.request.size.limit.max.bytes}, gets a 400 receipt and closes the
 * socket), and the same back-pressure: besides the stream's bounded receipt queue, at most
 * {@value #MAX_QUEUED_MESSAGES} messages wait to be parsed, and then the socket's reader waits too, so a client
 * that sends faster than Kafka takes its records is slowed down by TCP.
 *
 * <p>The socket closes with 1000 when the stream ends by itself (an in-stream error that ends it,
 * {@code streaming.connection.max.duration.ms} and its grace period), after the receipts of the records admitted.
 */
final class ProduceSocket implements WsListener {
    private static final System.Logger LOG = System.getLogger(ProduceSocket.class.getName());
    /** Most client messages waiting to be parsed. */
    static final int MAX_QUEUED_MESSAGES = 64;
    private static final byte[] SEPARATOR = {'\n'};

    private final ProduceStream stream;
    private final String clusterId;
    private final String topic;
    private final Optional<Integer> partitionCount;
    private final Supplier<ProduceService> produce;
    private final Messages messages = new Messages();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    /**
     * @param stream the v3 produce stream
     * @param clusterId cluster id for receipts
     * @param topic the topic, checked to exist
     * @param partitionCount its partition count, empty if not known yet
     * @param produce the caller's produce service, looked up per record (see {@link ProduceStream#run})
     */
    ProduceSocket(ProduceStream stream, String clusterId, String topic, Optional<Integer> partitionCount,
                  Supplier<ProduceService> produce) {
        this.stream = stream;
        this.clusterId = clusterId;
        this.topic = topic;
        this.partitionCount = partitionCount;
        this.produce = produce;
    }

    @Override
    public void onOpen(WsSession session) {
        // Helidon reads the client's frames on this thread; the stream parses, sends and writes on others
        Thread.ofVirtual().name("krest-produce-socket-" + topic).start(() -> run(session));
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        partial.write(bytes, 0, bytes.length);
        if (last) {
            // records are separated as in a body, so that two messages never run together
            partial.write(SEPARATOR, 0, 1);
            messages.put(partial.toByteArray());
            partial.reset();
        }
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        messages.end();
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        messages.end();
    }

    private void run(WsSession session) {
        boolean ended;
        try (OutputStream receipts = new ReceiptMessages(session)) {
            ended = stream.run(messages, StandardCharsets.UTF_8, receipts, clusterId, topic, partitionCount,
                    produce);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Produce socket on " + topic + " ended, its client gone: " + e);
            messages.end();
            return;
        }
        messages.end();
        if (ended) {
            try {
                session.close(WsCloseCodes.NORMAL_CLOSE, "stream ended");
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "Produce socket on " + topic + " did not close cleanly: " + e);
            }
        }
    }

    /**
     * The client's messages as one body: a bounded queue of messages that the socket's reader fills and the
     * stream's parser reads; it ends when the client closes the socket.
     */
    private static final class Messages extends InputStream {
        private static final byte[] END = new byte[0];
        private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(MAX_QUEUED_MESSAGES);
        private volatile boolean ended;
        private byte[] current = new byte[0];
        private int position;

        /** Queues a message, waiting while the queue is full (the back-pressure); dropped once the body ended. */
        void put(byte[] message) {
            try {
                while (!ended) {
                    if (queue.offer(message, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Ends the body: the parser reads what is queued, then the end. */
        void end() {
            ended = true;
            queue.offer(END);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @SuppressWarnings("ReferenceEquality") // END is a sentinel array: identity is what marks the end
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (position == current.length) {
                if (current == END) {
                    return -1;
                }
                try {
                    byte[] next = queue.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                    if (next != null) {
                        current = next;
                        position = 0;
                    } else if (ended && queue.isEmpty()) {
                        current = END;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("produce socket closed");
                }
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            return n;
        }
    }

    /**
     * The stream's receipts, each followed by CRLF, as one text message per receipt (JSON text never holds a raw
     * line break, so CRLF only ends receipts).
     */
    private static final class ReceiptMessages extends OutputStream {
        private final WsSession session;
        private final ByteArrayOutputStream receipt = new ByteArrayOutputStream();
        private boolean afterCr;

        ReceiptMessages(WsSession session) {
            this.session = session;
        }

        @Override
        public void write(int b) throws IOException {
            if (afterCr && b == '\n') {
                session.send(receipt.toString(StandardCharsets.UTF_8), true);
                receipt.reset();
                afterCr = false;
                return;
            }
            if (afterCr) {
                receipt.write('\r');
            }
            afterCr = b == '\r';
            if (!afterCr) {
                receipt.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }
    }
}
