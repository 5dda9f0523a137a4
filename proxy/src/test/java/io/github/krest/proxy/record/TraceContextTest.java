package io.github.krest.proxy.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Which trace headers a record gets from its request, and which of its own it keeps. */
class TraceContextTest {
    private static final TraceContext CONTEXT = new TraceContext(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", Optional.of("congo=t61rcWkgMzE"));

    private static ProduceRecord record(ProduceRecord.Header... headers) {
        return new ProduceRecord("t", Optional.empty(), Optional.empty(), Optional.of(new byte[] {1}),
                List.of(headers), Optional.empty());
    }

    private static ProduceRecord.Header header(String name, String value) {
        return new ProduceRecord.Header(name, Optional.of(value.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> names(ProduceRecord record) {
        return record.headers().stream().map(h -> h.name() + "=" + new String(h.value().orElseThrow(),
                StandardCharsets.UTF_8)).toList();
    }

    @Test
    void bothHeadersAreAddedAfterTheRecordsOwn() {
        ProduceRecord stamped = CONTEXT.stamp(record(header("h", "v")));
        assertEquals(List.of("h=v", "traceparent=" + CONTEXT.traceparent(), "tracestate=congo=t61rcWkgMzE"),
                names(stamped));
        assertEquals(record(header("h", "v")).sizeInBytes() + "traceparent".length() + 55 + "tracestate".length()
                + "congo=t61rcWkgMzE".length(), stamped.sizeInBytes());
    }

    @Test
    void aRecordsOwnTraceparentWinsWhateverItsCase() {
        ProduceRecord own = record(header("TraceParent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        assertSame(own, CONTEXT.stamp(own));
    }

    @Test
    void aRecordsOwnTracestateIsKept() {
        ProduceRecord stamped = CONTEXT.stamp(record(header("tracestate", "mine=1")));
        assertEquals(List.of("tracestate=mine=1", "traceparent=" + CONTEXT.traceparent()), names(stamped));
    }
}
