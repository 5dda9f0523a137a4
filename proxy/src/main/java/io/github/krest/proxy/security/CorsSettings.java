package io.github.krest.proxy.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.LinkedHashSet;

import io.github.krest.proxy.config.KrestConfig;
import io.helidon.webserver.cors.CorsFeature;

/**
 * Confluent's CORS keys ({@code access.control.allow.origin}, {@code ...allow.methods}, {@code ...allow.headers},
 * {@code ...expose.headers}) as Helidon's CORS feature on every listener: it answers preflight {@code OPTIONS}
 * requests itself (without authentication) and adds the {@code Access-Control-*} headers to actual requests from
 * an allowed origin. CORS is off while {@code access.control.allow.origin} is empty, as in Confluent; then the
 * defaults of the other keys are Confluent's (Jetty's CrossOriginFilter's).
 */
public final class CorsSettings {
    /** Confluent's methods when {@code access.control.allow.methods} is empty. */
    public static final List<String> DEFAULT_METHODS = List.of("GET", "POST", "HEAD");
    /** Confluent's headers when {@code access.control.allow.headers} is empty. */
    public static final List<String> DEFAULT_HEADERS = List.of("X-Requested-With", "Content-Type", "Accept",
            "Origin");

    /** Up to this many allowed headers, their browser-written lists are added too ({@link #withBrowserLists}). */
    static final int MAX_JOINED_HEADERS = 10;

    private CorsSettings() {
    }

    /**
     * @param config  krest configuration
     * @param sockets the names of all listener sockets
     * @return the CORS feature, empty when CORS is off
     */
    public static Optional<CorsFeature> feature(KrestConfig config, List<String> sockets) {
        Set<String> origins = split(config.getString(KrestConfig.ACCESS_CONTROL_ALLOW_ORIGIN));
        if (origins.isEmpty()) {
            return Optional.empty();
        }
        Set<String> methods = orDefault(split(config.getString(KrestConfig.ACCESS_CONTROL_ALLOW_METHODS)),
                DEFAULT_METHODS);
        Set<String> headers = orDefault(split(config.getString(KrestConfig.ACCESS_CONTROL_ALLOW_HEADERS)),
                DEFAULT_HEADERS);
        Set<String> expose = split(config.getString(KrestConfig.ACCESS_CONTROL_EXPOSE_HEADERS));
        return Optional.of(CorsFeature.create(cors -> cors
                .sockets(new LinkedHashSet<>(sockets))
                .addDefaults(false)
                .addPath(path -> path
                        .pathPattern("/*")
                        .allowOrigins(origins)
                        .allowMethods(methods)
                        .allowHeaders(withBrowserLists(headers))
                        .exposeHeaders(expose))));
    }

    /**
     * The origins a browser's WebSocket may come from, besides the request's own {@code Host}: the exact origins of
     * {@code access.control.allow.origin}, so that the pages CORS lets in may open sockets too. Helidon checks a
     * WebSocket's {@code Origin} against this list and has no wildcard, so {@code *} adds nothing: with it, or
     * without CORS, only same-host pages (and clients that send no {@code Origin}) can open one.
     *
     * @param config krest configuration
     * @return the exact origins, empty for none
     */
    public static Set<String> webSocketOrigins(KrestConfig config) {
        Set<String> origins = split(config.getString(KrestConfig.ACCESS_CONTROL_ALLOW_ORIGIN));
        origins.remove("*");
        return origins;
    }

    /**
     * Ends CORS preflight requests that Helidon's CORS filter accepted with an empty 200, before krest's catch-all
     * 404: the filter sets the {@code Access-Control-*} headers and then lets the routing answer. Other
     * {@code OPTIONS} requests go on to the routes. Call before the catch-all, only when CORS is on.
     *
     * @param routing the routing being built
     */
    public static void answerPreflights(io.helidon.webserver.http.HttpRouting.Builder routing) {
        routing.options("/*", (req, res) -> {
            if (req.headers().contains(io.helidon.http.HeaderNames.ORIGIN)
                    && req.headers().contains(io.helidon.http.HeaderNames.ACCESS_CONTROL_REQUEST_METHOD)) {
                res.send();
            } else {
                res.next();
            }
        });
    }

    /**
     * @param config krest configuration
     * @return whether CORS is on ({@code access.control.allow.origin} set)
     */
    public static boolean enabled(KrestConfig config) {
        return !split(config.getString(KrestConfig.ACCESS_CONTROL_ALLOW_ORIGIN)).isEmpty();
    }

    /**
     * The allowed headers plus every list of two or more of them as a browser writes it in a preflight's
     * {@code Access-Control-Request-Headers}: lowercased, sorted and joined by a comma without a space (Fetch
     * standard, "CORS-unsafe request-header names"). Helidon 4.5 splits that header only at {@code ", "}, so
     * {@code authorization,content-type}, which every browser sends for a produce with a password, would otherwise
     * be one unknown header and the preflight a 403. Helidon compares header names without case and answers with
     * the requested names, so the added entries never appear in a response. A non-browser client that joins
     * unsorted names by a bare comma is still refused (it can write {@code ", "}). With more than
     * {@value #MAX_JOINED_HEADERS} allowed headers only the single names are added (2^n lists).
     *
     * @param headers the allowed header names ({@code *} for any)
     * @return the names to give Helidon
     */
    static Set<String> withBrowserLists(Set<String> headers) {
        if (headers.contains("*") || headers.size() < 2 || headers.size() > MAX_JOINED_HEADERS) {
            return headers;
        }
        List<String> names = headers.stream().map(h -> h.toLowerCase(Locale.ROOT)).distinct().sorted().toList();
        Set<String> all = new LinkedHashSet<>(headers);
        for (int subset = 1; subset < 1 << names.size(); subset++) {
            if (Integer.bitCount(subset) > 1) {
                List<String> chosen = new ArrayList<>();
                for (int i = 0; i < names.size(); i++) {
                    if ((subset & 1 << i) != 0) {
                        chosen.add(names.get(i));
                    }
                }
                all.add(String.join(",", chosen));
            }
        }
        return all;
    }

    private static Set<String> split(String value) {
        Set<String> items = new LinkedHashSet<>();
        Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(items::add);
        return items;
    }

    private static Set<String> orDefault(Set<String> items, List<String> defaults) {
        return items.isEmpty() ? new LinkedHashSet<>(defaults) : items;
    }
}
