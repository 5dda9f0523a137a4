package io.github.krest.proxy.observe;

import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One line per request on the {@code java.util.logging} logger {@value #LOGGER} at INFO, so that it can be routed to
 * its own handler or file or turned off in {@code logging.properties}:
 * <pre>method=POST resource=api.v2.produce-to-topic.json status=200 error_code=- duration_ms=12 bytes=97 principal=-</pre>
 * {@code error_code} is the Confluent code of an error answer, {@code bytes} the response bytes written,
 * {@code principal} the authenticated principal ({@code -} without authentication). Never the raw path or query, which
 * may carry data; {@code resource} is {@code unknown} for a path krest does not serve.
 */
public final class AccessLog {
    /** The logger's name. */
    public static final String LOGGER = "io.github.krest.access";
    private static final Logger LOG = Logger.getLogger(LOGGER);

    /** One request, as logged. */
    public record Entry(String method, String resource, int status, Optional<Integer> errorCode, long durationMs,
                        long bytes, Optional<String> principal) {
        /** @return the log line */
        public String line() {
            return "method=" + method + " resource=" + resource + " status=" + status
                    + " error_code=" + errorCode.map(String::valueOf).orElse("-")
                    + " duration_ms=" + durationMs + " bytes=" + bytes
                    + " principal=" + principal.filter(p -> !p.isEmpty()).orElse("-");
        }
    }

    /**
     * Writes one line.
     *
     * @param entry the request
     */
    public void write(Entry entry) {
        if (LOG.isLoggable(Level.INFO)) {
            // the source named here spares the logger a stack walk to find it for every request
            LOG.logp(Level.INFO, AccessLog.class.getName(), "write", entry.line());
        }
    }
}
