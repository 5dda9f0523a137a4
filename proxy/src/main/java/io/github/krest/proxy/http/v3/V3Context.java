package io.github.krest.proxy.http.v3;

import java.util.List;

/**
 * What a v3 handler needs to render resources for one request: the base URL (load balancer), the cluster id from
 * the path (already checked: 404 "Cluster X cannot be found." otherwise) and the CRN authority. Builds the parts of
 * Confluent's envelope (docs/api.md, "Conventions"): absolute URLs under
 * {@code <base>/v3/clusters/<id>/...}, CRNs {@code crn://<authority>/kafka=<id>/<type>=<name>/...}, relationship
 * objects and resource/collection metadata.
 *
 * @param base base URL without trailing slash, e.g. {@code http://lb:8082}
 * @param clusterId the cluster id
 * @param authority {@code confluent.resource.name.authority}, usually empty
 */
public record V3Context(String base, String clusterId, String authority) {

    /**
     * @param path segments after {@code /v3/clusters/<id>}, e.g. {@code "topics", "t1", "partitions"}
     * @return the absolute URL; segments are joined with {@code /} as given
     */
    public String url(String... path) {
        StringBuilder sb = new StringBuilder(base).append("/v3/clusters/").append(clusterId);
        for (String p : path) {
            sb.append('/').append(p);
        }
        return sb.toString();
    }

    /**
     * @param typesAndNames alternating CRN types and names after the cluster, e.g. {@code "topic", "t1",
     *                      "partition", "0"}
     * @return e.g. {@code crn:///kafka=<id>/topic=t1/partition=0}
     */
    public String crn(String... typesAndNames) {
        StringBuilder sb = new StringBuilder("crn://").append(authority).append("/kafka=").append(clusterId);
        for (int i = 0; i + 1 < typesAndNames.length; i += 2) {
            sb.append('/').append(typesAndNames[i]).append('=').append(typesAndNames[i + 1]);
        }
        return sb.toString();
    }

    /** @return {@code {"related": url(path)}} */
    public V3Json.Related related(String... path) {
        return new V3Json.Related(url(path));
    }

    /**
     * @param self the resource's absolute URL
     * @param crn its CRN
     * @return {@code {"self": ..., "resource_name": ...}}
     */
    public V3Json.ResourceMetadata metadata(String self, String crn) {
        return new V3Json.ResourceMetadata(self, crn);
    }

    /**
     * A collection envelope.
     *
     * @param kind e.g. {@code KafkaTopicList}
     * @param self the collection's absolute URL
     * @param data the resources
     * @param <T> resource type
     * @return {@code {"kind", "metadata": {"self", "next": null}, "data"}}
     */
    public <T> V3Json.ListResponse<T> list(String kind, String self, List<T> data) {
        return new V3Json.ListResponse<>(kind, new V3Json.CollectionMetadata(self, null), data);
    }
}
