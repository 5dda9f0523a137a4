package io.github.krest.proxy.http.v3;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * v3 consumer group bodies, field names exactly as Confluent's {@code ConsumerGroupData}, {@code ConsumerData},
 * {@code ConsumerAssignmentData}, {@code ConsumerLagData} and {@code ConsumerGroupLagSummaryData}.
 */
final class ConsumerGroupsV3Json {
    private ConsumerGroupsV3Json() {
    }

    /** KafkaConsumerGroup; {@code coordinator} is null when Kafka reports none. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ConsumerGroup(@JsonProperty("kind") String kind,
                         @JsonProperty("metadata") V3Json.ResourceMetadata metadata,
                         @JsonProperty("cluster_id") String clusterId,
                         @JsonProperty("consumer_group_id") String consumerGroupId,
                         @JsonProperty("is_simple") boolean isSimple,
                         @JsonProperty("partition_assignor") String partitionAssignor,
                         @JsonProperty("state") String state,
                         @JsonProperty("type") String type,
                         @JsonProperty("is_mixed_consumer_group") boolean isMixedConsumerGroup,
                         @JsonProperty("coordinator") V3Json.Related coordinator,
                         @JsonProperty("consumers") V3Json.Related consumers,
                         @JsonProperty("lag_summary") V3Json.Related lagSummary) {
    }

    /** KafkaConsumer; {@code instance_id} is null for a dynamic native member. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Consumer(@JsonProperty("kind") String kind,
                    @JsonProperty("metadata") V3Json.ResourceMetadata metadata,
                    @JsonProperty("cluster_id") String clusterId,
                    @JsonProperty("consumer_group_id") String consumerGroupId,
                    @JsonProperty("consumer_id") String consumerId,
                    @JsonProperty("instance_id") String instanceId,
                    @JsonProperty("client_id") String clientId,
                    @JsonProperty("assignments") V3Json.Related assignments) {
    }

    /** KafkaConsumerAssignment. */
    record Assignment(@JsonProperty("kind") String kind,
                      @JsonProperty("metadata") V3Json.ResourceMetadata metadata,
                      @JsonProperty("cluster_id") String clusterId,
                      @JsonProperty("consumer_group_id") String consumerGroupId,
                      @JsonProperty("consumer_id") String consumerId,
                      @JsonProperty("topic_name") String topicName,
                      @JsonProperty("partition_id") int partitionId,
                      @JsonProperty("partition") V3Json.Related partition,
                      @JsonProperty("lag") V3Json.Related lag) {
    }

    /** KafkaConsumerLag; consumer fields are empty strings (instance_id null) for an unowned partition. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Lag(@JsonProperty("kind") String kind,
               @JsonProperty("metadata") V3Json.ResourceMetadata metadata,
               @JsonProperty("cluster_id") String clusterId,
               @JsonProperty("consumer_group_id") String consumerGroupId,
               @JsonProperty("topic_name") String topicName,
               @JsonProperty("partition_id") int partitionId,
               @JsonProperty("consumer_id") String consumerId,
               @JsonProperty("instance_id") String instanceId,
               @JsonProperty("client_id") String clientId,
               @JsonProperty("current_offset") long currentOffset,
               @JsonProperty("log_end_offset") long logEndOffset,
               @JsonProperty("lag") long lag) {
    }

    /** KafkaConsumerGroupLagSummary; the max-lag fields and relations are null when nothing is committed. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record LagSummary(@JsonProperty("kind") String kind,
                      @JsonProperty("metadata") V3Json.ResourceMetadata metadata,
                      @JsonProperty("cluster_id") String clusterId,
                      @JsonProperty("consumer_group_id") String consumerGroupId,
                      @JsonProperty("max_lag_consumer_id") String maxLagConsumerId,
                      @JsonProperty("max_lag_instance_id") String maxLagInstanceId,
                      @JsonProperty("max_lag_client_id") String maxLagClientId,
                      @JsonProperty("max_lag_topic_name") String maxLagTopicName,
                      @JsonProperty("max_lag_partition_id") Integer maxLagPartitionId,
                      @JsonProperty("max_lag") long maxLag,
                      @JsonProperty("total_lag") long totalLag,
                      @JsonProperty("max_lag_consumer") V3Json.Related maxLagConsumer,
                      @JsonProperty("max_lag_partition") V3Json.Related maxLagPartition) {
    }
}
