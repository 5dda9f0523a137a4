package io.github.krest.proxy.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import io.github.krest.proxy.format.EmbeddedFormat;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;

/**
 * Confluent's resource name of every endpoint (docs/api.md, "API served"; the names
 * {@code api.endpoints.allowlist} / {@code blocklist} use), resolved from a request's method and path. v2 produce and
 * consume names end in the embedded format, taken from {@code Content-Type} / {@code Accept}
 * (e.g. {@code api.v2.produce-to-topic.binary}); a consume request whose {@code Accept} names none is named for the
 * instance's format once its poll knows it ({@link #consumedAs}).
 */
public final class ResourceNames {
    private static final String INSTANCE = "/consumers/{group}/instances/{instance}";
    private static final String C = "/v3/clusters/{C}";
    private static final String OBSERVE = "/observe";

    /** One endpoint: method, path template and resource name ({@code *} = the format suffix). */
    public record Route(String method, String template, String name, Pattern pattern) {
        static Route of(String method, String template, String name) {
            String regex = Pattern.quote(template).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q");
            return new Route(method, template, name, Pattern.compile(regex + "/?"));
        }
    }

    /** Every endpoint krest knows, literal ({@code -}) paths before parameterised ones. */
    public static final List<Route> ROUTES = sorted(List.of(
            Route.of("GET", "/", "api.v2.root.get"),
            Route.of("POST", "/", "api.v2.root.post"),
            Route.of("GET", "/topics", "api.v2.topics.list"),
            Route.of("GET", "/topics/{topic}", "api.v2.topics.get"),
            Route.of("POST", "/topics/{topic}", "api.v2.produce-to-topic.*"),
            Route.of("GET", "/topics/{topic}/partitions", "api.v2.partitions.list"),
            Route.of("GET", "/topics/{topic}/partitions/{partition}", "api.v2.partitions.get"),
            Route.of("GET", "/topics/{topic}/partitions/{partition}/offsets", "api.v2.partitions.get-offsets"),
            Route.of("GET", "/topics/{topic}/partitions/{partition}/records", "api.v2.partitions.consume-*"),
            Route.of("POST", "/topics/{topic}/partitions/{partition}", "api.v2.produce-to-partition.*"),
            Route.of("GET", "/brokers", "api.v2.brokers.list"),
            Route.of("POST", "/consumers/{group}", "api.v2.consumers.create"),
            Route.of("DELETE", INSTANCE, "api.v2.consumers.delete"),
            Route.of("POST", INSTANCE + "/subscription", "api.v2.consumers.subscribe"),
            Route.of("GET", INSTANCE + "/subscription", "api.v2.consumers.get-subscription"),
            Route.of("DELETE", INSTANCE + "/subscription", "api.v2.consumers.unsubscribe"),
            Route.of("POST", INSTANCE + "/assignments", "api.v2.consumers.assign"),
            Route.of("GET", INSTANCE + "/assignments", "api.v2.consumers.get-assignments"),
            Route.of("POST", INSTANCE + "/positions", "api.v2.consumers.seek-to-offset"),
            Route.of("POST", INSTANCE + "/positions/beginning", "api.v2.consumers.seek-to-beginning"),
            Route.of("POST", INSTANCE + "/positions/end", "api.v2.consumers.seek-to-end"),
            Route.of("GET", INSTANCE + "/records", "api.v2.consumers.consume-*"),
            Route.of("POST", INSTANCE + "/offsets", "api.v2.consumers.commit-offsets"),
            Route.of("GET", INSTANCE + "/offsets", "api.v2.consumers.get-committed-offsets"),
            Route.of("GET", "/v3/clusters", "api.v3.clusters.list"),
            Route.of("GET", C, "api.v3.clusters.get"),
            Route.of("GET", C + "/brokers", "api.v3.brokers.list"),
            Route.of("GET", C + "/brokers/{broker_id}", "api.v3.brokers.get"),
            Route.of("GET", C + "/brokers/{broker_id}/configs", "api.v3.broker-configs.list"),
            Route.of("GET", C + "/brokers/{broker_id}/configs/{name}", "api.v3.broker-configs.get"),
            Route.of("PUT", C + "/brokers/{broker_id}/configs/{name}", "api.v3.broker-configs.update"),
            Route.of("DELETE", C + "/brokers/{broker_id}/configs/{name}", "api.v3.broker-configs.delete"),
            Route.of("POST", C + "/brokers/{broker_id}/configs:alter", "api.v3.broker-configs.alter"),
            Route.of("GET", C + "/brokers/-/configs", "api.v3.brokers-configs.list"),
            Route.of("GET", C + "/brokers/{broker_id}/partition-replicas", "api.v3.replicas.search-by-broker"),
            Route.of("GET", C + "/broker-configs", "api.v3.cluster-configs.list"),
            Route.of("GET", C + "/broker-configs/{name}", "api.v3.cluster-configs.get"),
            Route.of("PUT", C + "/broker-configs/{name}", "api.v3.cluster-configs.update"),
            Route.of("DELETE", C + "/broker-configs/{name}", "api.v3.cluster-configs.delete"),
            Route.of("POST", C + "/broker-configs:alter", "api.v3.cluster-configs.alter"),
            Route.of("GET", C + "/topics", "api.v3.topics.list"),
            Route.of("POST", C + "/topics", "api.v3.topics.create"),
            Route.of("GET", C + "/topics/{t}", "api.v3.topics.get"),
            Route.of("PATCH", C + "/topics/{t}", "api.v3.topics.partitions"),
            Route.of("DELETE", C + "/topics/{t}", "api.v3.topics.delete"),
            Route.of("GET", C + "/topics/{t}/configs", "api.v3.topic-configs.list"),
            Route.of("GET", C + "/topics/{t}/configs/{name}", "api.v3.topic-configs.get"),
            Route.of("PUT", C + "/topics/{t}/configs/{name}", "api.v3.topic-configs.update"),
            Route.of("DELETE", C + "/topics/{t}/configs/{name}", "api.v3.topic-configs.delete"),
            Route.of("POST", C + "/topics/{t}/configs:alter", "api.v3.topic-configs.alter"),
            Route.of("POST", C + "/topics/-/configs:alter", "api.v3.topic-configs.alter-multi"),
            Route.of("GET", C + "/topics/-/configs", "api.v3.topic-configs.list"),
            Route.of("GET", C + "/topics/{t}/partitions", "api.v3.partitions.list"),
            Route.of("GET", C + "/topics/{t}/partitions/{p}", "api.v3.partitions.get"),
            Route.of("GET", C + "/topics/{t}/partitions/{p}/offset", "api.v3.partitions.list.offsets"),
            Route.of("GET", C + "/topics/{t}/partitions/{p}/replicas", "api.v3.replicas.list"),
            Route.of("GET", C + "/topics/{t}/partitions/{p}/replicas/{broker_id}", "api.v3.replicas.get"),
            Route.of("GET", C + "/topics/-/partitions/-/reassignment", "api.v3.partition-reassignments.list"),
            Route.of("GET", C + "/topics/{t}/partitions/-/reassignment",
                    "api.v3.partition-reassignments.search-by-topic"),
            Route.of("GET", C + "/topics/{t}/partitions/{p}/reassignment", "api.v3.partition-reassignments.get"),
            Route.of("GET", C + "/consumer-groups", "api.v3.consumer-groups.list"),
            Route.of("GET", C + "/consumer-groups/{g}", "api.v3.consumer-groups.get"),
            Route.of("GET", C + "/consumer-groups/{g}/consumers", "api.v3.consumers.list"),
            Route.of("GET", C + "/consumer-groups/{g}/consumers/{consumer_id}", "api.v3.consumers.get"),
            Route.of("GET", C + "/consumer-groups/{g}/consumers/{consumer_id}/assignments",
                    "api.v3.consumer-assignments.list"),
            Route.of("GET", C + "/consumer-groups/{g}/consumers/{consumer_id}/assignments/{t}/partitions/{p}",
                    "api.v3.consumer-assignments.get"),
            Route.of("GET", C + "/consumer-groups/{g}/lags", "api.v3.consumer-lags.list"),
            Route.of("GET", C + "/consumer-groups/{g}/lags/{t}/partitions/{p}", "api.v3.consumer-lags.get"),
            Route.of("GET", C + "/consumer-groups/{g}/lag-summary", "api.v3.consumer-group-lag-summary.get"),
            Route.of("GET", C + "/acls", "api.v3.acls.list"),
            Route.of("POST", C + "/acls", "api.v3.acls.create"),
            Route.of("POST", C + "/acls:batch", "api.v3.acls.batch-create"),
            Route.of("DELETE", C + "/acls", "api.v3.acls.delete"),
            Route.of("POST", C + "/topics/{t}/records", "api.v3.produce.produce-to-topic"),
            Route.of("POST", C + "/topics/{t}/records:batch", "api.v3.batch-produce.produce-to-topic")));

