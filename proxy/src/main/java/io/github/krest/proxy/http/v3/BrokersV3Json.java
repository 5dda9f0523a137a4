package io.github.krest.proxy.http.v3;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * v3 broker, broker config, cluster config and replica bodies, field names exactly as Confluent's
 * (Confluent's OpenAPI {@code BrokerData}, {@code BrokerConfigData},
 * {@code ClusterConfigData}, {@code ReplicaData}, {@code AlterConfigBatchRequest}; the synonym and update request
 * shared with topic configs are in {@link V3Json}).
 */
final class BrokersV3Json {
    private BrokersV3Json() {
    }

    /** KafkaBroker; {@code rack} is {@code null} when the broker has none. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Broker(@JsonProperty("kind") String kind,
                  @JsonProperty("metadata") V3Json.ResourceMetadata metadata,
                  @JsonProperty("cluster_id") String clusterId,
                  @JsonProperty("broker_id") int brokerId,
                  @JsonProperty("host") String host,
                  @JsonProperty("port") int port,
                  @JsonProperty("rack") String rack,
                  @JsonProperty("configs") V3Json.Related configs,
                  @JsonProperty("partition_replicas") V3Json.Related partitionReplicas) {
    }

    /** KafkaBrokerConfig; {@code value} is {@code null} when sensitive or unset. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record BrokerConfig(@JsonProperty("kind") String kind,
                        @JsonProperty("metadata") V3Json.ResourceMetadata metadata,
                        @JsonProperty("cluster_id") String clusterId,
                        @JsonProperty("broker_id") int brokerId,
                        @JsonProperty("name") String name,
                        @JsonProperty("value") String value,
                        @JsonProperty("is_default") boolean isDefault,
                        @JsonProperty("is_read_only") boolean isReadOnly,
                        @JsonProperty("is_sensitive") boolean isSensitive,
                        @JsonProperty("source") String source,
                        @JsonProperty("synonyms") List<V3Json.ConfigSynonym> synonyms) {
    }

    /** KafkaClusterConfig: a dynamic cluster-wide default; {@code config_type} is always {@code BROKER}. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ClusterConfig(@JsonProperty("kind") String kind,
                         @JsonProperty("metadata") V3Json.ResourceMetadata metadata,
                         @JsonProperty("cluster_id") String clusterId,
                         @JsonProperty("config_type") String configType,
                         @JsonProperty("name") String name,
                         @JsonProperty("value") String value,
                         @JsonProperty("is_default") boolean isDefault,
                         @JsonProperty("is_read_only") boolean isReadOnly,
                         @JsonProperty("is_sensitive") boolean isSensitive,
                         @JsonProperty("source") String source,
                         @JsonProperty("synonyms") List<V3Json.ConfigSynonym> synonyms) {
    }

    /** KafkaReplica. */
    record Replica(@JsonProperty("kind") String kind,
                   @JsonProperty("metadata") V3Json.ResourceMetadata metadata,
                   @JsonProperty("cluster_id") String clusterId,
                   @JsonProperty("topic_name") String topicName,
                   @JsonProperty("partition_id") int partitionId,
                   @JsonProperty("broker_id") int brokerId,
                   @JsonProperty("is_leader") boolean isLeader,
                   @JsonProperty("is_in_sync") boolean isInSync,
                   @JsonProperty("broker") V3Json.Related broker) {
    }

    /** One entry of an {@code :alter} request; {@code operation} defaults to {@code SET}. */
    record AlterConfigEntry(@JsonProperty("name") String name,
                            @JsonProperty("value") String value,
                            @JsonProperty("operation") String operation) {
    }

    /** Request of POST {@code .../configs:alter}: {@code {"data": [...], "validate_only": false}}. */
    record AlterConfigsRequest(@JsonProperty("data") List<AlterConfigEntry> data,
                               @JsonProperty("validate_only") Boolean validateOnly) {
    }
}
