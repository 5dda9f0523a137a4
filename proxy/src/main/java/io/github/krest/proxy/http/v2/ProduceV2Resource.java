package io.github.krest.proxy.http.v2;

import io.github.krest.proxy.http.CallerSessions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.caller.Caller;
import io.github.krest.proxy.core.IdempotentProduce;
import io.github.krest.proxy.core.session.KafkaSession;
import io.github.krest.proxy.record.ProduceRecord;
import io.github.krest.proxy.core.ProduceResult;
import io.github.krest.proxy.core.ProduceService;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.ErrorTable;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.format.EmbeddedFormat;
import io.github.krest.proxy.format.SchemaFormat;
import io.github.krest.proxy.format.SchemaFormats;
import io.github.krest.proxy.http.ContentTypes;
import io.github.krest.proxy.http.IdempotencyKeys;
import io.github.krest.proxy.http.PathParams;
import io.github.krest.proxy.http.RequestBodies;
import io.github.krest.proxy.http.RequestTracing;
import io.github.krest.proxy.http.Responses;
import io.github.krest.proxy.json.Json;
import io.helidon.common.media.type.MediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Confluent v2 produce: {@code POST /topics/{topic}} (api.v2.produce-to-topic.{format}) and
 * {@code POST /topics/{topic}/partitions/{partition}} (api.v2.produce-to-partition.{format}), with
 * {@code Content-Type} {@code application/vnd.kafka.{binary,json,avro,jsonschema,protobuf}.v2+json} or plain
 * {@code application/json} (the json format).
 *
 * <p>avro, jsonschema, protobuf (with {@code schema.registry.url}): keys and values are the JSON data (Avro's JSON
 * encoding; plain JSON validated by the JSON Schema; the proto3 JSON mapping of the schema's first message), written
 * in the Confluent wire format with the schema of {@code key_schema_id} / {@code value_schema_id}, else of
 * {@code key_schema} / {@code value_schema} registered under {@code <topic>-key} / {@code <topic>-value} when
 * absent; the response carries the schema ids. protobuf writes the schema's first message, or the one krest's
 * {@code key_message_name} / {@code value_message_name} names (400 when the schema has no such message). Keys
 * without a key schema 422/42201, values without a value schema 422/42202, invalid schema 422/42205, data not
 * matching the schema 422/42203 naming the field, unknown schema id 404/40403, schema refused by the registry (e.g.
 * incompatible) 422/42207, registry unreachable 503/50304.
 *
 * <p>Answers {@code {"offsets": [{"partition", "offset", "error_code", "error"}], "key_schema_id",
 * "value_schema_id"}} in request order once every record is acknowledged. A record Kafka rejects carries its own
 * {@code error_code} (40101, 40301, 413, 50003 retriable, 50002); the status is 401 if any record failed with 40101,
 * 403 if any with 40301, else 200 (Confluent {@code ProduceController}). The whole request fails before anything is
 * sent for: wrong content type 415, schema formats without a registry 422/42206, bad body 400/422, missing topic
 * 404/40401, unknown partition 404/40402, a record over the size limit 413.
 *
 * <p>krest: with an {@code Idempotency-Key} header the request is claimed before anything else is checked and runs
 * under {@link IdempotentProduce} (a retry gets the first answer, marked {@code Idempotent-Replayed: true}, and
 * writes nothing); without it nothing of that runs.
 */
final class ProduceV2Resource implements HttpService {
    private final CallerSessions kafka;
    private final long maxBodyBytes;
    private final int maxRecords;
    private final Optional<SchemaFormats> schemas;
    private final IdempotentProduce idempotent;

    ProduceV2Resource(CallerSessions kafka, long maxBodyBytes, int maxRecords, Optional<SchemaFormats> schemas,
                      IdempotentProduce idempotent) {
        this.kafka = kafka;
        this.maxBodyBytes = maxBodyBytes;
        this.maxRecords = maxRecords;
        this.schemas = schemas;
        this.idempotent = idempotent;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/topics/{topic}", (req, res) -> produce(req, res, false))
                .post("/topics/{topic}/partitions/{partition}", (req, res) -> produce(req, res, true));
    }

    private void produce(ServerRequest req, ServerResponse res, boolean toPartition) {
        Optional<String> key = IdempotencyKeys.key(req);
        if (key.isEmpty()) {
            produce(req, res, toPartition, Optional.empty(), Optional.empty());
            return;
        }
        // claimed before anything is checked: a retry gets the first answer whatever changed since
        byte[] body = RequestBodies.read(req, maxBodyBytes);
        Optional<IdempotentProduce.Attempt> attempt = IdempotencyKeys.claim(idempotent, req, res, key.get(), body);
        if (attempt.isEmpty()) {
            return;
        }
        try {
            produce(req, res, toPartition, Optional.of(body), attempt);
        } catch (RuntimeException | Error e) {
            attempt.get().abort();
            throw e;
        }
    }

    private void produce(ServerRequest req, ServerResponse res, boolean toPartition, Optional<byte[]> readBody,
                         Optional<IdempotentProduce.Attempt> attempt) {
        EmbeddedFormat format = ContentTypes.contentType(req).flatMap(EmbeddedFormat::ofProduceContentType)
                .orElseThrow(ContentTypes::unsupportedMediaType);
        MediaType responseType = ContentTypes.negotiate(req, ContentTypes.V2_RESPONSE);
        Optional<SchemaFormat> schemaFormat = format.needsSchema()
                ? Optional.of(SchemaFormats.require(schemas, format)) : Optional.empty();
        String topic = req.path().pathParameters().get("topic");
        Optional<Integer> pathPartition = toPartition
                ? Optional.of(PathParams.partition(req, topic)) : Optional.empty();
        ProduceService produce = produce(req);
        Optional<Integer> partitionCount = produce.checkTopic(topic);
        pathPartition.ifPresent(p -> ProduceService.checkPartition(topic, p, partitionCount,
                ErrorCode.PARTITION_NOT_FOUND));

        byte[] body = readBody.isPresent() ? readBody.get() : RequestBodies.read(req, maxBodyBytes);
        ProduceRequestReader.Request request = ProduceRequestReader.read(body, topic, pathPartition, format,
                maxRecords);
        List<ProduceRecord> records = request.records();
        Optional<SchemaFormat.ResolvedSchema> keySchema = Optional.empty();
        Optional<SchemaFormat.ResolvedSchema> valueSchema = Optional.empty();
        if (schemaFormat.isPresent()) {
            SchemaFormat schema = schemaFormat.get();
            if (records.stream().anyMatch(r -> r.key().isPresent())
                    && request.keySchema().isEmpty() && request.keySchemaId().isEmpty()) {
                throw new RestException(ErrorCode.KEY_SCHEMA_MISSING,
                        "Request includes keys but does not include key schema");
            }
            if (records.stream().anyMatch(r -> r.value().isPresent())
                    && request.valueSchema().isEmpty() && request.valueSchemaId().isEmpty()) {
                throw new RestException(ErrorCode.VALUE_SCHEMA_MISSING,
                        "Request includes values but does not include value schema");
            }
            keySchema = schema.resolve(topic + "-key", request.keySchema(), request.keySchemaId())
                    .map(s -> request.keyMessageName().map(m -> schema.selectMessage(s, m)).orElse(s));
            valueSchema = schema.resolve(topic + "-value", request.valueSchema(), request.valueSchemaId())
                    .map(s -> request.valueMessageName().map(m -> schema.selectMessage(s, m)).orElse(s));
            records = serialize(schema, records, keySchema, valueSchema);
        }
        for (ProduceRecord record : records) {
            record.partition().ifPresent(p -> ProduceService.checkPartition(topic, p, partitionCount,
                    ErrorCode.PARTITION_NOT_FOUND));
            produce.checkSize(record);
        }

        List<CompletableFuture<ProduceResult>> sent = new ArrayList<>(records.size());
        if (attempt.isPresent()) {
            Map<Integer, ProduceRecord> indexed = new LinkedHashMap<>();
            for (int i = 0; i < records.size(); i++) {
                indexed.put(i, records.get(i));
            }
            KafkaSession session = kafka.of(req);
            Map<Integer, CompletableFuture<ProduceResult>> futures = attempt.get().send(
                    Caller.of(req).kafkaIdentity(), session.metadata(), session.offsets(), produce, topic, indexed);
            for (int i = 0; i < records.size(); i++) {
                sent.add(futures.get(i));
            }
        } else {
            for (ProduceRecord record : records) {
                sent.add(produce.send(record));
            }
        }
        ProduceService.awaitAll(sent);
        List<V2Json.ProduceOffset> offsets = new ArrayList<>(sent.size());
        boolean authentication = false;
        boolean authorization = false;
        for (CompletableFuture<ProduceResult> future : sent) {
            try {
                ProduceResult result = future.join();
                offsets.add(new V2Json.ProduceOffset(result.partition(), result.offset(), null, null));
            } catch (RuntimeException e) {
                ErrorCode code = ErrorTable.produceRecordCode(e);
                authentication |= code == ErrorCode.AUTHENTICATION_FAILED;
                authorization |= code == ErrorCode.KAFKA_AUTHORIZATION;
                String message = ErrorTable.unwrap(e).getMessage();
                offsets.add(new V2Json.ProduceOffset(null, null, code.code(), message));
            }
        }
        Status status = authentication ? Status.UNAUTHORIZED_401
                : authorization ? Status.FORBIDDEN_403 : Status.OK_200;
        V2Json.ProduceResponse response = new V2Json.ProduceResponse(offsets,
                keySchema.map(SchemaFormat.ResolvedSchema::id).orElse(null),
                valueSchema.map(SchemaFormat.ResolvedSchema::id).orElse(null));
        if (attempt.isPresent()) {
            IdempotencyKeys.answer(res, attempt.get(), status, responseType, response);
        } else {
            Responses.json(res, status, responseType, response);
        }
    }

    /** Converts the records' JSON text keys and values to the wire format; a record without data stays null. */
    private static List<ProduceRecord> serialize(SchemaFormat schema, List<ProduceRecord> records,
                                                 Optional<SchemaFormat.ResolvedSchema> keySchema,
                                                 Optional<SchemaFormat.ResolvedSchema> valueSchema) {
        List<ProduceRecord> converted = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            ProduceRecord r = records.get(i);
            String at = "records[" + i + "]";
            Optional<byte[]> key = r.key().map(k -> schema.serialize(keySchema.orElseThrow(), tree(k),
                    at + ".key"));
            Optional<byte[]> value = r.value().map(v -> schema.serialize(valueSchema.orElseThrow(), tree(v),
                    at + ".value"));
            converted.add(new ProduceRecord(r.topic(), r.partition(), key, value, r.headers(), r.timestamp()));
        }
        return converted;
    }

    private static JsonNode tree(byte[] json) {
        try {
            return Json.mapper().readTree(json);
        } catch (java.io.IOException e) {
            // the reader copied this text from a parsed request
            throw new IllegalStateException(e);
        }
    }

    /** The caller's produce service, whose records carry the request's trace context. */
    private ProduceService produce(ServerRequest req) {
        return kafka.of(req).produce().traced(RequestTracing.recordContext(req));
    }
}
