package io.github.krest.proxy.http.v2;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.krest.proxy.core.MetadataService;

/** v2 response bodies, field names exactly as Confluent's. */
final class V2Json {
    private V2Json() {
    }

    /** {@code {"broker": 1, "leader": true, "in_sync": true}}. */
    record Replica(@JsonProperty("broker") int broker,
                   @JsonProperty("leader") boolean leader,
                   @JsonProperty("in_sync") boolean inSync) {
    }

    /** {@code {"partition": 0, "leader": 1, "replicas": [...]}}. */
    record Partition(@JsonProperty("partition") int partition,
                     @JsonProperty("leader") int leader,
                     @JsonProperty("replicas") List<Replica> replicas) {
        static Partition of(MetadataService.Partition p) {
            return new Partition(p.partition(), p.leader(), p.replicas().stream()
                    .map(r -> new Replica(r.broker(), r.leader(), r.inSync())).toList());
        }
    }

    /** {@code {"name": "t", "configs": {...}, "partitions": [...]}}. */
    record Topic(@JsonProperty("name") String name,
                 @JsonProperty("configs") Map<String, String> configs,
                 @JsonProperty("partitions") List<Partition> partitions) {
    }

    /** {@code {"beginning_offset": 0, "end_offset": 10}}. */
    record PartitionOffsets(@JsonProperty("beginning_offset") long beginningOffset,
                            @JsonProperty("end_offset") long endOffset) {
    }

    /** {@code {"brokers": [1, 2, 3]}}. */
    record Brokers(@JsonProperty("brokers") List<Integer> brokers) {
    }

    /** One element of {@code "offsets"}: partition and offset, or error_code and error. Nulls are written. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ProduceOffset(@JsonProperty("partition") Integer partition,
                         @JsonProperty("offset") Long offset,
                         @JsonProperty("error_code") Integer errorCode,
                         @JsonProperty("error") String error) {
    }

    /** {@code {"offsets": [...], "key_schema_id": null, "value_schema_id": null}}. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ProduceResponse(@JsonProperty("offsets") List<ProduceOffset> offsets,
                           @JsonProperty("key_schema_id") Integer keySchemaId,
                           @JsonProperty("value_schema_id") Integer valueSchemaId) {
    }
}
