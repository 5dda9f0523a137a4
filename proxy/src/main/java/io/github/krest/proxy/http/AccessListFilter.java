package io.github.krest.proxy.http;

import java.util.List;
import java.util.Optional;

import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.ErrorResponse;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * {@code api.endpoints.allowlist} / {@code api.endpoints.blocklist} (Confluent's keys;
 * docs/configuration.md): with an allowlist only its endpoints are served; the blocklist removes endpoints (from
 * the allowlist when
 * both are set). Entries are resource names or prefixes ending in {@code .*}. A blocked GET answers 404/404, any
 * other method 405/405, both as JSON; OPTIONS is never blocked.
 */
public final class AccessListFilter implements Filter {
    private final List<String> allow;
    private final List<String> block;

    /**
     * @param allow allowlist entries (empty: everything)
     * @param block blocklist entries
     */
    public AccessListFilter(List<String> allow, List<String> block) {
        this.allow = allow;
        this.block = block;
    }

    /** @return whether any list is configured */
    public boolean active() {
        return !allow.isEmpty() || !block.isEmpty();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String method = req.prologue().method().text();
        if (!method.equals(Method.OPTIONS.text())) {
            Optional<String> name = ResourceNames.of(req);
            if (name.isPresent() && !allowed(name.get())) {
                HttpErrors.send(req, res, method.equals(Method.GET.text())
                        ? ErrorResponse.of(ErrorCode.NOT_FOUND, "HTTP 404 Not Found")
                        : ErrorResponse.of(ErrorCode.METHOD_NOT_ALLOWED, "HTTP 405 Method Not Allowed"));
                return;
            }
        }
        chain.proceed();
    }

    private boolean allowed(String name) {
        boolean allowedByList = allow.isEmpty() || allow.stream().anyMatch(e -> ResourceNames.matches(e, name));
        return allowedByList && block.stream().noneMatch(e -> ResourceNames.matches(e, name));
    }
}
