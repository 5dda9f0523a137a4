package io.github.krest.proxy.http;

import io.github.krest.proxy.error.RestException;
import io.helidon.webserver.http.ServerRequest;

/** Typed path parameters. */
public final class PathParams {
    private PathParams() {
    }

    /**
     * The {@code {partition}} path parameter.
     *
     * @param req the request
     * @param topic the topic, for the message
     * @return the partition id
     * @throws RestException 404/40402 when it is not a non-negative integer (as Jersey answers 404 for an
     *         unparseable {@code int} path parameter)
     */
    public static int partition(ServerRequest req, String topic) {
        String raw = req.path().pathParameters().get("partition");
        try {
            int partition = Integer.parseInt(raw);
            if (partition >= 0) {
                return partition;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new RestException(io.github.krest.proxy.error.ErrorCode.PARTITION_NOT_FOUND,
                "Partition " + raw + " of topic " + topic + " not found.");
    }

}
