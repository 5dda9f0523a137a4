package io.github.krest.proxy.http.v3;

import io.github.krest.proxy.http.CallerSessions;
import java.util.List;

import io.github.krest.proxy.core.admin.ConsumerGroupAdminService;
import io.github.krest.proxy.core.admin.ConsumerGroupAdminService.Consumer;
import io.github.krest.proxy.core.admin.ConsumerGroupAdminService.Group;
import io.github.krest.proxy.core.admin.ConsumerGroupAdminService.Lag;
import io.github.krest.proxy.core.admin.ConsumerGroupAdminService.LagSummary;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.http.BaseUrls;
import io.github.krest.proxy.http.ContentTypes;
import io.github.krest.proxy.http.Responses;
import io.github.krest.state.PartitionRef;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Confluent v3 consumer groups (docs/api.md, "API served"; Confluent
 * {@code ConsumerGroupsResource}, {@code ConsumersResource}, {@code ConsumerAssignmentsResource},
 * {@code ConsumerLagsResource}, {@code ConsumerGroupLagSummariesResource}):
 * <ul>
 *   <li>{@code GET /v3/clusters/{C}/consumer-groups} and {@code .../consumer-groups/{g}};</li>
 *   <li>{@code GET .../consumer-groups/{g}/consumers} and {@code .../consumers/{consumer_id}};</li>
 *   <li>{@code GET .../consumers/{consumer_id}/assignments} and {@code .../assignments/{t}/partitions/{p}};</li>
 *   <li>{@code GET .../consumer-groups/{g}/lags} (404 "Consumer lags not found." when nothing is committed),
 *       {@code .../lags/{t}/partitions/{p}} and {@code .../lag-summary}.</li>
 * </ul>
 * krest consumer instances appear as consumers of their group ({@link ConsumerGroupAdminService}).
 */
final class ConsumerGroupsV3Resource implements HttpService {
    private static final String GROUP = "/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}";
    private final Clusters clusters;
    private final BaseUrls urls;
    private final CallerSessions kafka;

    ConsumerGroupsV3Resource(Clusters clusters, BaseUrls urls, CallerSessions kafka) {
        this.clusters = clusters;
        this.urls = urls;
        this.kafka = kafka;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v3/clusters/{cluster_id}/consumer-groups", this::list)
                .get(GROUP, this::get)
                .get(GROUP + "/consumers", this::consumers)
                .get(GROUP + "/consumers/{consumer_id}", this::consumer)
                .get(GROUP + "/consumers/{consumer_id}/assignments", this::assignments)
                .get(GROUP + "/consumers/{consumer_id}/assignments/{topic_name}/partitions/{partition_id}",
                        this::assignment)
                .get(GROUP + "/lags", this::lags)
                .get(GROUP + "/lags/{topic_name}/partitions/{partition_id}", this::lag)
                .get(GROUP + "/lag-summary", this::lagSummary);
    }

    private void list(ServerRequest req, ServerResponse res) {
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        V3Context ctx = clusters.context(req, urls);
        List<ConsumerGroupsV3Json.ConsumerGroup> data = groups(req).list().stream().map(g -> group(ctx, g)).toList();
        Responses.json(res, Status.OK_200, type, ctx.list("KafkaConsumerGroupList", ctx.url("consumer-groups"),
                data));
    }

    private void get(ServerRequest req, ServerResponse res) {
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        V3Context ctx = clusters.context(req, urls);
        Responses.json(res, Status.OK_200, type, group(ctx, groups(req).group(groupId(req))));
    }

    private void consumers(ServerRequest req, ServerResponse res) {
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        V3Context ctx = clusters.context(req, urls);
        String g = groupId(req);
        List<ConsumerGroupsV3Json.Consumer> data = groups(req).consumers(g).stream().map(c -> consumer(ctx, c))
                .toList();
        Responses.json(res, Status.OK_200, type, ctx.list("KafkaConsumerList",
                ctx.url("consumer-groups", g, "consumers"), data));
    }

    private void consumer(ServerRequest req, ServerResponse res) {
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        V3Context ctx = clusters.context(req, urls);
        Responses.json(res, Status.OK_200, type, consumer(ctx, groups(req).consumer(groupId(req), consumerId(req))));
    }

    private void assignments(ServerRequest req, ServerResponse res) {
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        V3Context ctx = clusters.context(req, urls);
        Consumer c = groups(req).consumer(groupId(req), consumerId(req));
        List<ConsumerGroupsV3Json.Assignment> data = c.partitions().stream().map(p -> assignment(ctx, c, p))
                .toList();
        Responses.json(res, Status.OK_200, type, ctx.list("KafkaConsumerAssignmentList",
                ctx.url("consumer-groups", c.groupId(), "consumers", c.consumerId(), "assignments"), data));
    }

    private void assignment(ServerRequest req, ServerResponse res) {
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        V3Context ctx = clusters.context(req, urls);
        Consumer c = groups(req).consumer(groupId(req), consumerId(req));
        PartitionRef p = partition(req);
        if (!c.partitions().contains(p)) {
            throw new RestException(ErrorCode.NOT_FOUND, "Consumer assignment cannot be found.");
        }
        Responses.json(res, Status.OK_200, type, assignment(ctx, c, p));
    }

    private void lags(ServerRequest req, ServerResponse res) {
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        V3Context ctx = clusters.context(req, urls);
        String g = groupId(req);
        List<ConsumerGroupsV3Json.Lag> data = groups(req).lags(g).stream().map(l -> lag(ctx, l)).toList();
        Responses.json(res, Status.OK_200, type, ctx.list("KafkaConsumerLagList",
                ctx.url("consumer-groups", g, "lags"), data));
    }

