package io.github.krest.proxy.record;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The W3C trace context (https://www.w3.org/TR/trace-context/) a produce request hands on to the records it produces,
 * as plain header values: the HTTP layer works out which context that is (the request's own span, or the incoming
 * {@code traceparent} when no span is recorded), the produce path only writes it into the records.
 *
 * <p>A record that already carries a {@code traceparent} header keeps it and gets neither header from the request:
 * the client traced that record itself, and a {@code tracestate} belongs to its {@code traceparent}. A record with
 * its own {@code tracestate} but no {@code traceparent} gets the request's {@code traceparent} only. Header names are
 * compared ignoring case, as HTTP compares them.
 *
 * @param traceparent the {@code traceparent} value, e.g. {@code 00-<32 hex trace id>-<16 hex span id>-01}
 * @param tracestate the {@code tracestate} value, empty when there is none
 */
public record TraceContext(String traceparent, Optional<String> tracestate) {
    /** The header name of the trace id and parent span id (W3C, also OpenTelemetry's Kafka instrumentation). */
    public static final String TRACEPARENT = "traceparent";
    /** The header name of vendor-specific trace data. */
    public static final String TRACESTATE = "tracestate";

    /**
     * @param record a record to produce
     * @return the record with this context's headers added at the end where it has none of its own, or
     *         {@code record} itself when it keeps its own {@code traceparent}
     */
    public ProduceRecord stamp(ProduceRecord record) {
        if (has(record, TRACEPARENT)) {
            return record;
        }
        List<ProduceRecord.Header> headers = new ArrayList<>(record.headers().size() + 2);
        headers.addAll(record.headers());
        headers.add(header(TRACEPARENT, traceparent));
        if (tracestate.isPresent() && !has(record, TRACESTATE)) {
            headers.add(header(TRACESTATE, tracestate.get()));
        }
        return new ProduceRecord(record.topic(), record.partition(), record.key(), record.value(),
                List.copyOf(headers), record.timestamp());
    }

    private static boolean has(ProduceRecord record, String name) {
        for (ProduceRecord.Header h : record.headers()) {
            if (h.name().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static ProduceRecord.Header header(String name, String value) {
        return new ProduceRecord.Header(name, Optional.of(value.getBytes(StandardCharsets.UTF_8)));
    }
}
