package io.github.krest.proxy.http.v2;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.core.CommittedOffset;
import io.github.krest.proxy.core.consumer.ConsumerService;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.state.PartitionRef;

/**
 * The bodies of Confluent's v2 consumer endpoints, field names exactly as Confluent's: the requests, bound by
 * {@link ConsumersV2Bodies}, and the answers.
 *
 * <p>A request record holds what Jackson can bind without changing what krest accepts. Strings are Jackson's
 * ({@code "name": 5} is {@code "5"}, as Confluent reads it). A value krest checks more strictly than Jackson would
 * (a topic must be a JSON string, a partition a JSON integer), reads only in some cases ({@code responseMinBytes}
 * only without {@code fetch.min.bytes}) or does not read at all (a seek's {@code metadata}) stays a
 * {@link JsonNode}, checked by the record's conversion once the whole body is bound: an unknown field is then
 * refused (400) before a settings number (422/42204), as it always was. Absent and {@code null} are the same
 * everywhere; a list that is absent or {@code null} is empty.
 */
final class ConsumersV2Json {
    /** The answer to a partition that is not {@code {"topic": "<string>", "partition": <int>}}. */
    static final String NOT_A_PARTITION = "Each partition needs a string topic and an integer partition.";
    /** The answer to a {@code timestamps} element without a string {@code timestamp}. */
    static final String NOT_A_TIMESTAMP = "timestamps[].timestamp must be an ISO-8601 date-time string.";
    /** The answer to {@code topics} that is not an array of strings. */
    static final String NOT_TOPIC_NAMES = "topics must be an array of topic names.";

    private ConsumersV2Json() {
    }

    // ---- requests ----

    /**
     * {@code POST /consumers/{group}}: Confluent's {@code CreateConsumerInstanceRequest}, with its older names
     * {@code responseMinBytes} and {@code requestWaitMs}, read only when the newer one is absent.
     */
    record CreateBody(@JsonProperty("name") String name,
                      @JsonProperty("id") String id,
                      @JsonProperty("format") String format,
                      @JsonProperty("auto.offset.reset") String autoOffsetReset,
                      @JsonProperty("auto.commit.enable") String autoCommitEnable,
                      @JsonProperty("fetch.min.bytes") JsonNode fetchMinBytes,
                      @JsonProperty("responseMinBytes") JsonNode responseMinBytes,
                      @JsonProperty("consumer.request.timeout.ms") JsonNode requestTimeoutMs,
                      @JsonProperty("requestWaitMs") JsonNode requestWaitMs) {
        /**
         * @return the settings as the consumer service takes them
         * @throws RestException 422/42204 for a number that is neither a JSON integer nor a string of one
         */
        ConsumerService.CreateRequest toRequest() {
            return new ConsumerService.CreateRequest(Optional.ofNullable(name), Optional.ofNullable(id),
                    Optional.ofNullable(format), Optional.ofNullable(autoOffsetReset),
                    Optional.ofNullable(autoCommitEnable),
                    configNumber(fetchMinBytes, "fetch.min.bytes")
                            .or(() -> configNumber(responseMinBytes, "responseMinBytes")),
                    configNumber(requestTimeoutMs, "consumer.request.timeout.ms")
                            .or(() -> configNumber(requestWaitMs, "requestWaitMs")));
        }
    }

    /**
     * {@code POST .../subscription}: {@code {"topics": [...]}} or {@code {"topic_pattern": "..."}}.
     *
     * @param topics the names, each checked to be a JSON string (Jackson would read {@code 5} as {@code "5"})
     */
    record SubscribeBody(@JsonProperty("topics") List<JsonNode> topics,
                         @JsonProperty("topic_pattern") String topicPattern) {
        /**
         * @return the topic names, empty for none
         * @throws RestException 400 when one is not a string
         */
        List<String> topicNames() {
            List<String> names = new ArrayList<>();
            for (JsonNode topic : listOf(topics)) {
                if (topic == null || !topic.isTextual()) {
                    throw RestException.badRequest(NOT_TOPIC_NAMES);
                }
                names.add(topic.textValue());
            }
            return names;
        }
    }

