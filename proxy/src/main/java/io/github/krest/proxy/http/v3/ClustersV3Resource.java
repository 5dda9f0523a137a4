package io.github.krest.proxy.http.v3;

import java.util.List;

import io.github.krest.proxy.http.BaseUrls;
import io.github.krest.proxy.http.ContentTypes;
import io.github.krest.proxy.http.Responses;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Confluent v3: {@code GET /v3/clusters} (api.v3.clusters.list, a one-element KafkaClusterList) and
 * {@code GET /v3/clusters/{cluster_id}} (api.v3.clusters.get; an unknown id answers 404/404
 * "Cluster X cannot be found.").
 */
final class ClustersV3Resource implements HttpService {
    private final Clusters clusters;
    private final BaseUrls urls;

    ClustersV3Resource(Clusters clusters, BaseUrls urls) {
        this.clusters = clusters;
        this.urls = urls;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v3/clusters", this::list).get("/v3/clusters/{cluster_id}", this::get);
    }

    private void list(ServerRequest req, ServerResponse res) {
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        String base = urls.base(req);
        Responses.json(res, Status.OK_200, type, new V3Json.ListResponse<>("KafkaClusterList",
                new V3Json.CollectionMetadata(base + "/v3/clusters", null),
                List.of(cluster(base, clusters.clusterId()))));
    }

    private void get(ServerRequest req, ServerResponse res) {
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        String id = clusters.require(req.path().pathParameters().get("cluster_id"));
        Responses.json(res, Status.OK_200, type, cluster(urls.base(req), id));
    }

    private V3Json.Cluster cluster(String base, String id) {
        String self = base + "/v3/clusters/" + id;
        return new V3Json.Cluster("KafkaCluster",
                new V3Json.ResourceMetadata(self, clusters.crn(id)),
                id,
                clusters.controllerId().map(c -> new V3Json.Related(self + "/brokers/" + c)).orElse(null),
                new V3Json.Related(self + "/acls"),
                new V3Json.Related(self + "/brokers"),
                new V3Json.Related(self + "/broker-configs"),
                new V3Json.Related(self + "/consumer-groups"),
                new V3Json.Related(self + "/topics"),
                new V3Json.Related(self + "/topics/-/partitions/-/reassignment"));
    }
}
