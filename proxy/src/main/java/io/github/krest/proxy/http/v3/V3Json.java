package io.github.krest.proxy.http.v3;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** v3 response bodies, field names exactly as Confluent's. */
final class V3Json {
    private V3Json() {
    }

    /** {@code {"related": url}}. */
    record Related(@JsonProperty("related") String related) {
    }

    /** Resource metadata: {@code self} and {@code resource_name} (a CRN). */
    record ResourceMetadata(@JsonProperty("self") String self,
                            @JsonProperty("resource_name") String resourceName) {
    }

    /** Collection metadata: {@code self} and {@code next} (always null: no pagination). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record CollectionMetadata(@JsonProperty("self") String self, @JsonProperty("next") String next) {
    }

    /** KafkaCluster. */
    record Cluster(@JsonProperty("kind") String kind,
                   @JsonProperty("metadata") ResourceMetadata metadata,
                   @JsonProperty("cluster_id") String clusterId,
                   @JsonProperty("controller") Related controller,
                   @JsonProperty("acls") Related acls,
                   @JsonProperty("brokers") Related brokers,
                   @JsonProperty("broker_configs") Related brokerConfigs,
                   @JsonProperty("consumer_groups") Related consumerGroups,
                   @JsonProperty("topics") Related topics,
                   @JsonProperty("partition_reassignments") Related partitionReassignments) {
    }

    /** A collection: {@code {"kind": "...List", "metadata": {...}, "data": [...]}}. */
    record ListResponse<T>(@JsonProperty("kind") String kind,
                           @JsonProperty("metadata") CollectionMetadata metadata,
                           @JsonProperty("data") List<T> data) {
    }

    /** A config synonym (broker, cluster and topic configs); {@code value} is {@code null} when sensitive or unset. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ConfigSynonym(@JsonProperty("name") String name,
                         @JsonProperty("value") String value,
                         @JsonProperty("source") String source) {
    }

    /** Confluent {@code UpdateConfigRequest}, the body of PUT {@code .../configs/{name}}: {@code {"value": ...}}. */
    record UpdateConfigRequest(@JsonProperty("value") String value) {
    }
}
