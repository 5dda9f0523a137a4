package io.github.krest.proxy.http.v2;

import java.util.Optional;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.core.IdempotentProduce;
import io.github.krest.proxy.core.PartitionReadService;
import io.github.krest.proxy.core.consumer.ConsumerService;
import io.github.krest.proxy.format.SchemaFormats;
import io.github.krest.proxy.format.RecordRenderers;
import io.github.krest.proxy.http.BaseUrls;
import io.github.krest.proxy.http.CallerSessions;
import io.github.krest.proxy.limit.PollBulkhead;
import io.helidon.webserver.http.HttpRouting;

/** Registers the Confluent v2 API (metadata, produce and consumers). */
public final class V2Api {
    /** The path served as a WebSocket too ({@link RecordSocket}); its {@code WsRouting} endpoint must name it. */
    public static final String WEBSOCKET_PATH = ConsumersV2Resource.RECORDS;

    private V2Api() {
    }

    /**
     * Adds the v2 routes.
     *
     * @param routing routing being built
     * @param config krest configuration (limits)
     * @param kafka the Kafka session of each request's caller
     * @param consumers consumer service
     * @param urls absolute URL base
     * @param polls the bulkhead of GET .../records, shared by the replica's listeners
     * @param schemas the schema formats (avro, jsonschema, protobuf), empty without {@code schema.registry.url}
     * @param idempotent produce under an {@code Idempotency-Key}
     * @param reads stateless reads by offset ({@code GET /topics/{t}/partitions/{p}/records})
     */
    public static void register(HttpRouting.Builder routing, KrestConfig config, CallerSessions kafka,
                                ConsumerService consumers, BaseUrls urls,
                                PollBulkhead polls, Optional<SchemaFormats> schemas, IdempotentProduce idempotent,
                                PartitionReadService reads) {
        long maxBody = config.getLong(KrestConfig.REQUEST_BODY_MAX_BYTES);
        routing.register(new RootV2Resource(maxBody),
                new TopicsV2Resource(kafka),
                new PartitionRecordsV2Resource(kafka, reads, polls, new RecordRenderers(schemas)),
                new ProduceV2Resource(kafka, maxBody, config.getInt(KrestConfig.PRODUCE_RECORDS_MAX),
                        schemas, idempotent),
                new ConsumersV2Resource(consumers, urls, maxBody, polls, new RecordRenderers(schemas),
                        config.getLong(KrestConfig.CONSUMER_STREAM_MAX_DURATION_MS)));
    }
}
