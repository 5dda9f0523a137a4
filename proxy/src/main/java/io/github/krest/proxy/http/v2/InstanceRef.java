package io.github.krest.proxy.http.v2;

import io.github.krest.proxy.caller.Caller;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.helidon.webserver.http.ServerRequest;

/**
 * The consumer instance a v2 request addresses, {@code /consumers/{group}/instances/{instance}}, and who asks.
 *
 * @param group the consumer group
 * @param instance the instance's name in the group
 * @param caller the authenticated caller (its principal owns the instances it creates); anonymous without
 *     authentication
 */
record InstanceRef(String group, String instance, KafkaIdentity caller) {
    /** The path of every request to one instance, below the v2 root. */
    static final String PATH = "/consumers/{group}/instances/{instance}";

    /**
     * @param req a request routed by a pattern below {@link #PATH}
     * @return its instance and caller
     */
    static InstanceRef of(ServerRequest req) {
        return new InstanceRef(req.path().pathParameters().get("group"),
                req.path().pathParameters().get("instance"), Caller.of(req).kafkaIdentity());
    }

    /** @return {@code group/instance}, for logs */
    @Override
    public String toString() {
        return group + "/" + instance;
    }
}
