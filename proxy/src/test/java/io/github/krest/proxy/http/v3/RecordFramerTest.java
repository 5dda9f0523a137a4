package io.github.krest.proxy.http.v3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The framer must cut a streamed body into exactly its top-level objects, however the client's bytes are split
 * into reads, and hand what it cannot cut to the JSON parser unchanged.
 */
class RecordFramerTest {
    private static final List<String> RECORDS = List.of(
            "{}",
            "{\"value\":{\"type\":\"BINARY\",\"data\":\"" + "QUJD".repeat(300) + "\"}}",
            "{\"a\":\"} { ] [ \\\" \\\\\",\"b\":[{\"c\":[1,2,{}]}]}",
            "{\"k\":\"\\\\\"}",
            "{\"k\":\"\\\\\\\"}\"}",
            "{\"\u00e9\u20ac\":\"\u00e9\ud83d\ude00\"}");

    @Test
    void cutsEveryRecordWhateverTheReadSizes() throws IOException {
        String body = String.join("\r\n", RECORDS) + "\n \t";
        for (int chunk : new int[] {1, 2, 3, 7, 8, 9, 64, 100_000}) {
            assertEquals(RECORDS, frame(new Chunked(body, chunk, 0), 0), "reads of " + chunk + " bytes");
        }
        Random random = new Random(42);
        for (int round = 0; round < 50; round++) {
            assertEquals(RECORDS, frame(new Chunked(body, 0, random.nextLong()), 0), "random reads " + round);
        }
    }

    @Test
    void recordsNeedNoSeparator() throws IOException {
        assertEquals(List.of("{\"a\":1}", "{\"b\":\"}\"}", "{}"), frame(new Chunked("{\"a\":1}{\"b\":\"}\"}{}", 1, 0),
                0));
    }

    @Test
    void aLongRecordGrowsTheBuffer() throws IOException {
        String big = "{\"value\":\"" + "x".repeat(300_000) + "\"}";
        assertEquals(List.of(big, "{}"), frame(new Chunked(big + "{}", 4096, 0), 0));
    }

    @Test
    void aRecordPastTheLimitIsTooLarge() throws IOException {
        RecordFramer framer = new RecordFramer(new Chunked("{\"a\":\"12345\"} {\"a\":\"123456\"}", 3, 0), 13);
        assertEquals(RecordFramer.Kind.RECORD, framer.next());
        assertEquals(RecordFramer.Kind.TOO_LARGE, framer.next());
    }

    @Test
    void aTopLevelNonObjectIsLeftToTheParserWithEverythingAfterIt() throws IOException {
        RecordFramer framer = new RecordFramer(new Chunked("{\"a\":1}  [1,2] {\"b\":2}", 4, 0), 0);
        assertEquals(RecordFramer.Kind.RECORD, framer.next());
        assertEquals(RecordFramer.Kind.OTHER, framer.next());
        assertEquals("[1,2] {\"b\":2}", new String(framer.remaining().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void aBodyEndingInsideARecordIsLeftToTheParser() throws IOException {
        for (String cut : List.of("{\"a\":", "{\"a\":\"x\\", "{\"a\":[{}")) {
            RecordFramer framer = new RecordFramer(new Chunked("{} " + cut, 2, 0), 0);
            assertEquals(RecordFramer.Kind.RECORD, framer.next());
            assertEquals(RecordFramer.Kind.OTHER, framer.next(), cut);
            assertArrayEquals(cut.getBytes(StandardCharsets.UTF_8), framer.remaining().readAllBytes(), cut);
        }
    }

    @Test
    void anEmptyOrBlankBodyEnds() throws IOException {
        assertEquals(List.of(), frame(new Chunked("", 1, 0), 0));
        assertEquals(List.of(), frame(new Chunked(" \r\n\t ", 1, 0), 0));
    }

    private static List<String> frame(InputStream in, long maxBytes) throws IOException {
        RecordFramer framer = new RecordFramer(in, maxBytes);
        List<String> records = new ArrayList<>();
        RecordFramer.Kind kind;
        while ((kind = framer.next()) == RecordFramer.Kind.RECORD) {
            records.add(new String(framer.buffer(), framer.start(), framer.end() - framer.start(),
                    StandardCharsets.UTF_8));
        }
        assertEquals(RecordFramer.Kind.END, kind);
        return records;
    }

    /** A body read in chunks of a fixed size, or of random sizes (1 to 50 bytes) when {@code chunk} is 0. */
    private static final class Chunked extends InputStream {
        private final ByteArrayInputStream in;
        private final int chunk;
        private final Random random;

        Chunked(String body, int chunk, long seed) {
            this.in = new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
            this.chunk = chunk;
            this.random = new Random(seed);
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = chunk > 0 ? chunk : 1 + random.nextInt(50);
            return in.read(b, off, Math.min(len, n));
        }
    }
}
