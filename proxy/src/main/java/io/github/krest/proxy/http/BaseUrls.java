package io.github.krest.proxy.http;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * Builds the base of absolute URLs (v2 {@code base_uri}, v3 {@code self} and {@code related}) so they point at the
 * load balancer, never at one replica: {@code advertised.listeners} when set, else the request's {@code Forwarded},
 * {@code X-Forwarded-Proto} / {@code X-Forwarded-Host} / {@code X-Forwarded-Port}, else {@code Host}.
 *
 * <p>Source: Confluent {@code UrlFactoryImpl} (advertised listener first), extended with the forwarding headers
 * that Confluent ignores, so that URLs behind a load balancer point at it (kafka-rest#187, #758).
 */
public final class BaseUrls {
    private static final HeaderName FORWARDED = HeaderNames.create("Forwarded");
    private static final HeaderName X_FORWARDED_PROTO = HeaderNames.create("X-Forwarded-Proto");
    private static final HeaderName X_FORWARDED_HOST = HeaderNames.create("X-Forwarded-Host");
    private static final HeaderName X_FORWARDED_PORT = HeaderNames.create("X-Forwarded-Port");

    private final Optional<String> advertised;

    /** @param advertised the first advertised listener, if configured */
    public BaseUrls(Optional<URI> advertised) {
        this.advertised = advertised.map(u -> stripSlash(u.toString()));
    }

    /**
     * The base URL for {@code req}, without a trailing slash.
     *
     * @param req the request
     * @return e.g. {@code http://lb.example.com:8082}
     */
    public String base(ServerRequest req) {
        if (advertised.isPresent()) {
            return advertised.get();
        }
        String scheme = null;
        String host = null;
        Optional<String> forwarded = req.headers().first(FORWARDED);
        if (forwarded.isPresent()) {
            String first = forwarded.get().split(",", -1)[0];
            for (String pair : first.split(";", -1)) {
                String[] kv = pair.trim().split("=", 2);
                if (kv.length == 2) {
                    String value = unquote(kv[1].trim());
                    switch (kv[0].trim().toLowerCase(Locale.ROOT)) {
                        case "proto" -> scheme = value;
                        case "host" -> host = value;
                        default -> { }
                    }
                }
            }
        }
        if (scheme == null) {
            scheme = req.headers().first(X_FORWARDED_PROTO).map(v -> v.split(",", -1)[0].trim()).orElse(null);
        }
        if (host == null) {
            host = req.headers().first(X_FORWARDED_HOST).map(v -> v.split(",", -1)[0].trim()).orElse(null);
            if (host != null && !hasPort(host)) {
                String h = host;
                host = req.headers().first(X_FORWARDED_PORT).map(p -> h + ":" + p.split(",", -1)[0].trim()).orElse(h);
            }
        }
        if (host == null) {
            host = req.headers().first(HeaderNames.HOST)
                    .orElseGet(() -> req.localPeer().host() + ":" + req.localPeer().port());
        }
        if (scheme == null) {
            scheme = req.isSecure() ? "https" : "http";
        }
        return scheme.toLowerCase(Locale.ROOT) + "://" + host;
    }

    private static boolean hasPort(String host) {
        int bracket = host.lastIndexOf(']');
        return host.indexOf(':', bracket + 1) >= 0;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
