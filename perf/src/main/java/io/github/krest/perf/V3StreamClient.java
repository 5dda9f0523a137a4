package io.github.krest.perf;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * One v3 streaming produce connection (Confluent v3: {@code POST /v3/clusters/{cluster}/topics/{topic}/records}
 * with a chunked body of concatenated JSON records, one receipt line per record back). It is written on a plain
 * socket because the request body and the receipts must flow at the same time: the sender writes records until
 * told to stop while a reader thread counts receipts, as a streaming client does.
 */
final class V3StreamClient {
    private static final byte[] OK_PREFIX = "{\"error_code\":200".getBytes(StandardCharsets.US_ASCII);

    private final String host;
    private final int port;
    private final String path;
    private final byte[] chunk;
    private final int recordsPerChunk;

    /**
     * @param host            krest's host
     * @param port            krest's port
     * @param path            the records path
     * @param chunk           the body bytes of {@code recordsPerChunk} records, sent again and again
     * @param recordsPerChunk records in {@code chunk}
     */
    V3StreamClient(String host, int port, String path, byte[] chunk, int recordsPerChunk) {
        this.host = host;
        this.port = port;
        this.path = path;
        this.chunk = chunk;
        this.recordsPerChunk = recordsPerChunk;
    }

    /**
     * Streams records until {@code stop} says so, then ends the body and waits for the last receipt.
     *
     * @param stop   polled between chunks
     * @param acked  counts receipts with error_code 200
     * @param failed counts other receipts
     * @return records sent
     */
    long run(BooleanSupplier stop, AtomicLong acked, AtomicLong failed) throws IOException, InterruptedException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(120_000);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 65536);
            IOException[] readError = new IOException[1];
            Thread reader = Thread.ofPlatform().name("v3-receipts").start(() -> {
                try {
                    readReceipts(in, acked, failed);
                } catch (IOException e) {
                    readError[0] = e;
                }
            });
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 65536);
            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nContent-Type: application/json\r\nAccept: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            long sent = 0;
            while (!stop.getAsBoolean() && reader.isAlive()) {
                out.write(size);
                out.write(chunk);
                out.write('\r');
                out.write('\n');
                out.flush();
                sent += recordsPerChunk;
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            reader.join();
            if (readError[0] != null) {
                throw readError[0];
            }
            return sent;
        }
    }

    /** Reads the response head, then the chunked body, counting receipt lines as they arrive. */
    static void readReceipts(InputStream in, AtomicLong acked, AtomicLong failed) throws IOException {
        String status = readLine(in);
        if (status == null || !status.startsWith("HTTP/1.1 200")) {
            throw new IOException("v3 stream: " + status);
        }
        boolean chunked = false;
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("transfer-encoding:") && line.contains("chunked")) {
                chunked = true;
            }
        }
        Receipts receipts = new Receipts(acked, failed);
        byte[] buf = new byte[65536];
        while (true) {
            long remaining;
            if (chunked) {
                String sizeLine = readLine(in);
                if (sizeLine == null) {
                    return;
                }
                int semi = sizeLine.indexOf(';');
                remaining = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                if (remaining == 0) {
                    return;
                }
            } else {
                remaining = Long.MAX_VALUE;
            }
            while (remaining > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
                if (n < 0) {
                    return;
                }
                remaining -= n;
                receipts.scan(buf, n);
            }
            if (chunked) {
                readLine(in);
            }
        }
    }

    /**
     * Counts receipt lines as their bytes arrive, in any split: a line is acknowledged when it starts with
     * <code>{"error_code":200</code>, failed otherwise; only each line's first bytes are kept.
     */
    private static final class Receipts {
        private final AtomicLong acked;
        private final AtomicLong failed;
        /** Bytes of the current line, CR excluded. */
        private long lineLength;
        /** Whether the current line's first min(lineLength, OK_PREFIX.length) bytes match OK_PREFIX. */
        private boolean okSoFar = true;

        Receipts(AtomicLong acked, AtomicLong failed) {
            this.acked = acked;
            this.failed = failed;
        }

        void scan(byte[] buf, int n) {
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (b == '\n') {
                    if (lineLength > 0) {
                        (okSoFar && lineLength >= OK_PREFIX.length ? acked : failed).incrementAndGet();
                    }
                    lineLength = 0;
                    okSoFar = true;
                } else if (b != '\r') {
                    if (lineLength < OK_PREFIX.length && b != OK_PREFIX[(int) lineLength]) {
                        okSoFar = false;
                    }
                    lineLength++;
                }
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        return sb.isEmpty() ? null : sb.toString();
    }
}
