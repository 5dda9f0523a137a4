package io.github.krest.proxy.security;

import java.util.Optional;

import io.github.krest.proxy.config.KrestConfig;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Confluent's {@code hsts.header.enable} ({@code Strict-Transport-Security: max-age=31536000} on responses of
 * {@code https://} listeners) and {@code nosniff.prevention.enable} ({@code X-Content-Type-Options: nosniff} on
 * every response). Both off by default, as in Confluent.
 */
public final class SecurityHeadersFilter implements Filter {
    /** The HSTS value: one year (Jetty's and Confluent's). */
    public static final String HSTS = "max-age=31536000";

    private final boolean hsts;
    private final boolean nosniff;

    private SecurityHeadersFilter(boolean hsts, boolean nosniff) {
        this.hsts = hsts;
        this.nosniff = nosniff;
    }

    /**
     * @param config krest configuration
     * @return the filter, empty when both headers are off
     */
    public static Optional<SecurityHeadersFilter> of(KrestConfig config) {
        boolean hsts = config.getBoolean(KrestConfig.HSTS_HEADER_ENABLE);
        boolean nosniff = config.getBoolean(KrestConfig.NOSNIFF_PREVENTION_ENABLE);
        return hsts || nosniff ? Optional.of(new SecurityHeadersFilter(hsts, nosniff)) : Optional.empty();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (hsts && req.isSecure()) {
            res.header(HeaderNames.STRICT_TRANSPORT_SECURITY, HSTS);
        }
        if (nosniff) {
            res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        }
        chain.proceed();
    }
}
