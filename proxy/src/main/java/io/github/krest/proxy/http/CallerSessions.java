package io.github.krest.proxy.http;

import io.github.krest.proxy.core.session.KafkaSession;
import io.github.krest.proxy.core.session.KafkaSessions;
import io.github.krest.proxy.caller.Caller;
import io.helidon.webserver.http.ServerRequest;

/**
 * The HTTP side of {@link KafkaSessions}: the Kafka session a request runs in, from the request's {@link Caller}.
 * Under {@code kafka.principal.propagation=NONE} this is the shared session, without reading the caller.
 */
public final class CallerSessions {
    private final KafkaSessions sessions;

    /** @param sessions the replica's sessions */
    public CallerSessions(KafkaSessions sessions) {
        this.sessions = sessions;
    }

    /**
     * @param req a request
     * @return the session of its caller
     * @throws io.github.krest.proxy.error.RestException 401/40101 when propagation is on and the caller has no
     *         credential it can use
     */
    public KafkaSession of(ServerRequest req) {
        return of(Caller.of(req));
    }

    /**
     * @param caller an authenticated caller (a WebSocket's, kept after its upgrade request)
     * @return the session of the caller
     * @throws io.github.krest.proxy.error.RestException as {@link #of(ServerRequest)}
     */
    public KafkaSession of(Caller caller) {
        if (!sessions.propagating()) {
            return sessions.service();
        }
        return sessions.session(caller.kafkaIdentity());
    }

    /** @return the sessions */
    public KafkaSessions sessions() {
        return sessions;
    }
}
