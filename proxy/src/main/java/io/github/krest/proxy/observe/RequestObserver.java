package io.github.krest.proxy.observe;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.github.krest.proxy.http.HttpErrors;
import io.github.krest.proxy.http.ResourceNames;
import io.github.krest.proxy.caller.Caller;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * The first filter of krest's routing: measures every request and writes its access log line. Requests are labelled
 * with Confluent's resource name ({@link ResourceNames}), never the raw path: a path krest does not serve is
 * {@value #UNKNOWN}. The {@code error_code} is the one {@link HttpErrors#send} answered (any other status of 400 or
 * more counts with the status as its code). {@code /observe/*} (metrics scrapes, health probes) is neither measured
 * nor logged. A client that goes away while its answer is written (a record stream it closes, a poll it stopped
 * waiting for) is no server error: the request counts with the status it was answered with, not as a 500.
 */
public final class RequestObserver implements Filter {
    /** The resource label of paths krest does not serve. */
    public static final String UNKNOWN = "unknown";

    private final Optional<KrestMetrics> metrics;
    private final Optional<AccessLog> accessLog;

    /**
     * @param metrics where to record, empty when metrics are off
     * @param accessLog where to log, empty when the access log is off
     */
    public RequestObserver(Optional<KrestMetrics> metrics, Optional<AccessLog> accessLog) {
        this.metrics = metrics;
        this.accessLog = accessLog;
    }

    /** @return whether there is anything to observe */
    public boolean active() {
        return metrics.isPresent() || accessLog.isPresent();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (ResourceNames.observe(path)) {
            chain.proceed();
            return;
        }
        long start = System.nanoTime();
        HttpErrors.takeSentErrorCode();
        boolean failed = true;
        try {
            chain.proceed();
            failed = false;
        } catch (ServerConnectionException clientGone) {
            // Helidon could not write to the client's connection: the client left, the server did not fail
            failed = false;
            throw clientGone;
        } finally {
            long nanos = System.nanoTime() - start;
            Optional<Integer> sent = HttpErrors.takeSentErrorCode();
            // an exception escaping the chain is answered 500 by Helidon after this filter
            int status = failed ? 500 : res.status().code();
            Optional<Integer> errorCode = failed ? Optional.of(500)
                    : sent.or(() -> status >= 400 ? Optional.of(status) : Optional.empty());
            String method = req.prologue().method().text();
            String resource = ResourceNames.of(req).orElse(UNKNOWN);
            metrics.ifPresent(m -> m.request(resource, errorCode, nanos));
            accessLog.ifPresent(log -> log.write(new AccessLog.Entry(method, resource, status, errorCode,
                    TimeUnit.NANOSECONDS.toMillis(nanos), res.bytesWritten(),
                    Optional.of(Caller.of(req).principal()))));
        }
    }
}
