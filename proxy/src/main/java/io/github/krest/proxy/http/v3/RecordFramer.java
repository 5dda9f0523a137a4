package io.github.krest.proxy.http.v3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;

import io.github.krest.proxy.format.DataReaders;

/**
 * Cuts a v3 streaming produce body (UTF-8, concatenated JSON objects) into one byte range per top-level object, as
 * the bytes arrive, so that each record can be parsed from bytes krest owns: its base64 data is then decoded
 * straight from the body ({@link ProduceRecordReader#readFast}) instead of becoming a {@code String} in a tree.
 *
 * <p>The framer knows only strings (with their escapes) and bracket depth; whether the range is valid JSON is for
 * the parser of the range to say. Whatever it cannot frame (a top-level token that is not an object, or a body that
 * ends inside one) is {@link Kind#OTHER}: the caller then reads {@link #remaining()} with a JSON parser, which
 * reports it as it would have without the framer.
 */
final class RecordFramer {
    /** What {@link #next} found. */
    enum Kind {
        /** A top-level object: {@link #buffer()} from {@link #start()} to {@link #end()}. */
        RECORD,
        /** The body ended between records. */
        END,
        /** An object longer than the record limit (bytes), so far. */
        TOO_LARGE,
        /** Something else at the top level, or the body ended inside an object: see {@link #remaining()}. */
        OTHER
    }

    private static final int INITIAL_BUFFER = 64 * 1024;

    private final InputStream in;
    private final long maxBytes;
    private byte[] buffer = new byte[INITIAL_BUFFER];
    /** The first byte not yet handed out. */
    private int position;
    /** The end of the bytes read. */
    private int limit;
    private boolean eof;
    private int start;
    private int end;

    /**
     * @param in the request body
     * @param maxBytes the largest object, in bytes; 0 for no limit
     */
    RecordFramer(InputStream in, long maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /**
     * Reads up to the end of the next top-level object, waiting for the client's bytes as needed.
     *
     * @return what was found; for {@link Kind#RECORD} the object's bytes stay valid until the next call
     * @throws IOException when the body cannot be read
     */
    Kind next() throws IOException {
        // whitespace between records
        while (true) {
            while (position < limit && isWhitespace(buffer[position])) {
                position++;
            }
            if (position < limit) {
                break;
            }
            if (!fill()) {
                return Kind.END;
            }
        }
        if (buffer[position] != '{') {
            return Kind.OTHER;
        }
        int depth = 0;
        boolean inString = false;
        int i = position;
        while (true) {
            if (i == limit) {
                int consumed = i - position;
                if (!fill()) {
                    return Kind.OTHER;
                }
                i = position + consumed;
            }
            if (maxBytes > 0 && i - position >= maxBytes) {
                return Kind.TOO_LARGE;
            }
            byte b = buffer[i];
            if (inString) {
                if (b == '"') {
                    inString = false;
                    i++;
                } else if (b == '\\') {
                    // the escaped byte is part of the string, whatever it is
                    if (i + 1 == limit) {
                        int consumed = i - position;
                        if (!fill()) {
                            return Kind.OTHER;
                        }
                        i = position + consumed;
                    }
                    i += 2;
                } else {
                    i = DataReaders.plainEnd(buffer, i + 1, limit);
                }
                continue;
            }
            switch (b) {
                case '"' -> inString = true;
                case '{', '[' -> depth++;
                case '}', ']' -> depth--;
                default -> {
                    // other JSON text: the range's parser judges it
                }
            }
            i++;
            if (depth == 0) {
                start = position;
                end = i;
                position = i;
                return Kind.RECORD;
            }
        }
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    /**
     * Reads more of the body after {@code limit}, first moving the unframed bytes to the buffer's start (and
     * growing it when they fill it).
     *
     * @return {@code false} at the end of the body
     */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (position > 0) {
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
        }
        if (limit == buffer.length) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        int n = in.read(buffer, limit, buffer.length - limit);
        if (n < 0) {
            eof = true;
            return false;
        }
        limit += n;
        return true;
    }

    /** @return the buffer holding the last {@link Kind#RECORD} */
    byte[] buffer() {
        return buffer;
    }

    /** @return the offset of the last record's opening brace in {@link #buffer()} */
    int start() {
        return start;
    }

    /** @return the offset just past the last record's closing brace in {@link #buffer()} */
    int end() {
        return end;
    }

    /** @return the body from the first byte not handed out as a record: the bytes read so far, then the rest */
    InputStream remaining() {
        return new SequenceInputStream(new ByteArrayInputStream(buffer, position, limit - position), in);
    }
}
