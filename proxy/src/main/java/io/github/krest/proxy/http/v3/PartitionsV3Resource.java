package io.github.krest.proxy.http.v3;

import io.github.krest.proxy.http.CallerSessions;
import java.util.List;
import java.util.Optional;

import io.github.krest.proxy.core.MetadataService;
import io.github.krest.proxy.core.admin.TopicAdminService;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.http.BaseUrls;
import io.github.krest.proxy.http.ContentTypes;
import io.github.krest.proxy.http.PathParams;
import io.github.krest.proxy.http.Responses;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Confluent v3 partitions, replicas and reassignments (docs/api.md, "API served"):
 * <ul>
 *   <li>{@code GET /v3/clusters/{C}/topics/-/partitions/-/reassignment} — api.v3.partition-reassignments.list;</li>
 *   <li>{@code GET /v3/clusters/{C}/topics/{t}/partitions/-/reassignment} —
 *       api.v3.partition-reassignments.search-by-topic;</li>
 *   <li>{@code GET /v3/clusters/{C}/topics/{t}/partitions} — api.v3.partitions.list, KafkaPartitionList;</li>
 *   <li>{@code GET /v3/clusters/{C}/topics/{t}/partitions/{p}} — api.v3.partitions.get;</li>
 *   <li>{@code GET /v3/clusters/{C}/topics/{t}/partitions/{p}/offset?offset_type=earliest_and_latest} —
 *       api.v3.partitions.list.offsets, KafkaPartitionWithOffsets whose {@code resource_name} ends in
 *       {@code /offset_type=earliest_and_latest}; {@code offset_type} defaults to {@code earliest_and_latest} (any
 *       other value 400), as Confluent's {@code ListPartitionOffsetsAction};</li>
 *   <li>{@code GET /v3/clusters/{C}/topics/{t}/partitions/{p}/replicas} — api.v3.replicas.list;</li>
 *   <li>{@code GET /v3/clusters/{C}/topics/{t}/partitions/{p}/replicas/{broker_id}} — api.v3.replicas.get;</li>
 *   <li>{@code GET /v3/clusters/{C}/topics/{t}/partitions/{p}/reassignment} — api.v3.partition-reassignments.get,
 *       404 when none is ongoing.</li>
 * </ul>
 * Unknown topic 404/40403, unknown partition 404/40402. The {@code -} routes are registered first so the
 * {@code {topic_name}} and {@code {partition}} routes do not capture them.
 */
final class PartitionsV3Resource implements HttpService {
    private static final String EARLIEST_AND_LATEST = "earliest_and_latest";
    private final Clusters clusters;
    private final BaseUrls urls;
    private final CallerSessions kafka;

    PartitionsV3Resource(Clusters clusters, BaseUrls urls, CallerSessions kafka) {
        this.clusters = clusters;
        this.urls = urls;
        this.kafka = kafka;
    }

    @Override
    public void routing(HttpRules rules) {
        String partitions = "/v3/clusters/{cluster_id}/topics/{topic_name}/partitions";
        rules.get("/v3/clusters/{cluster_id}/topics/-/partitions/-/reassignment", this::allReassignments)
                .get(partitions + "/-/reassignment", this::topicReassignments)
                .get(partitions, this::list)
                .get(partitions + "/{partition}", this::get)
                .get(partitions + "/{partition}/offset", this::offsets)
                .get(partitions + "/{partition}/replicas", this::replicas)
                .get(partitions + "/{partition}/replicas/{broker_id}", this::replica)
                .get(partitions + "/{partition}/reassignment", this::reassignment);
    }

    private void list(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        String topic = TopicsV3Resource.topicName(req);
        Responses.json(res, Status.OK_200, type, ctx.list("KafkaPartitionList",
                ctx.url("topics", topic, "partitions"),
                metadata(req).partitions(topic).stream().map(p -> partition(ctx, topic, p)).toList()));
    }

    private void get(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        String topic = TopicsV3Resource.topicName(req);
        Responses.json(res, Status.OK_200, type,
                partition(ctx, topic, metadata(req).partition(topic, PathParams.partition(req, topic))));
    }

    private void offsets(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        String topic = TopicsV3Resource.topicName(req);
        String offsetType = req.query().first("offset_type").orElse(EARLIEST_AND_LATEST);
        if (!offsetType.equalsIgnoreCase(EARLIEST_AND_LATEST)) {
            throw RestException.badRequest("offset_type must be " + EARLIEST_AND_LATEST + ".");
        }
        int partition = PathParams.partition(req, topic);
        MetadataService.PartitionOffsets offsets = metadata(req).offsets(topic, partition);
        String p = String.valueOf(partition);
        Responses.json(res, Status.OK_200, type, new TopicsV3Json.PartitionWithOffsets("KafkaPartitionWithOffsets",
                ctx.metadata(ctx.url("topics", topic, "partitions", p, "offset"),
                        ctx.crn("topic", topic, "partition", p, "offset_type", EARLIEST_AND_LATEST)),
                ctx.clusterId(), topic, partition, offsets.beginningOffset(), offsets.endOffset()));
    }

