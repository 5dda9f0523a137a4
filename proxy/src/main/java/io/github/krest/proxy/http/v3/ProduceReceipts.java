package io.github.krest.proxy.http.v3;

import java.io.IOException;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import io.github.krest.proxy.core.ProduceResult;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.ErrorResponse;
import io.github.krest.proxy.http.HttpErrors;
import io.github.krest.proxy.json.Json;

/**
 * The v3 produce receipts (Confluent {@code ProduceResponse}; docs/api.md):
 * a success
 * {@code {"error_code":200,"cluster_id","topic_name","partition_id","offset","timestamp","key":{"type","size"},"value":{...}}}
 * or an error {@code {"error_code":..., "message":...}}. Inside a stream or batch a 422xx code is written as
 * {@code 422} with the code in the message ({@code "Error: 42206 : ..."}) and a 400 message starts with
 * {@code "Bad Request: "}, as Confluent writes them.
 */
final class ProduceReceipts {
    // the stream's receipt field names, UTF-8 encoded once
    private static final SerializableString ERROR_CODE = new SerializedString("error_code");
    private static final SerializableString CLUSTER_ID = new SerializedString("cluster_id");
    private static final SerializableString TOPIC_NAME = new SerializedString("topic_name");
    private static final SerializableString PARTITION_ID = new SerializedString("partition_id");
    private static final SerializableString OFFSET = new SerializedString("offset");
    private static final SerializableString TIMESTAMP = new SerializedString("timestamp");
    private static final SerializableString KEY = new SerializedString("key");
    private static final SerializableString VALUE = new SerializedString("value");
    private static final SerializableString TYPE = new SerializedString("type");
    private static final SerializableString SUBJECT = new SerializedString("subject");
    private static final SerializableString SCHEMA_ID = new SerializedString("schema_id");
    private static final SerializableString SCHEMA_VERSION = new SerializedString("schema_version");
    private static final SerializableString SIZE = new SerializedString("size");

    private ProduceReceipts() {
    }

    /** Echo of a key or value: its type, its schema (schema types only) and serialised size in bytes. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DataInfo(@JsonProperty("type") String type,
                    @JsonProperty("subject") String subject,
                    @JsonProperty("schema_id") Integer schemaId,
                    @JsonProperty("schema_version") Integer schemaVersion,
                    @JsonProperty("size") int size) {
        static DataInfo of(ProduceRecordReader.Echo echo, Optional<byte[]> bytes) {
            return new DataInfo(echo.type(), echo.subject().orElse(null), echo.schemaId().orElse(null),
                    echo.schemaVersion().orElse(null), bytes.map(b -> b.length).orElse(0));
        }
    }

    /** A successful record; {@code id} only in batch responses, key/value only when the request had them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Success(@JsonProperty("id") String id,
                   @JsonProperty("error_code") Integer errorCode,
                   @JsonProperty("cluster_id") String clusterId,
                   @JsonProperty("topic_name") String topicName,
                   @JsonProperty("partition_id") int partitionId,
                   @JsonProperty("offset") long offset,
                   @JsonProperty("timestamp") String timestamp,
                   @JsonProperty("key") DataInfo key,
                   @JsonProperty("value") DataInfo value) {
    }

    /** A failed record; {@code id} only in batch responses. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Failure(@JsonProperty("id") String id,
                   @JsonProperty("error_code") int errorCode,
                   @JsonProperty("message") String message) {
    }

    static Success success(String id, String clusterId, String topic, ProduceResult result,
                           ProduceRecordReader.Parsed parsed) {
        var record = parsed.record();
        DataInfo key = parsed.key().map(e -> DataInfo.of(e, record.key())).orElse(null);
        DataInfo value = parsed.value().map(e -> DataInfo.of(e, record.value())).orElse(null);
        return new Success(id, id == null ? 200 : null, clusterId, topic, result.partition(), result.offset(),
                result.timestamp().toString(), key, value);
    }

    static Failure failure(String id, Throwable failure) {
        return failure(id, HttpErrors.toResponse(failure));
    }

    static Failure failure(String id, ErrorResponse error) {
        int code = error.errorCode();
        String message = error.message();
        if (code / 100 == 422 && code > 999) {
            message = "Error: " + code + " : " + message;
            code = 422;
        } else if (code == ErrorCode.BAD_REQUEST.code()) {
            message = "Bad Request: " + message;
        }
        return new Failure(id, code, message);
    }

    static byte[] bytes(Object receipt) {
        try {
            return Json.mapper().writeValueAsBytes(receipt);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes a stream's success receipt, the same JSON as {@code bytes(success(null, ...))} without building it as
     * beans first (a stream writes one per record).
     *
     * @param g the generator, at the root
     * @param clusterId cluster id
     * @param topic topic name
     * @param result where Kafka stored the record
     * @param timestamp {@code result}'s timestamp as {@link java.time.Instant#toString()} writes it
     * @param parsed the record and its key/value echoes
     * @throws IOException when the generator's target cannot be written
     */
    static void writeSuccess(JsonGenerator g, String clusterId, String topic, ProduceResult result, String timestamp,
                             ProduceRecordReader.Parsed parsed) throws IOException {
        var record = parsed.record();
        g.writeStartObject();
        g.writeFieldName(ERROR_CODE);
        g.writeNumber(200);
        g.writeFieldName(CLUSTER_ID);
        g.writeString(clusterId);
        g.writeFieldName(TOPIC_NAME);
        g.writeString(topic);
        g.writeFieldName(PARTITION_ID);
        g.writeNumber(result.partition());
        g.writeFieldName(OFFSET);
        g.writeNumber(result.offset());
        g.writeFieldName(TIMESTAMP);
        g.writeString(timestamp);
        if (parsed.key().isPresent()) {
            writeData(g, KEY, parsed.key().get(), record.key());
        }
        if (parsed.value().isPresent()) {
            writeData(g, VALUE, parsed.value().get(), record.value());
        }
        g.writeEndObject();
    }

    private static void writeData(JsonGenerator g, SerializableString field, ProduceRecordReader.Echo echo,
                                  Optional<byte[]> bytes) throws IOException {
        g.writeFieldName(field);
        g.writeStartObject();
        g.writeFieldName(TYPE);
        g.writeString(echo.type());
        if (echo.subject().isPresent()) {
            g.writeFieldName(SUBJECT);
            g.writeString(echo.subject().get());
        }
        if (echo.schemaId().isPresent()) {
            g.writeFieldName(SCHEMA_ID);
            g.writeNumber(echo.schemaId().get());
        }
        if (echo.schemaVersion().isPresent()) {
            g.writeFieldName(SCHEMA_VERSION);
            g.writeNumber(echo.schemaVersion().get());
        }
        g.writeFieldName(SIZE);
        g.writeNumber(bytes.isPresent() ? bytes.get().length : 0);
        g.writeEndObject();
    }
}
