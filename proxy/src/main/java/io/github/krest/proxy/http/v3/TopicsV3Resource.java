package io.github.krest.proxy.http.v3;

import io.github.krest.proxy.http.CallerSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.krest.proxy.core.TopicNames;
import io.github.krest.proxy.core.admin.TopicAdminService;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.http.BaseUrls;
import io.github.krest.proxy.http.ContentTypes;
import io.github.krest.proxy.http.RequestBodies;
import io.github.krest.proxy.http.Responses;
import io.github.krest.proxy.json.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Confluent v3 topics (docs/api.md, "API served"):
 * <ul>
 *   <li>{@code GET /v3/clusters/{C}/topics?includeAuthorizedOperations=} — api.v3.topics.list, KafkaTopicList
 *       sorted by name, internal topics left out;</li>
 *   <li>{@code POST /v3/clusters/{C}/topics} — api.v3.topics.create, 201 + {@code Location} (200 with
 *       {@code validate_only}); no {@code topic_name} (e.g. {@code {}}) 400/400, as Confluent's mapping of its
 *       required field; invalid name or empty body 422/42206, existing topic 400/40002;</li>
 *   <li>{@code GET /v3/clusters/{C}/topics/{t}?include_authorized_operations=} — api.v3.topics.get;</li>
 *   <li>{@code PATCH /v3/clusters/{C}/topics/{t}} {@code {"partitions_count": N}} — api.v3.topics.partitions,
 *       increase only (else 400/40002);</li>
 *   <li>{@code DELETE /v3/clusters/{C}/topics/{t}} — api.v3.topics.delete, 204.</li>
 * </ul>
 * An unknown topic answers 404/40403.
 */
final class TopicsV3Resource implements HttpService {
    private final Clusters clusters;
    private final BaseUrls urls;
    private final CallerSessions kafka;
    private final long maxBodyBytes;

    TopicsV3Resource(Clusters clusters, BaseUrls urls, CallerSessions kafka, long maxBodyBytes) {
        this.clusters = clusters;
        this.urls = urls;
        this.kafka = kafka;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v3/clusters/{cluster_id}/topics", this::list)
                .post("/v3/clusters/{cluster_id}/topics", this::create)
                .get("/v3/clusters/{cluster_id}/topics/{topic_name}", this::get)
                .patch("/v3/clusters/{cluster_id}/topics/{topic_name}", this::updatePartitions)
                .delete("/v3/clusters/{cluster_id}/topics/{topic_name}", this::delete);
    }

    private void list(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        boolean ops = booleanQuery(req, "includeAuthorizedOperations");
        Responses.json(res, Status.OK_200, type, ctx.list("KafkaTopicList", ctx.url("topics"),
                topics(req).listTopics(ops).stream().map(t -> topic(ctx, t)).toList()));
    }

    private void create(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        TopicsV3Json.CreateTopicRequest body = V3Bodies.read(req, maxBodyBytes, TopicsV3Json.CreateTopicRequest.class)
                .orElseThrow(() -> RestException.payload("Request body is empty. Data is required."));
        String name = body.topicName();
        if (name == null) {
            throw RestException.badRequest("Missing required field topic_name.");
        }
        try {
            TopicNames.requireValid(name);
        } catch (RestException invalid) {
            throw RestException.payload("Invalid topic name.");
        }
        Map<Integer, List<Integer>> assignments = new TreeMap<>();
        if (body.replicasAssignments() != null) {
            body.replicasAssignments().forEach((partition, brokers) -> {
                try {
                    assignments.put(Integer.parseInt(partition), brokers == null ? List.of() : List.copyOf(brokers));
                } catch (NumberFormatException | NullPointerException e) {
                    throw RestException.badRequest("replicas_assignments keys must be partition ids, not '"
                            + partition + "'.");
                }
            });
        }
        Optional<Short> replicationFactor = Optional.ofNullable(body.replicationFactor()).map(rf -> {
            if (rf < 1 || rf > Short.MAX_VALUE) {
                // as Kafka's InvalidReplicationFactorException answers (-1 would silently mean the default)
                throw new RestException(ErrorCode.KAFKA_BAD_REQUEST,
                        "Replication factor must be between 1 and " + Short.MAX_VALUE + ".");
            }
            return rf.shortValue();
        });
        Map<String, String> configs = new TreeMap<>();
        if (body.configs() != null) {
            for (TopicsV3Json.ConfigValue c : body.configs()) {
                if (c == null || c.name() == null) {
                    throw RestException.badRequest("Every config needs a name.");
                }
                configs.put(c.name(), c.value());
            }
        }
        boolean validateOnly = Boolean.TRUE.equals(body.validateOnly());
        TopicAdminService.TopicInfo created = topics(req).createTopic(new TopicAdminService.NewTopicSpec(name,
                Optional.ofNullable(body.partitionsCount()), replicationFactor, assignments, configs), validateOnly);
        if (!validateOnly) {
            res.header(HeaderNames.LOCATION, ctx.url("topics", name));
        }
        Responses.json(res, validateOnly ? Status.OK_200 : Status.CREATED_201, type, topic(ctx, created));
    }

    private void get(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        boolean ops = booleanQuery(req, "include_authorized_operations");
        Responses.json(res, Status.OK_200, type, topic(ctx, topics(req).describeTopic(topicName(req), ops)));
    }

    private void updatePartitions(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        String name = topicName(req);
        Integer count = V3Bodies.read(req, maxBodyBytes, TopicsV3Json.UpdatePartitionCountRequest.class)
                .map(TopicsV3Json.UpdatePartitionCountRequest::partitionsCount)
                .orElseThrow(() -> RestException.payload("Request body is empty. Partitions_count is required."));
        Responses.json(res, Status.OK_200, type, topic(ctx, topics(req).createPartitions(name, count)));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        clusters.context(req, urls);
        topics(req).deleteTopic(topicName(req));
        res.status(Status.NO_CONTENT_204).send();
    }

    static TopicsV3Json.Topic topic(V3Context ctx, TopicAdminService.TopicInfo t) {
        return new TopicsV3Json.Topic("KafkaTopic",
                ctx.metadata(ctx.url("topics", t.name()), ctx.crn("topic", t.name())),
                ctx.clusterId(), t.name(), t.internal(), t.replicationFactor(), t.partitionsCount(),
                ctx.related("topics", t.name(), "partitions"),
                ctx.related("topics", t.name(), "configs"),
                ctx.related("topics", t.name(), "partitions", "-", "reassignment"),
                t.authorizedOperations());
    }

    static String topicName(ServerRequest req) {
        return req.path().pathParameters().get("topic_name");
    }

    private static boolean booleanQuery(ServerRequest req, String name) {
        return req.query().first(name).map(Boolean::parseBoolean).orElse(false);
    }

    private TopicAdminService topics(ServerRequest req) {
        return kafka.of(req).topics();
    }
}