    /**
     * {@code {"partitions": [...]}}: the body of {@code POST .../assignments}, {@code .../positions/beginning},
     * {@code .../positions/end} and of {@code GET .../offsets}.
     */
    record PartitionsBody(@JsonProperty("partitions") List<PartitionBody> partitions) {
        /**
         * @return the partitions in body order, empty for none
         * @throws RestException 400 for a partition that is not a string topic and an integer partition
         */
        List<PartitionRef> refs() {
            List<PartitionRef> refs = new ArrayList<>();
            for (PartitionBody p : listOf(partitions)) {
                refs.add(p == null ? partition(null, null) : partition(p.topic(), p.partition()));
            }
            return refs;
        }
    }

    /** {@code {"topic": "t", "partition": 0}}, an element of {@code "partitions"}. */
    record PartitionBody(@JsonProperty("topic") JsonNode topic, @JsonProperty("partition") JsonNode partition) {
    }

    /** {@code POST .../positions}: Confluent's {@code ConsumerSeekRequest}, by offset and by time. */
    record SeekBody(@JsonProperty("offsets") List<SeekOffset> offsets,
                    @JsonProperty("timestamps") List<SeekTimestamp> timestamps) {
        /**
         * @return the offset to read next per partition (the last of a partition named twice)
         * @throws RestException 400 for a bad partition or an offset that is not a JSON integer
         */
        Map<PartitionRef, Long> offsetsByPartition() {
            Map<PartitionRef, Long> byPartition = new HashMap<>();
            for (SeekOffset o : listOf(offsets)) {
                if (o == null) {
                    throw RestException.badRequest(NOT_A_PARTITION);
                }
                byPartition.put(partition(o.topic(), o.partition()), offset(o.offset()));
            }
            return byPartition;
        }

        /**
         * @return the time to read from per partition (the last of a partition named twice)
         * @throws RestException 400 for a timestamp that is not an ISO-8601 date-time string, or a bad partition
         */
        Map<PartitionRef, Instant> timestampsByPartition() {
            Map<PartitionRef, Instant> byPartition = new HashMap<>();
            for (SeekTimestamp t : listOf(timestamps)) {
                JsonNode timestamp = t == null ? null : t.timestamp();
                if (timestamp == null || !timestamp.isTextual()) {
                    throw RestException.badRequest(NOT_A_TIMESTAMP);
                }
                PartitionRef partition = partition(t.topic(), t.partition());
                try {
                    byPartition.put(partition, OffsetDateTime.parse(timestamp.textValue()).toInstant());
                } catch (DateTimeParseException e) {
                    throw RestException.badRequest("timestamp " + timestamp.textValue()
                            + " is not an ISO-8601 date-time.");
                }
            }
            return byPartition;
        }
    }

    /** An element of a seek's {@code "offsets"}; {@code metadata} is allowed and not read, as Confluent's seek. */
    record SeekOffset(@JsonProperty("topic") JsonNode topic, @JsonProperty("partition") JsonNode partition,
                      @JsonProperty("offset") JsonNode offset, @JsonProperty("metadata") JsonNode metadata) {
    }

    /** An element of a seek's {@code "timestamps"}; {@code metadata} is allowed and not read, as Confluent's seek. */
    record SeekTimestamp(@JsonProperty("topic") JsonNode topic, @JsonProperty("partition") JsonNode partition,
                         @JsonProperty("timestamp") JsonNode timestamp,
                         @JsonProperty("metadata") JsonNode metadata) {
    }

