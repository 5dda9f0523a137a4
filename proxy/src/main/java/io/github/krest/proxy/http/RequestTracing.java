package io.github.krest.proxy.http;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.krest.proxy.record.ProduceRecord;
import io.github.krest.proxy.record.RecordConverter;
import io.github.krest.proxy.record.TraceContext;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * W3C trace context (https://www.w3.org/TR/trace-context/) for every API request: one server span per request,
 * named by the request's resource name ({@link ResourceNames}, e.g. {@code api.v2.produce-to-topic.binary}), the
 * child of the request's {@code traceparent} / {@code tracestate} when it has valid ones, else the root of a new
 * trace. Attributes follow OpenTelemetry's HTTP and messaging semantic conventions ({@code http.request.method},
 * {@code url.path}, {@code http.response.status_code}, {@code messaging.system=kafka},
 * {@code messaging.destination.name} for produce and partition reads); a 5xx answer marks the span as an error.
 *
 * <p>The records a produce request writes carry the span's own context ({@link #recordContext}), so the trace goes
 * on into Kafka and to whoever consumes them. A v2 consume request's span is the child of its own request's context
 * and links to the context each consumed record carries ({@link #linking}), up to {@value #MAX_LINKS} per poll.
 *
 * <p>With OpenTelemetry's no-op tracer (no exporter configured) nothing is recorded: the "span" is the incoming
 * context itself, so records get the request's {@code traceparent} and {@code tracestate} as they came, and a
 * request without them adds none. {@code /observe/*} is not traced.
 */
public final class RequestTracing implements Filter {
    /** Most links a consume span gets (OpenTelemetry's SDK keeps 128 per span by default). */
    static final int MAX_LINKS = 100;
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final HeaderName TRACEPARENT = HeaderNames.create(TraceContext.TRACEPARENT);
    private static final HeaderName TRACESTATE = HeaderNames.create(TraceContext.TRACESTATE);
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");

    private static final TextMapGetter<ServerRequest> REQUEST_HEADERS = new TextMapGetter<>() {
        // deprecated in OpenTelemetry 1.68 but still abstract: it must be implemented (W3C's propagator never calls it)
        @SuppressWarnings("deprecation")
        @Override
        public Iterable<String> keys(ServerRequest req) {
            return List.of(TraceContext.TRACEPARENT, TraceContext.TRACESTATE);
        }

        @Override
        public String get(ServerRequest req, String name) {
            HeaderName header = switch (name) {
                case TraceContext.TRACEPARENT -> TRACEPARENT;
                case TraceContext.TRACESTATE -> TRACESTATE;
                default -> HeaderNames.create(name);
            };
            // tracestate may come as several header lines: W3C joins them with commas
            return req != null && req.headers().contains(header)
                    ? String.join(",", req.headers().get(header).allValues()) : null;
        }
    };

    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        // deprecated in OpenTelemetry 1.68 but still abstract: it must be implemented
        @SuppressWarnings("deprecation")
        @Override
        public Iterable<String> keys(Map<String, String> map) {
            return map.keySet();
        }

        @Override
        public String get(Map<String, String> map, String name) {
            return map == null ? null : map.get(name);
        }
    };

    /**
     * The span of a request, kept in its context for the resources: the links it got, and its context as record
     * headers, worked out once (a v3 stream asks for each record).
     */
    private static final class RequestSpan {
        private final Span span;
        private final AtomicInteger links = new AtomicInteger();
        private volatile Optional<TraceContext> headers;

        RequestSpan(Span span) {
            this.span = span;
        }

        Span span() {
            return span;
        }

        Optional<TraceContext> headers() {
            Optional<TraceContext> known = headers;
            if (known == null) {
                known = headers(span);
                headers = known;
            }
            return known;
        }

        private static Optional<TraceContext> headers(Span span) {
            if (!span.getSpanContext().isValid()) {
                return Optional.empty();
            }
            Map<String, String> headers = new HashMap<>(4);
            W3C.inject(Context.root().with(span), headers, Map::put);
            String traceparent = headers.get(TraceContext.TRACEPARENT);
            return traceparent == null ? Optional.empty() : Optional.of(
                    new TraceContext(traceparent, Optional.ofNullable(headers.get(TraceContext.TRACESTATE))));
        }
    }

    private final Tracer tracer;

    /** @param tracer the replica's tracer, OpenTelemetry's no-op one when nothing is exported */
    public RequestTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    // the span's scope is open for the rest of the chain and never referenced in it (javac's "try" lint)
    @SuppressWarnings("try")
    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (ResourceNames.observe(path)) {
            chain.proceed();
            return;
        }
        Context parent = W3C.extract(Context.root(), req, REQUEST_HEADERS);
        Optional<String> resource = ResourceNames.of(req);
        Span span = tracer.spanBuilder(resource.orElse("unknown"))
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .startSpan();
        req.context().register(new RequestSpan(span));
        boolean failed = true;
        try (Scope scope = span.makeCurrent()) {
            chain.proceed();
            failed = false;
        } catch (ServerConnectionException clientGone) {
            // the client left while its answer was written: no server error
            failed = false;
            throw clientGone;
        } finally {
            if (span.isRecording()) {
                finish(span, req, res, path, failed);
            }
            span.end();
        }
    }

    private static void finish(Span span, RoutingRequest req, RoutingResponse res, String path, boolean failed) {
        // a v2 consume request is named for the instance's format once its poll knows it
        Optional<String> resource = ResourceNames.of(req);
        resource.ifPresent(span::updateName);
        int status = failed ? 500 : res.status().code();
        span.setAttribute(METHOD, req.prologue().method().text());
        span.setAttribute(URL_PATH, path);
        span.setAttribute(URL_SCHEME, req.isSecure() ? "https" : "http");
        span.setAttribute(STATUS, (long) status);
        if (status >= 500) {
            span.setStatus(StatusCode.ERROR);
            span.setAttribute(ERROR_TYPE, Integer.toString(status));
        }
        String name = resource.orElse("");
        boolean produce = name.contains("produce");
        boolean consume = name.startsWith("api.v2.consumers.consume-") || name.startsWith("api.v2.partitions.consume-");
        if (produce || consume) {
            span.setAttribute(MESSAGING_SYSTEM, "kafka");
            span.setAttribute(OPERATION, produce ? "send" : "receive");
            topic(path).ifPresent(topic -> span.setAttribute(DESTINATION, topic));
        }
    }

    /** The topic of a path below {@code /topics/{topic}} (v2) or {@code .../topics/{topic}} (v3). */
    private static Optional<String> topic(String path) {
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length - 1; i++) {
            if (segments[i].equals("topics")) {
                return segments[i + 1].isEmpty() ? Optional.empty() : Optional.of(segments[i + 1]);
            }
        }
        return Optional.empty();
    }

    /**
     * The trace context a produce request's records carry: its span's, or, when no span is recorded, the one the
     * request came with.
     *
     * @param req a request that passed this filter
     * @return the context, empty when the request has none (no tracing filter, or no {@code traceparent} and
     *         nothing recorded)
     */
    public static Optional<TraceContext> recordContext(ServerRequest req) {
        return req.context().get(RequestSpan.class).flatMap(RequestSpan::headers);
    }

    /**
     * Links a consume request's span to the trace context each record it answers carries in its
     * {@code traceparent} header (OpenTelemetry's messaging conventions: a receive span links to the contexts its
     * messages were created in), up to {@value #MAX_LINKS} links per request; records without a valid one add none.
     *
     * @param req the consume request
     * @param converter the converter of the request's records
     * @param <T> the rendered form
     * @return {@code converter} itself when the request's span is not recorded, else one that links each record
     *         before it converts it
     */
    public static <T> RecordConverter<T> linking(ServerRequest req, RecordConverter<T> converter) {
        Optional<RequestSpan> held = req.context().get(RequestSpan.class);
        if (held.isEmpty() || !held.get().span().isRecording()) {
            return converter;
        }
        RequestSpan span = held.get();
        return record -> {
            if (span.links.get() < MAX_LINKS) {
                recordContext(record.headers()).ifPresent(produced -> {
                    if (span.links.getAndIncrement() < MAX_LINKS) {
                        span.span().addLink(produced);
                    }
                });
            }
            return converter.convert(record);
        };
    }

    private static Optional<SpanContext> recordContext(List<ProduceRecord.Header> headers) {
        Map<String, String> found = new HashMap<>(4);
        for (ProduceRecord.Header h : headers) {
            String name = h.name().toLowerCase(java.util.Locale.ROOT);
            if ((name.equals(TraceContext.TRACEPARENT) || name.equals(TraceContext.TRACESTATE))
                    && h.value().isPresent()) {
                found.putIfAbsent(name, new String(h.value().get(), StandardCharsets.UTF_8));
            }
        }
        if (!found.containsKey(TraceContext.TRACEPARENT)) {
            return Optional.empty();
        }
        SpanContext context = Span.fromContext(W3C.extract(Context.root(), found, MAP)).getSpanContext();
        return context.isValid() ? Optional.of(context) : Optional.empty();
    }
}
