package io.github.krest.proxy.http.v3;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.github.krest.proxy.core.MetadataService;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;

/**
 * The one Kafka cluster krest serves: its id (fetched once, then cached) and CRNs
 * ({@code crn://<confluent.resource.name.authority>/kafka=<id>}).
 */
final class Clusters {
    private final MetadataService metadata;
    private final String authority;
    private volatile String clusterId;

    /**
     * @param metadata the service principal's metadata: the cluster id is the same for every caller
     * @param authority {@code confluent.resource.name.authority}
     */
    Clusters(MetadataService metadata, String authority) {
        this.metadata = metadata;
        this.authority = authority;
    }

    /** @return the cluster id */
    String clusterId() {
        String id = clusterId;
        if (id == null) {
            id = metadata.clusterId();
            clusterId = id;
        }
        return id;
    }

    /**
     * @param id the {@code cluster_id} path parameter
     * @return {@code id}
     * @throws RestException 404/404 "Cluster X cannot be found." when it is not this cluster
     */
    String require(String id) {
        if (!clusterId().equals(id)) {
            throw new RestException(ErrorCode.NOT_FOUND, "Cluster " + id + " cannot be found.");
        }
        return id;
    }

    /** @return the id of the broker the service principal's admin client reports as controller, if any */
    Optional<Integer> controllerId() {
        try {
            var controller = metadata.admin().describeCluster().controller().get(30, TimeUnit.SECONDS);
            return controller == null || controller.isEmpty() ? Optional.empty() : Optional.of(controller.id());
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /**
     * Checks the request's {@code cluster_id} path parameter and builds the rendering context.
     *
     * @param req the request
     * @param urls base URL builder
     * @return the context
     * @throws RestException 404/404 "Cluster X cannot be found." for another id
     */
    V3Context context(io.helidon.webserver.http.ServerRequest req, io.github.krest.proxy.http.BaseUrls urls) {
        String id = require(req.path().pathParameters().get("cluster_id"));
        return new V3Context(urls.base(req), id, authority);
    }

    /** @return the CRN of the cluster */
    String crn(String id) {
        return "crn://" + authority + "/kafka=" + id;
    }
}