    /** {@code POST .../offsets}: Confluent's {@code ConsumerOffsetCommitRequest}; no body commits every position. */
    record CommitBody(@JsonProperty("offsets") List<CommitOffset> offsets) {
        /**
         * @return the offsets to commit (the last consumed offset and its metadata, "" when none, per partition),
         *         empty when the body names none: then the instance's positions are committed
         * @throws RestException 400 for a bad partition or an offset that is not a JSON integer
         */
        Optional<Map<PartitionRef, CommittedOffset>> explicitOffsets() {
            if (offsets == null) {
                return Optional.empty();
            }
            Map<PartitionRef, CommittedOffset> byPartition = new HashMap<>();
            for (CommitOffset o : offsets) {
                if (o == null) {
                    throw RestException.badRequest(NOT_A_PARTITION);
                }
                byPartition.put(partition(o.topic(), o.partition()),
                        new CommittedOffset(offset(o.offset()), o.metadata() == null ? "" : o.metadata()));
            }
            return Optional.of(byPartition);
        }
    }

    /** An element of a commit's {@code "offsets"}. */
    record CommitOffset(@JsonProperty("topic") JsonNode topic, @JsonProperty("partition") JsonNode partition,
                        @JsonProperty("offset") JsonNode offset, @JsonProperty("metadata") String metadata) {
    }

    // ---- answers ----

    /** {@code {"instance_id": "...", "base_uri": "..."}}. */
    record Created(@JsonProperty("instance_id") String instanceId, @JsonProperty("base_uri") String baseUri) {
    }

    /** {@code {"topic": "t", "partition": 0}}. */
    record Partition(@JsonProperty("topic") String topic, @JsonProperty("partition") int partition) {
        static Partition of(PartitionRef p) {
            return new Partition(p.topic(), p.partition());
        }
    }

    /** {@code {"partitions": [...]}}. */
    record Partitions(@JsonProperty("partitions") List<Partition> partitions) {
    }

    /** {@code {"topics": [...]}}. */
    record Topics(@JsonProperty("topics") List<String> topics) {
    }

    /** One committed offset. */
    record PartitionOffset(@JsonProperty("topic") String topic, @JsonProperty("partition") int partition,
                           @JsonProperty("offset") long offset, @JsonProperty("metadata") String metadata) {
    }

    /** {@code {"offsets": [...]}}. */
    record Offsets(@JsonProperty("offsets") List<PartitionOffset> offsets) {
    }

    // ---- values ----

    private static <T> List<T> listOf(List<T> list) {
        return list == null ? List.of() : list;
    }

    /** @throws RestException 400 unless {@code topic} is a JSON string and {@code partition} a JSON int */
    private static PartitionRef partition(JsonNode topic, JsonNode partition) {
        if (topic == null || !topic.isTextual() || partition == null || !partition.isIntegralNumber()
                || !partition.canConvertToInt()) {
            throw RestException.badRequest(NOT_A_PARTITION);
        }
        try {
            return new PartitionRef(topic.textValue(), partition.intValue());
        } catch (IllegalArgumentException e) {
            throw RestException.badRequest(e.getMessage());
        }
    }

    /** @throws RestException 400 unless {@code offset} is a JSON integer within a long */
    private static long offset(JsonNode offset) {
        if (offset == null || !offset.isIntegralNumber() || !offset.canConvertToLong()) {
            throw RestException.badRequest("offset must be an integer.");
        }
        return offset.longValue();
    }

    /**
     * A number of a consumer's settings: a JSON integer or a string of one (Confluent's clients send either).
     *
     * @return the number, empty when absent or {@code null}
     * @throws RestException 422/42204 for anything else
     */
    private static Optional<Long> configNumber(JsonNode value, String field) {
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return Optional.of(value.longValue());
        }
        if (value.isTextual()) {
            try {
                return Optional.of(Long.parseLong(value.textValue().trim()));
            } catch (NumberFormatException e) {
                // answered below
            }
        }
        throw new RestException(ErrorCode.INVALID_CONSUMER_CONFIG,
                "Invalid consumer configuration: " + field + " must be an integer.");
    }
}
