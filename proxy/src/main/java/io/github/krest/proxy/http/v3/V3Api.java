package io.github.krest.proxy.http.v3;

import java.util.Optional;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.core.IdempotentProduce;
import io.github.krest.proxy.format.SchemaFormats;
import io.github.krest.proxy.http.BaseUrls;
import io.github.krest.proxy.http.CallerSessions;
import io.github.krest.proxy.limit.ProduceRateLimiter;
import io.helidon.webserver.http.HttpRouting;

/** Registers the Confluent v3 API: clusters, brokers, configs, topics, partitions, consumer groups, ACLs, produce. */
public final class V3Api {
    /** The path served as a WebSocket too ({@link ProduceSocket}); its {@code WsRouting} endpoint must name it. */
    public static final String WEBSOCKET_PATH = ProduceV3Resource.RECORDS;

    private V3Api() {
    }

    /**
     * Adds the v3 routes.
     *
     * @param routing routing being built
     * @param config krest configuration (limits)
     * @param kafka the Kafka session of each request's caller
     * @param urls absolute URL base
     * @param produceLimits the v3 produce rate limits, shared by the replica's listeners
     * @param schemas the schema formats (avro, jsonschema, protobuf), empty without a Schema Registry
     * @param idempotent produce under an {@code Idempotency-Key} ({@code records:batch})
     */
    public static void register(HttpRouting.Builder routing, KrestConfig config, CallerSessions kafka,
                                BaseUrls urls,
                                ProduceRateLimiter produceLimits, Optional<SchemaFormats> schemas,
                                IdempotentProduce idempotent) {
        Clusters clusters = new Clusters(kafka.sessions().service().metadata(),
                config.getString(KrestConfig.RESOURCE_NAME_AUTHORITY));
        ProduceRecordReader reader = new ProduceRecordReader(schemas);
        long recordMaxBytes = config.getLong(KrestConfig.PRODUCE_STREAM_RECORD_MAX_BYTES);
        ProduceStream stream = new ProduceStream(ProduceV3Resource.streamMapper(recordMaxBytes), reader,
                recordMaxBytes, config.getLong(KrestConfig.STREAMING_MAX_DURATION_MS),
                config.getLong(KrestConfig.STREAMING_GRACE_MS), System::currentTimeMillis, produceLimits);
        long maxBody = config.getLong(KrestConfig.REQUEST_BODY_MAX_BYTES);
        routing.register(new BrokersV3Resource(clusters, urls, kafka, maxBody),
                new TopicsV3Resource(clusters, urls, kafka, maxBody),
                new TopicConfigsV3Resource(clusters, urls, kafka, maxBody),
                new PartitionsV3Resource(clusters, urls, kafka),
                new ConsumerGroupsV3Resource(clusters, urls, kafka),
                new AclsV3Resource(clusters, urls, kafka, maxBody));
        routing.register(new ClustersV3Resource(clusters, urls),
                new ProduceV3Resource(clusters, kafka, reader, stream,
                        maxBody, config.getInt(KrestConfig.PRODUCE_BATCH_MAX_ENTRIES), produceLimits, idempotent));
    }
}
