package io.github.krest.proxy.http;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.krest.proxy.http.json.Json;
import io.helidon.common.media.type.MediaType;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/** Sends JSON bodies with a chosen media type. */
public final class Responses {
    private Responses() {
    }

    /**
     * Serialises {@code body} with krest's mapper and sends it.
     *
     * @param res the response
     * @param status HTTP status
     * @param type the negotiated media type
     * @param body a Jackson-serialisable value
     */
    public static void json(ServerResponse res, Status status, MediaType type, Object body) {
        byte[] bytes;
        try {
            bytes = Json.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise response", e);
        }
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, type.text());
        res.send(bytes);
    }

    /** Writes a response body. */
    @FunctionalInterface
    public interface BodyWriter {
        /**
         * @param out where the body goes
         * @throws IOException when writing fails
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes a body into memory and sends it whole with its Content-Length, so that anything failing while it is
     * written is still answered as an error. The first {@value #HEAD_BYTES} bytes go into a small array sent with
     * the status line and headers; the rest (poll answers of megabytes) into a reused {@value #SLAB_BYTES}-byte
     * array when it fits one, written to the socket from there. {@code res.send(bytes)} would copy the whole body
     * into a new buffer first: at megabytes per poll those copies and arrays (G1 "humongous" objects, each
     * collected in a pause of its own) cost a replica about a fifth of its CPU.
     *
     * <p>The rest is written from offset 0 of its array on purpose: Helidon 4.4.0's {@code FixedBufferData.writeTo}
     * passes its end position as the length, so a write from an offset inside an array sends bytes past its end.
     *
     * @param res the response
     * @param status HTTP status
     * @param type the negotiated media type
     * @param sizeHint expected body bytes; a good hint means no array grows on the way
     * @param writer writes the body
     */
    public static void json(ServerResponse res, Status status, MediaType type, long sizeHint, BodyWriter writer) {
        Body body = new Body(sizeHint);
        try {
            try {
                writer.writeTo(body);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot serialise response", e);
            }
            body.send(res, status, type);
        } finally {
            body.release();
        }
    }

    /** Bytes of a body sent with the status line and headers (copied by Helidon into one buffer with them). */
    static final int HEAD_BYTES = 16 * 1024;
    /**
     * Size of the reused arrays: a poll answer drains up to 8 MiB of records (ConsumerService), about 11 MiB as
     * base64 JSON.
     */
    static final int SLAB_BYTES = 12 * 1024 * 1024;
    /** Spare slabs kept: more borrowers at once allocate, more returns are dropped. */
    private static final ArrayBlockingQueue<byte[]> SPARE_SLABS = new ArrayBlockingQueue<>(4);

    /**
     * A body in memory, as {@link #json(ServerResponse, Status, MediaType, long, BodyWriter)} describes: a head
     * array, then the rest in a slab (or a larger array of its own). For a body written while its content is
     * produced (a poll answer written as records are read); {@link #release} it when done, sent or not.
     */
    public static final class Body extends OutputStream {
        /** A size hint for a body of unknown size: a full head, then a slab. */
        public static final long UNKNOWN_SIZE = HEAD_BYTES + 1;

        private final long sizeHint;
        private final byte[] head;
        private int headSize;
        private byte[] rest;
        private int restSize;

        /**
         * @param sizeHint expected body bytes, or {@link #UNKNOWN_SIZE}; a good hint means no array grows on the way
         */
        public Body(long sizeHint) {
            this.sizeHint = sizeHint;
            this.head = new byte[(int) Math.min(Math.max(sizeHint, 32), HEAD_BYTES)];
        }

        /**
         * Sends what was written, with its Content-Length.
         *
         * @param res the response
         * @param status HTTP status
         * @param type the negotiated media type
         * @throws UncheckedIOException when the client cannot be written to
         */
        public void send(ServerResponse res, Status status, MediaType type) {
            res.status(status);
            res.header(HeaderNames.CONTENT_TYPE, type.text());
            if (restSize == 0) {
                res.send(head, 0, headSize);
                return;
            }
            res.headers().contentLength((long) headSize + restSize);
            try (OutputStream out = res.outputStream()) {
                out.write(head, 0, headSize);
                out.write(rest, 0, restSize);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write response", e);
            }
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            int toHead = Math.min(len, head.length - headSize);
            System.arraycopy(b, off, head, headSize, toHead);
            headSize += toHead;
            if (toHead == len) {
                return;
            }
            int remaining = len - toHead;
            ensureRest(remaining);
            System.arraycopy(b, off + toHead, rest, restSize, remaining);
            restSize += remaining;
        }

        private void ensureRest(int more) {
            long needed = (long) restSize + more;
            if (rest != null && needed <= rest.length) {
                return;
            }
            if (needed > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("A response body cannot exceed 2 GiB");
            }
            if (rest == null) {
                long expected = Math.max(needed, sizeHint - head.length);
                if (expected <= SLAB_BYTES) {
                    byte[] spare = SPARE_SLABS.poll();
                    rest = spare != null ? spare : new byte[SLAB_BYTES];
                } else {
                    rest = new byte[(int) Math.min(expected, Integer.MAX_VALUE - 16)];
                }
                return;
            }
            byte[] grown = Arrays.copyOf(rest, (int) Math.min(Math.max(needed, 2L * rest.length),
                    Integer.MAX_VALUE - 16));
            returnSlab(rest);
            rest = grown;
        }

        /** Keeps {@code array} for another body when it is a slab (and a spare place is free). */
        private static void returnSlab(byte[] array) {
            if (array != null && array.length == SLAB_BYTES) {
                SPARE_SLABS.offer(array);
            }
        }

        /**
         * Gives the slab back for another body (the writes of {@link #send} return once the socket took every byte,
         * Helidon's writers being blocking); the body is empty afterwards.
         */
        public void release() {
            returnSlab(rest);
            rest = null;
            restSize = 0;
        }
    }
}