    private ResourceNames() {
    }

    private static List<Route> sorted(List<Route> routes) {
        List<Route> list = new ArrayList<>(routes);
        // a literal "-" segment must win over a {parameter} in the same position
        list.sort(Comparator.comparingInt((Route r) -> r.template().contains("/-") ? 0 : 1));
        return List.copyOf(list);
    }

    /**
     * The endpoints served as WebSockets ({@code Upgrade: websocket} on a GET), named apart from the plain requests
     * of the same path (names below {@code api.v2.consumers.*} and {@code api.v3.produce.*}, so that those prefixes
     * in an access list cover them too).
     */
    public static final List<Route> WEBSOCKET_ROUTES = List.of(
            Route.of("GET", INSTANCE + "/records", "api.v2.consumers.consume-websocket"),
            Route.of("GET", C + "/topics/{t}/records", "api.v3.produce.produce-to-topic-websocket"));

    /** The name of a v2 consume request, without its format. */
    private static final String CONSUME = "api.v2.consumers.consume-";

    /**
     * A request's resolved name, kept in its context so filters resolve each request once; a consume request's
     * format may be settled later ({@link #consumedAs}).
     */
    private static final class Resolved {
        private Optional<String> name;

        Resolved(Optional<String> name) {
            this.name = name;
        }
    }