    private void lag(ServerRequest req, ServerResponse res) {
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        V3Context ctx = clusters.context(req, urls);
        Responses.json(res, Status.OK_200, type, lag(ctx, groups(req).lag(groupId(req), partition(req))));
    }

    private void lagSummary(ServerRequest req, ServerResponse res) {
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        V3Context ctx = clusters.context(req, urls);
        String g = groupId(req);
        LagSummary s = groups(req).lagSummary(g);
        var max = s.maxLagPartition();
        var owner = max.flatMap(Lag::owner);
        Responses.json(res, Status.OK_200, type, new ConsumerGroupsV3Json.LagSummary("KafkaConsumerGroupLagSummary",
                ctx.metadata(ctx.url("consumer-groups", g, "lag-summary"),
                        ctx.crn("consumer-group", g) + "/lag-summary"),
                ctx.clusterId(), g,
                max.isEmpty() ? null : owner.map(Consumer::consumerId).orElse(""),
                owner.flatMap(Consumer::instanceId).orElse(null),
                max.isEmpty() ? null : owner.map(Consumer::clientId).orElse(""),
                max.map(l -> l.partition().topic()).orElse(null),
                max.map(l -> l.partition().partition()).orElse(null),
                s.maxLag(), s.totalLag(),
                owner.map(c -> ctx.related("consumer-groups", g, "consumers", c.consumerId())).orElse(null),
                max.map(l -> ctx.related("topics", l.partition().topic(), "partitions",
                        String.valueOf(l.partition().partition()))).orElse(null)));
    }

    private static ConsumerGroupsV3Json.ConsumerGroup group(V3Context ctx, Group g) {
        String id = g.groupId();
        return new ConsumerGroupsV3Json.ConsumerGroup("KafkaConsumerGroup",
                ctx.metadata(ctx.url("consumer-groups", id), ctx.crn("consumer-group", id)),
                ctx.clusterId(), id, g.simple(), g.partitionAssignor(), g.state(), g.type(), g.mixed(),
                g.coordinator().map(b -> ctx.related("brokers", String.valueOf(b))).orElse(null),
                ctx.related("consumer-groups", id, "consumers"),
                ctx.related("consumer-groups", id, "lag-summary"));
    }

    private static ConsumerGroupsV3Json.Consumer consumer(V3Context ctx, Consumer c) {
        return new ConsumerGroupsV3Json.Consumer("KafkaConsumer",
                ctx.metadata(ctx.url("consumer-groups", c.groupId(), "consumers", c.consumerId()),
                        ctx.crn("consumer-group", c.groupId(), "consumer", c.consumerId())),
                ctx.clusterId(), c.groupId(), c.consumerId(), c.instanceId().orElse(null), c.clientId(),
                ctx.related("consumer-groups", c.groupId(), "consumers", c.consumerId(), "assignments"));
    }

    private static ConsumerGroupsV3Json.Assignment assignment(V3Context ctx, Consumer c, PartitionRef p) {
        String partition = String.valueOf(p.partition());
        return new ConsumerGroupsV3Json.Assignment("KafkaConsumerAssignment",
                ctx.metadata(ctx.url("consumer-groups", c.groupId(), "consumers", c.consumerId(), "assignments",
                                p.topic(), "partitions", partition),
                        ctx.crn("consumer-group", c.groupId(), "consumer", c.consumerId(), "assignment",
                                p.topic(), "partition", partition)),
                ctx.clusterId(), c.groupId(), c.consumerId(), p.topic(), p.partition(),
                ctx.related("topics", p.topic(), "partitions", partition),
                ctx.related("consumer-groups", c.groupId(), "lags", p.topic(), "partitions", partition));
    }

    private static ConsumerGroupsV3Json.Lag lag(V3Context ctx, Lag l) {
        String partition = String.valueOf(l.partition().partition());
        return new ConsumerGroupsV3Json.Lag("KafkaConsumerLag",
                ctx.metadata(ctx.url("consumer-groups", l.groupId(), "lags", l.partition().topic(), "partitions",
                                partition),
                        ctx.crn("consumer-group", l.groupId(), "lag", l.partition().topic(), "partition",
                                partition)),
                ctx.clusterId(), l.groupId(), l.partition().topic(), l.partition().partition(),
                l.owner().map(Consumer::consumerId).orElse(""),
                l.owner().flatMap(Consumer::instanceId).orElse(null),
                l.owner().map(Consumer::clientId).orElse(""),
                l.currentOffset(), l.logEndOffset(), l.lag());
    }

    private static String groupId(ServerRequest req) {
        return req.path().pathParameters().get("consumer_group_id");
    }

    private static String consumerId(ServerRequest req) {
        return req.path().pathParameters().get("consumer_id");
    }

    /** @throws RestException 404 for a partition id that is not a non-negative integer or an illegal topic */
    private static PartitionRef partition(ServerRequest req) {
        String topic = req.path().pathParameters().get("topic_name");
        String id = req.path().pathParameters().get("partition_id");
        try {
            return new PartitionRef(topic, Integer.parseInt(id));
        } catch (IllegalArgumentException e) {
            throw new RestException(ErrorCode.NOT_FOUND, "Partition " + id + " of topic " + topic
                    + " cannot be found.");
        }
    }

    private ConsumerGroupAdminService groups(ServerRequest req) {
        return kafka.of(req).groups();
    }
}
