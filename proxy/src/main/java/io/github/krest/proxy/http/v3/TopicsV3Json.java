package io.github.krest.proxy.http.v3;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * v3 topic, topic config, partition, replica and reassignment bodies, field names exactly as Confluent's.
 */
final class TopicsV3Json {
    private TopicsV3Json() {
    }

    /** KafkaTopic. {@code authorized_operations} is always present, {@code []} unless requested. */
    record Topic(@JsonProperty("kind") String kind,
                 @JsonProperty("metadata") V3Json.ResourceMetadata metadata,
                 @JsonProperty("cluster_id") String clusterId,
                 @JsonProperty("topic_name") String topicName,
                 @JsonProperty("is_internal") boolean internal,
                 @JsonProperty("replication_factor") int replicationFactor,
                 @JsonProperty("partitions_count") int partitionsCount,
                 @JsonProperty("partitions") V3Json.Related partitions,
                 @JsonProperty("configs") V3Json.Related configs,
                 @JsonProperty("partition_reassignments") V3Json.Related partitionReassignments,
                 @JsonProperty("authorized_operations") List<String> authorizedOperations) {
    }

    /** KafkaTopicConfig; {@code value} is null for a sensitive config. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record TopicConfig(@JsonProperty("kind") String kind,
                       @JsonProperty("metadata") V3Json.ResourceMetadata metadata,
                       @JsonProperty("cluster_id") String clusterId,
                       @JsonProperty("topic_name") String topicName,
                       @JsonProperty("name") String name,
                       @JsonProperty("value") String value,
                       @JsonProperty("is_default") boolean isDefault,
                       @JsonProperty("is_read_only") boolean readOnly,
                       @JsonProperty("is_sensitive") boolean sensitive,
                       @JsonProperty("source") String source,
                       @JsonProperty("synonyms") List<V3Json.ConfigSynonym> synonyms) {
    }

    /** KafkaPartition; {@code leader} is null when the partition has no leader. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Partition(@JsonProperty("kind") String kind,
                     @JsonProperty("metadata") V3Json.ResourceMetadata metadata,
                     @JsonProperty("cluster_id") String clusterId,
                     @JsonProperty("topic_name") String topicName,
                     @JsonProperty("partition_id") int partitionId,
                     @JsonProperty("leader") V3Json.Related leader,
                     @JsonProperty("replicas") V3Json.Related replicas,
                     @JsonProperty("reassignment") V3Json.Related reassignment) {
    }

    /** KafkaPartitionWithOffsets. */
    record PartitionWithOffsets(@JsonProperty("kind") String kind,
                                @JsonProperty("metadata") V3Json.ResourceMetadata metadata,
                                @JsonProperty("cluster_id") String clusterId,
                                @JsonProperty("topic_name") String topicName,
                                @JsonProperty("partition_id") int partitionId,
                                @JsonProperty("earliest_offset") long earliestOffset,
                                @JsonProperty("latest_offset") long latestOffset) {
    }

    /** KafkaReplica. */
    record Replica(@JsonProperty("kind") String kind,
                   @JsonProperty("metadata") V3Json.ResourceMetadata metadata,
                   @JsonProperty("cluster_id") String clusterId,
                   @JsonProperty("topic_name") String topicName,
                   @JsonProperty("partition_id") int partitionId,
                   @JsonProperty("broker_id") int brokerId,
                   @JsonProperty("is_leader") boolean leader,
                   @JsonProperty("is_in_sync") boolean inSync,
                   @JsonProperty("broker") V3Json.Related broker) {
    }

    /** KafkaReassignment. */
    record Reassignment(@JsonProperty("kind") String kind,
                        @JsonProperty("metadata") V3Json.ResourceMetadata metadata,
                        @JsonProperty("cluster_id") String clusterId,
                        @JsonProperty("topic_name") String topicName,
                        @JsonProperty("partition_id") int partitionId,
                        @JsonProperty("adding_replicas") List<Integer> addingReplicas,
                        @JsonProperty("removing_replicas") List<Integer> removingReplicas,
                        @JsonProperty("replicas") V3Json.Related replicas) {
    }

    /** {@code {"name", "value"}} of a create-topic request. */
    record ConfigValue(@JsonProperty("name") String name, @JsonProperty("value") String value) {
    }

    /** Confluent {@code CreateTopicRequest}. */
    record CreateTopicRequest(@JsonProperty("topic_name") String topicName,
                              @JsonProperty("partitions_count") Integer partitionsCount,
                              @JsonProperty("replication_factor") Integer replicationFactor,
                              @JsonProperty("replicas_assignments") Map<String, List<Integer>> replicasAssignments,
                              @JsonProperty("configs") List<ConfigValue> configs,
                              @JsonProperty("validate_only") Boolean validateOnly) {
    }

    /** Confluent {@code UpdatePartitionCountRequest}. */
    record UpdatePartitionCountRequest(@JsonProperty("partitions_count") Integer partitionsCount) {
    }

    /** One entry of {@code configs:alter}: operation {@code SET} (default) or {@code DELETE}. */
    record AlterEntry(@JsonProperty("name") String name,
                      @JsonProperty("value") String value,
                      @JsonProperty("operation") String operation) {
    }

    /** Confluent {@code AlterConfigBatchRequestData}. */
    record AlterConfigBatchRequest(@JsonProperty("data") List<AlterEntry> data,
                                   @JsonProperty("validate_only") Boolean validateOnly) {
    }

    /** One topic of {@code topics/-/configs:alter}. */
    record TopicAlterEntry(@JsonProperty("topic_name") String topicName,
                           @JsonProperty("configs") List<AlterEntry> configs) {
    }

    /** Body of {@code topics/-/configs:alter}. */
    record AlterTopicsConfigsRequest(@JsonProperty("data") List<TopicAlterEntry> data,
                                     @JsonProperty("validate_only") Boolean validateOnly) {
    }

    /** One failed topic of {@code topics/-/configs:alter}. */
    record TopicFailure(@JsonProperty("topic_name") String topicName,
                        @JsonProperty("error_code") int errorCode,
                        @JsonProperty("message") String message) {
    }

    /** The 207 body of {@code topics/-/configs:alter}. */
    record AlterFailures(@JsonProperty("failures") List<TopicFailure> failures) {
    }
}