    private void replicas(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        String topic = TopicsV3Resource.topicName(req);
        int partition = PathParams.partition(req, topic);
        Responses.json(res, Status.OK_200, type, ctx.list("KafkaReplicaList",
                ctx.url("topics", topic, "partitions", String.valueOf(partition), "replicas"),
                metadata(req).partition(topic, partition).replicas().stream()
                        .map(r -> replica(ctx, topic, partition, r)).toList()));
    }

    private void replica(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        String topic = TopicsV3Resource.topicName(req);
        int partition = PathParams.partition(req, topic);
        String broker = req.path().pathParameters().get("broker_id");
        MetadataService.Replica replica = metadata(req).partition(topic, partition).replicas().stream()
                .filter(r -> String.valueOf(r.broker()).equals(broker)).findFirst()
                .orElseThrow(() -> new RestException(ErrorCode.NOT_FOUND, "Replica " + broker + " of partition "
                        + partition + " of topic " + topic + " cannot be found."));
        Responses.json(res, Status.OK_200, type, replica(ctx, topic, partition, replica));
    }

    private void allReassignments(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        Responses.json(res, Status.OK_200, type, ctx.list("KafkaReassignmentList",
                ctx.url("topics", "-", "partitions", "-", "reassignment"),
                reassignments(ctx, topics(req).listPartitionReassignments(Optional.empty()))));
    }

    private void topicReassignments(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        String topic = TopicsV3Resource.topicName(req);
        // an unknown topic has no reassignments: 200 with none, as Confluent answers
        Responses.json(res, Status.OK_200, type, ctx.list("KafkaReassignmentList",
                ctx.url("topics", topic, "partitions", "-", "reassignment"),
                reassignments(ctx, topics(req).listPartitionReassignments(Optional.of(topic)))));
    }

    private void reassignment(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        String topic = TopicsV3Resource.topicName(req);
        int partition = PathParams.partition(req, topic);
        TopicAdminService.Reassignment r = topics(req).partitionReassignment(topic, partition)
                .orElseThrow(() -> new RestException(ErrorCode.NOT_FOUND, "Reassignment for partition "
                        + partition + " of topic " + topic + " cannot be found."));
        Responses.json(res, Status.OK_200, type, reassignment(ctx, r));
    }

    private static List<TopicsV3Json.Reassignment> reassignments(V3Context ctx,
                                                                List<TopicAdminService.Reassignment> list) {
        return list.stream().map(r -> reassignment(ctx, r)).toList();
    }

    private static TopicsV3Json.Reassignment reassignment(V3Context ctx, TopicAdminService.Reassignment r) {
        String p = String.valueOf(r.partition());
        return new TopicsV3Json.Reassignment("KafkaReassignment",
                ctx.metadata(ctx.url("topics", r.topic(), "partitions", p, "reassignment"),
                        ctx.crn("topic", r.topic(), "partition", p) + "/reassignment"),
                ctx.clusterId(), r.topic(), r.partition(), r.addingReplicas(), r.removingReplicas(),
                ctx.related("topics", r.topic(), "partitions", p, "replicas"));
    }

    private static TopicsV3Json.Partition partition(V3Context ctx, String topic, MetadataService.Partition p) {
        String id = String.valueOf(p.partition());
        return new TopicsV3Json.Partition("KafkaPartition",
                ctx.metadata(ctx.url("topics", topic, "partitions", id), ctx.crn("topic", topic, "partition", id)),
                ctx.clusterId(), topic, p.partition(),
                p.leader() < 0 ? null : ctx.related("topics", topic, "partitions", id, "replicas",
                        String.valueOf(p.leader())),
                ctx.related("topics", topic, "partitions", id, "replicas"),
                ctx.related("topics", topic, "partitions", id, "reassignment"));
    }

    private static TopicsV3Json.Replica replica(V3Context ctx, String topic, int partition,
                                                MetadataService.Replica r) {
        String p = String.valueOf(partition);
        String b = String.valueOf(r.broker());
        return new TopicsV3Json.Replica("KafkaReplica",
                ctx.metadata(ctx.url("topics", topic, "partitions", p, "replicas", b),
                        ctx.crn("topic", topic, "partition", p, "replica", b)),
                ctx.clusterId(), topic, partition, r.broker(), r.leader(), r.inSync(), ctx.related("brokers", b));
    }

    private MetadataService metadata(ServerRequest req) {
        return kafka.of(req).metadata();
    }

    private TopicAdminService topics(ServerRequest req) {
        return kafka.of(req).topics();
    }
}
