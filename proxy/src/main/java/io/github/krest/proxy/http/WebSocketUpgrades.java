package io.github.krest.proxy.http;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http.spi.ProtocolUpgradeHandler;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;

/**
 * WebSocket upgrades of paths that also serve plain HTTP ({@code GET .../records}, and
 * {@code /v3/clusters/{C}/topics/{t}/records} whose plain method is POST), with every HTTP filter applied to the
 * upgrade request.
 *
 * <p>Helidon 4.5 routes a WebSocket upgrade by path in a {@link WsRouting}; when that routing has the path, the
 * upgrade request first passes the HTTP routing's filters (request observer, authentication, access lists, rate
 * limits: a filter that answers, 401 say, answers the upgrade as plain HTTP and no socket opens) and then the HTTP
 * routes whose handler is a {@link ProtocolUpgradeHandler}; only when those call {@code next()} is the upgrade
 * made. A route of {@link #route} is such a handler: it builds the socket's listener from the routed request (its
 * path parameters, query and authenticated caller, which a {@link WsListener} never sees) and hands it to the
 * {@link WsRouting} endpoint of {@link #endpoint}, which Helidon asks for the listener next, on the same thread.
 * Plain requests pass the route by ({@code next()}) to the path's ordinary handlers.
 */
public final class WebSocketUpgrades {
    /** The listener built for the upgrade being routed on this thread (one connection's thread). */
    private static final ThreadLocal<WsListener> PENDING = new ThreadLocal<>();

    private WebSocketUpgrades() {
    }

    /**
     * @param req a request
     * @return whether it asks for a WebSocket ({@code Upgrade: websocket})
     */
    public static boolean requested(ServerRequest req) {
        return req.headers().first(HeaderNames.UPGRADE).filter(u -> u.equalsIgnoreCase("websocket")).isPresent();
    }

    /**
     * Adds the HTTP side of a WebSocket path: a GET route that only upgrade requests stop at.
     *
     * @param rules the HTTP rules
     * @param path the path template, the same as the {@link #endpoint} one
     * @param listener builds the socket's listener from the upgrade request after the filters passed it; may throw
     *                 a {@link io.github.krest.proxy.error.RestException}, which answers the upgrade as JSON
     */
    public static void route(HttpRules rules, String path, Function<ServerRequest, WsListener> listener) {
        rules.get(path, new Upgrade(listener));
    }

    /**
     * Adds the WebSocket side of a path that {@link #route} registered.
     *
     * @param routing the WebSocket routing of a listener
     * @param path the path template
     */
    public static void endpoint(WsRouting.Builder routing, String path) {
        routing.endpoint(path, (Supplier<WsListener>) WebSocketUpgrades::take);
    }

    /** @return the listener {@link Upgrade} built on this thread, or one that refuses the upgrade */
    private static WsListener take() {
        WsListener listener = PENDING.get();
        PENDING.remove();
        return listener != null ? listener : Refused.INSTANCE;
    }

    /** The HTTP route of a WebSocket path. */
    private record Upgrade(Function<ServerRequest, WsListener> listener) implements ProtocolUpgradeHandler {
        @Override
        public void handle(ServerRequest req, ServerResponse res) {
            // a plain request on a connection whose earlier upgrade Helidon gave up after this route: drop its listener
            PENDING.remove();
            res.next();
        }

        @Override
        public void handleProtocolUpgrade(ServerRequest req, ServerResponse res) {
            WsListener built = listener.apply(req);
            PENDING.set(built);
            // what the request observer logs and counts for the upgrade; Helidon writes the 101 itself
            res.status(Status.SWITCHING_PROTOCOLS_101);
            res.next();
        }
    }

    /**
     * The listener of an upgrade no route prepared (the API it belongs to is disabled, say): refused with 400, as
     * Helidon answers a refused upgrade.
     */
    private enum Refused implements WsListener {
        INSTANCE;

        @Override
        public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
            throw new WsUpgradeException("No WebSocket is served at " + prologue.uriPath().path());
        }

        @Override
        public void onOpen(WsSession session) {
            session.close(1011, "not served");
        }
    }
}
