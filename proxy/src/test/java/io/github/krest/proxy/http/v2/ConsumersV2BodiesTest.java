package io.github.krest.proxy.http.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.github.krest.proxy.core.CommittedOffset;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.http.v2.ConsumersV2Json.CommitBody;
import io.github.krest.proxy.http.v2.ConsumersV2Json.CreateBody;
import io.github.krest.proxy.http.v2.ConsumersV2Json.PartitionsBody;
import io.github.krest.proxy.http.v2.ConsumersV2Json.SeekBody;
import io.github.krest.proxy.http.v2.ConsumersV2Json.SubscribeBody;
import io.github.krest.state.PartitionRef;
import org.junit.jupiter.api.Test;

/**
 * The bodies of the v2 consumer requests as {@link ConsumersV2Bodies} binds them and their records read them, without
 * a server: what each accepts, and the status, code and message of each refusal (an unknown field named with its
 * path and the fields known there; a value of the wrong type in krest's words; a settings number as 422/42204).
 */
class ConsumersV2BodiesTest {
    private static final String PARTITION = "{\"topic\":\"t\",\"partition\":1}";

    @Test
    void createReadsConfluentsFieldsAndTheirOlderNames() {
        CreateBody body = bind("{\"name\":5,\"format\":\"json\",\"auto.commit.enable\":true,"
                + "\"fetch.min.bytes\":\" 12 \",\"responseMinBytes\":\"ignored\",\"requestWaitMs\":300}", true,
                CreateBody.class);
        var request = body.toRequest();
        assertEquals(Optional.of("5"), request.name());
        assertEquals(Optional.of("json"), request.format());
        assertEquals(Optional.of("true"), request.autoCommitEnable());
        assertEquals(Optional.empty(), request.autoOffsetReset());
        assertEquals(Optional.of(12L), request.fetchMinBytes(), "responseMinBytes is read only without it");
        assertEquals(Optional.of(300L), request.requestTimeoutMs());
        assertEquals(Optional.empty(), bind("  ", true, CreateBody.class).toRequest().name(), "no body: defaults");
    }

    @Test
    void createRefusals() {
        refused("{\"format\":\"json\",\"fromat\":\"x\"}", CreateBody.class, CreateBody::toRequest,
                ErrorCode.BAD_REQUEST,
                "Unrecognized field \"fromat\" (known fields: auto.commit.enable, auto.offset.reset, "
                        + "consumer.request.timeout.ms, fetch.min.bytes, format, id, name, requestWaitMs, "
                        + "responseMinBytes)");
        refused("{\"name\":[\"c\"]}", CreateBody.class, CreateBody::toRequest, ErrorCode.BAD_REQUEST,
                "name must be a string.");
        refused("{\"fetch.min.bytes\":1.5}", CreateBody.class, CreateBody::toRequest,
                ErrorCode.INVALID_CONSUMER_CONFIG,
                "Invalid consumer configuration: fetch.min.bytes must be an integer.");
        refused("{\"requestWaitMs\":{}}", CreateBody.class, CreateBody::toRequest, ErrorCode.INVALID_CONSUMER_CONFIG,
                "Invalid consumer configuration: requestWaitMs must be an integer.");
        RestException malformed = assertThrows(RestException.class, () -> bind("{\"name\":", true, CreateBody.class));
        assertEquals(ErrorCode.BAD_REQUEST, malformed.errorCode());
        assertTrue(malformed.getMessage().startsWith("Malformed JSON: Unexpected end-of-input"),
                malformed.getMessage());
        refused("[]", CreateBody.class, CreateBody::toRequest, ErrorCode.BAD_REQUEST,
                "The request body must be a JSON object.");
    }

    @Test
    void subscribeTakesTopicNamesOrAPattern() {
        SubscribeBody body = bind("{\"topics\":[\"a\",\"b\"],\"topic_pattern\":\"p.*\"}", false, SubscribeBody.class);
        assertEquals(List.of("a", "b"), body.topicNames());
        assertEquals("p.*", body.topicPattern());
        assertEquals(List.of(), bind("{\"topics\":null}", false, SubscribeBody.class).topicNames());
        for (String topics : List.of("\"a\"", "[\"a\",5]", "{}")) {
            refused("{\"topics\":" + topics + "}", SubscribeBody.class, SubscribeBody::topicNames,
                    ErrorCode.BAD_REQUEST, "topics must be an array of topic names.");
        }
        refused("{\"topics\":[],\"topic\":\"x\"}", SubscribeBody.class, SubscribeBody::topicNames,
                ErrorCode.BAD_REQUEST, "Unrecognized field \"topic\" (known fields: topic_pattern, topics)");
        refused("", SubscribeBody.class, SubscribeBody::topicNames, ErrorCode.PAYLOAD_ERROR,
                "Request body is empty. Data is required.");
    }