    /**
     * The resource name of a request, resolved once per request (the access lists, rate limits and metrics all ask).
     *
     * @param req the request
     * @return the resource name, empty for a path krest does not serve
     */
    public static Optional<String> of(ServerRequest req) {
        return resolved(req).name;
    }

    /**
     * Settles the format of a v2 consume request ({@code GET .../records}) once the poll knows the instance's: a
     * request whose {@code Accept} names no embedded format (a record stream, {@code *}{@code /*}) is named for
     * the format it is answered in, not for binary, in the access log and metrics from then on.
     *
     * @param req the request
     * @param format the instance's format
     */
    public static void consumedAs(ServerRequest req, EmbeddedFormat format) {
        Resolved resolved = resolved(req);
        if (resolved.name.filter(n -> n.startsWith(CONSUME) && !n.endsWith("-websocket")).isPresent()) {
            resolved.name = Optional.of(CONSUME + format.resourceSuffix());
        }
    }

    private static Resolved resolved(ServerRequest req) {
        Optional<Resolved> cached = req.context().get(Resolved.class);
        if (cached.isPresent()) {
            return cached.get();
        }
        Resolved resolved = new Resolved(WebSocketUpgrades.requested(req)
                ? resolveWebSocket(req.prologue().method().text(), req.path().path())
                : resolve(req.prologue().method().text(), req.path().path(), parsedContentType(req),
                parsedAccept(req)));
        req.context().register(resolved);
        return resolved;
    }

    /**
     * The media type of {@code Content-Type}; empty when it is absent or cannot be parsed, which the handler answers
     * (this runs after the response too, from the request observer, where it must not throw).
     */
    private static Optional<String> parsedContentType(ServerRequest req) {
        try {
            return req.headers().contentType().map(t -> t.mediaType().text());
        } catch (RuntimeException unparsable) {
            return Optional.empty();
        }
    }

    /** The media types of {@code Accept}; empty when it cannot be parsed. */
    private static List<String> parsedAccept(ServerRequest req) {
        try {
            return req.headers().acceptedTypes().stream().map(HttpMediaType::text).toList();
        } catch (RuntimeException unparsable) {
            return List.of();
        }
    }

    /**
     * @param method HTTP method
     * @param path request path (decoded)
     * @param contentType the request's media type, lower-case, for v2 produce names
     * @param accept the accepted media types' text, for v2 consume names
     * @return the resource name, empty for a path krest does not serve
     */
    public static Optional<String> resolve(String method, String path, Optional<String> contentType,
                                           List<String> accept) {
        for (Route route : ROUTES) {
            if (route.method().equals(method) && route.pattern().matcher(path).matches()) {
                String name = route.name();
                if (name.endsWith("*")) {
                    Optional<EmbeddedFormat> format = name.contains("consume")
                            ? accept.stream().map(a -> EmbeddedFormat.ofProduceContentType(a.toLowerCase(Locale.ROOT)))
                            .flatMap(Optional::stream).findFirst()
                            : contentType.flatMap(EmbeddedFormat::ofProduceContentType);
                    name = name.substring(0, name.length() - 1)
                            + format.orElse(EmbeddedFormat.BINARY).resourceSuffix();
                }
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether a path is below {@code /observe} (metrics scrapes, health probes): not an API request, so neither
     * measured, logged nor traced.
     *
     * @param path request path (decoded)
     * @return whether it is {@code /observe} or below it
     */
    public static boolean observe(String path) {
        return path.equals(OBSERVE) || path.startsWith(OBSERVE + "/");
    }

    /**
     * The resource name of a WebSocket upgrade (access lists, rate limits, metrics and the access log name it).
     *
     * @param method HTTP method of an upgrade request
     * @param path request path (decoded)
     * @return the WebSocket's resource name, empty for a path krest serves no WebSocket at
     */
    public static Optional<String> resolveWebSocket(String method, String path) {
        return WEBSOCKET_ROUTES.stream().filter(r -> r.method().equals(method) && r.pattern().matcher(path).matches())
                .map(Route::name).findFirst();
    }

    /**
     * The methods krest serves at a path, for {@code OPTIONS}.
     *
     * @param path request path (decoded), with or without a trailing {@code /}
     * @return e.g. {@code [GET, POST]}, sorted; empty for a path krest does not serve
     */
    public static Set<String> methods(String path) {
        Set<String> methods = new TreeSet<>();
        for (Route route : ROUTES) {
            if (route.pattern().matcher(path).matches()) {
                methods.add(route.method());
            }
        }
        return methods;
    }

    /**
     * Whether {@code name} matches an access list entry: the name itself, or a prefix ending in {@code .*}
     * ({@code api.v3.acls.*}).
     *
     * @param entry a configured entry
     * @param name a resource name
     * @return whether it matches
     */
    public static boolean matches(String entry, String name) {
        String e = entry.trim();
        if (e.endsWith(".*")) {
            return name.startsWith(e.substring(0, e.length() - 1));
        }
        return e.equals(name);
    }
}
