package io.github.krest.proxy.http;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.krest.proxy.json.Json;
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
     * the status line and headers; the rest (poll answers of megabytes) into reused {@value #CHUNK_BYTES}-byte
     * chunks, each written to the socket from offset 0 of its own array. {@code res.send(bytes)} would copy the
     * whole body into a new buffer first: at megabytes per poll those copies and arrays (G1 "humongous" objects, each
     * collected in a pause of its own) cost a replica about a fifth of its CPU.
     *
     * <p>Why chunks, and from offset 0: Helidon 4.4.0's {@code FixedBufferData.writeTo} passes its end position as
     * the length, so a write from an offset inside an array sends bytes past its end; and the JDK's socket writer
     * for virtual threads ({@code SocketChannelImpl.blockingWriteFully}) copies everything left of a write into a
     * temporary direct buffer at each attempt, so one write of 11 MiB copied about 1.4 times its size into a buffer
     * too large for any cache before the kernel copied it again. A chunk of {@value #CHUNK_BYTES} bytes (the JDK's
     * own {@code NioSocketImpl} writes at most 128 KiB at a time) is copied once, and the kernel reads it warm.
     *
     * @param res the response
     * @param status HTTP status
     * @param type the negotiated media type
     * @param sizeHint expected body bytes; a hint below {@value #HEAD_BYTES} sizes the head array
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
    /** Size of the reused arrays that hold the rest of a body, each written to the socket in one call. */
    static final int CHUNK_BYTES = 128 * 1024;
    /**
     * Spare chunks kept, 48 MiB: four poll answers of the largest drained size (RecordFetcher drains up to 8 MiB
     * of records, about 11 MiB as base64 JSON); more borrowers at once allocate, more returns are dropped.
     */
    private static final ArrayBlockingQueue<byte[]> SPARE_CHUNKS = new ArrayBlockingQueue<>(384);

    /**
     * A body in memory, as {@link #json(ServerResponse, Status, MediaType, long, BodyWriter)} describes: a head
     * array, then the rest in chunks. For a body written while its content is produced (a poll answer written as
     * records are read); {@link #release} it when done, sent or not.
     */
    public static final class Body extends OutputStream {
        /** A size hint for a body of unknown size: a full head, then chunks. */
        public static final long UNKNOWN_SIZE = HEAD_BYTES + 1;

        private final byte[] head;
        private int headSize;
        private final List<byte[]> chunks = new ArrayList<>();
        /** Bytes in the last chunk; the others are full. */
        private int lastSize;

        /**
         * @param sizeHint expected body bytes, or {@link #UNKNOWN_SIZE}; sizes the head array (at most
         *                 {@value #HEAD_BYTES} bytes)
         */
        public Body(long sizeHint) {
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
            if (chunks.isEmpty()) {
                res.send(head, 0, headSize);
                return;
            }
            res.headers().contentLength(headSize + restSize());
            try (OutputStream out = res.outputStream()) {
                out.write(head, 0, headSize);
                int last = chunks.size() - 1;
                for (int i = 0; i < last; i++) {
                    out.write(chunks.get(i), 0, CHUNK_BYTES);
                }
                out.write(chunks.get(last), 0, lastSize);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write response", e);
            }
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        /**
         * @throws IllegalStateException past 2 GiB (the largest Content-Length Helidon's writers are given here)
         */
        @Override
        public void write(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            int toHead = Math.min(len, head.length - headSize);
            System.arraycopy(b, off, head, headSize, toHead);
            headSize += toHead;
            int pos = off + toHead;
            int end = off + len;
            if (pos < end && restSize() + (end - pos) > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("A response body cannot exceed 2 GiB");
            }
            while (pos < end) {
                if (chunks.isEmpty() || lastSize == CHUNK_BYTES) {
                    byte[] spare = SPARE_CHUNKS.poll();
                    chunks.add(spare != null ? spare : new byte[CHUNK_BYTES]);
                    lastSize = 0;
                }
                int n = Math.min(end - pos, CHUNK_BYTES - lastSize);
                System.arraycopy(b, pos, chunks.get(chunks.size() - 1), lastSize, n);
                lastSize += n;
                pos += n;
            }
        }

        /** @return bytes written past the head: every chunk but the last is full */
        private long restSize() {
            return chunks.isEmpty() ? 0 : (long) (chunks.size() - 1) * CHUNK_BYTES + lastSize;
        }

        /**
         * Gives the chunks back for other bodies (the writes of {@link #send} return once the socket took every
         * byte, Helidon's writers being blocking); the body is empty afterwards.
         */
        public void release() {
            for (byte[] chunk : chunks) {
                SPARE_CHUNKS.offer(chunk);
            }
            chunks.clear();
            lastSize = 0;
        }
    }
}