    @Test
    void partitionsAreAStringTopicAndAnIntPartition() {
        assertEquals(List.of(new PartitionRef("t", 1), new PartitionRef("t", 1)),
                bind("{\"partitions\":[" + PARTITION + "," + PARTITION + "]}", false, PartitionsBody.class).refs());
        assertEquals(List.of(), bind("", true, PartitionsBody.class).refs(), "GET .../offsets without a body");
        for (String partition : List.of("5", "null", "[]", "{\"topic\":1,\"partition\":0}",
                "{\"topic\":\"t\",\"partition\":\"0\"}", "{\"topic\":\"t\",\"partition\":2147483648}", "{}")) {
            refused("{\"partitions\":[" + partition + "]}", PartitionsBody.class, PartitionsBody::refs,
                    ErrorCode.BAD_REQUEST, ConsumersV2Json.NOT_A_PARTITION);
        }
        refused("{\"partitions\":[{\"topic\":\"t\",\"partition\":-1}]}", PartitionsBody.class, PartitionsBody::refs,
                ErrorCode.BAD_REQUEST, "partition must be >= 0: -1");
        refused("{\"partitions\":{}}", PartitionsBody.class, PartitionsBody::refs, ErrorCode.BAD_REQUEST,
                "partitions must be an array.");
        refused("{\"partitions\":[" + PARTITION + ",{\"topic\":\"t\",\"partition\":0,\"offset\":1}]}",
                PartitionsBody.class, PartitionsBody::refs, ErrorCode.BAD_REQUEST,
                "Unrecognized field \"partitions[1].offset\" (known fields: partition, topic)");
    }

    @Test
    void seekByOffsetAndByTime() {
        SeekBody body = bind("{\"offsets\":[{\"topic\":\"t\",\"partition\":1,\"offset\":3,"
                + "\"metadata\":[\"not read\"]}],"
                + "\"timestamps\":[{\"topic\":\"t\",\"partition\":0,\"timestamp\":\"2020-01-01T01:00:00+01:00\"}]}",
                false, SeekBody.class);
        assertEquals(Map.of(new PartitionRef("t", 1), 3L), body.offsetsByPartition());
        assertEquals(Map.of(new PartitionRef("t", 0), Instant.parse("2020-01-01T00:00:00Z")),
                body.timestampsByPartition());
        refused("{\"offsets\":[{\"topic\":\"t\",\"partition\":1,\"offset\":\"3\"}]}", SeekBody.class,
                SeekBody::offsetsByPartition, ErrorCode.BAD_REQUEST, "offset must be an integer.");
        refused("{\"timestamps\":[5]}", SeekBody.class, SeekBody::timestampsByPartition, ErrorCode.BAD_REQUEST,
                ConsumersV2Json.NOT_A_TIMESTAMP);
        refused("{\"timestamps\":[{\"topic\":\"t\",\"partition\":0,\"timestamp\":\"yesterday\"}]}", SeekBody.class,
                SeekBody::timestampsByPartition, ErrorCode.BAD_REQUEST,
                "timestamp yesterday is not an ISO-8601 date-time.");
        refused("{\"offsets\":[{\"topic\":\"t\",\"partition\":1,\"offest\":3}]}", SeekBody.class,
                SeekBody::offsetsByPartition, ErrorCode.BAD_REQUEST,
                "Unrecognized field \"offsets[0].offest\" (known fields: metadata, offset, partition, topic)");
    }

    @Test
    void commitNamesOffsetsOrNone() {
        assertEquals(Optional.empty(), bind("", true, CommitBody.class).explicitOffsets(), "commit every position");
        assertEquals(Optional.of(Map.of()), bind("{\"offsets\":[]}", true, CommitBody.class).explicitOffsets());
        assertEquals(Optional.of(Map.of(new PartitionRef("t", 1), new CommittedOffset(3, ""))),
                bind("{\"offsets\":[{\"topic\":\"t\",\"partition\":1,\"offset\":3}]}", true, CommitBody.class)
                        .explicitOffsets());
        refused("{\"offsets\":[{\"topic\":\"t\",\"partition\":1,\"offset\":3,\"metadata\":{}}]}", CommitBody.class,
                CommitBody::explicitOffsets, ErrorCode.BAD_REQUEST, "metadata must be a string.");
        refused("{\"offsets\":[{\"topic\":\"t\",\"partition\":1,\"offset\":0,\"metdata\":\"\"}]}", CommitBody.class,
                CommitBody::explicitOffsets, ErrorCode.BAD_REQUEST,
                "Unrecognized field \"offsets[0].metdata\" (known fields: metadata, offset, partition, topic)");
    }

    private static <T> T bind(String body, boolean mayBeEmpty, Class<T> type) {
        return ConsumersV2Bodies.bind(body.getBytes(StandardCharsets.UTF_8), mayBeEmpty, type);
    }

    /** Asserts that binding {@code body} (a body that may be empty) and reading it is refused as given. */
    private static <T> void refused(String body, Class<T> type, Function<T, ?> read, ErrorCode code,
                                    String message) {
        boolean mayBeEmpty = type == CreateBody.class || type == CommitBody.class;
        RestException e = assertThrows(RestException.class, () -> read.apply(bind(body, mayBeEmpty, type)), body);
        assertEquals(code, e.errorCode(), body);
        assertEquals(message, e.getMessage(), body);
    }
}
