package io.github.krest.proxy.http.v3;

import io.github.krest.proxy.http.CallerSessions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.github.krest.proxy.core.TopicNames;
import io.github.krest.proxy.core.admin.TopicConfigAdminService;
import io.github.krest.proxy.core.admin.TopicConfigAdminService.ConfigChange;
import io.github.krest.proxy.core.admin.TopicConfigAdminService.Operation;
import io.github.krest.proxy.error.ErrorResponse;
import io.github.krest.proxy.error.ErrorTable;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.http.BaseUrls;
import io.github.krest.proxy.http.ContentTypes;
import io.github.krest.proxy.http.Responses;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Confluent v3 topic configs (docs/api.md, "API served"):
 * <ul>
 *   <li>{@code GET /v3/clusters/{C}/topics/-/configs} — api.v3.topic-configs.list over all topics;</li>
 *   <li>{@code POST /v3/clusters/{C}/topics/-/configs:alter}
 *       {@code {"data":[{"topic_name","configs":[{"name","value","operation"}]}],"validate_only"}} —
 *       api.v3.topic-configs.alter-multi: 204, or 207 {@code {"failures":[{"topic_name","error_code","message"}]}}
 *       when Kafka refused some topics' changes; an unknown topic (404/40403) or config name (404/404) fails the
 *       whole request before anything is changed;</li>
 *   <li>{@code GET /v3/clusters/{C}/topics/{t}/configs} — api.v3.topic-configs.list, KafkaTopicConfigList;</li>
 *   <li>{@code GET /v3/clusters/{C}/topics/{t}/configs/{name}} — api.v3.topic-configs.get (unknown name 404);</li>
 *   <li>{@code PUT /v3/clusters/{C}/topics/{t}/configs/{name}} {@code {"value"}} — api.v3.topic-configs.update,
 *       204 (unknown name 404, as Confluent's "safe" update);</li>
 *   <li>{@code DELETE /v3/clusters/{C}/topics/{t}/configs/{name}} — api.v3.topic-configs.delete, resets, 204;</li>
 *   <li>{@code POST /v3/clusters/{C}/topics/{t}/configs:alter} {@code {"data":[{"name","value","operation"}]}} —
 *       api.v3.topic-configs.alter, 204; Kafka's own checks answer 400/40002.</li>
 * </ul>
 * The {@code -} routes are registered before the {@code {topic_name}} ones so they are not captured by them.
 */
final class TopicConfigsV3Resource implements HttpService {
    private final Clusters clusters;
    private final BaseUrls urls;
    private final CallerSessions kafka;
    private final long maxBodyBytes;

    TopicConfigsV3Resource(Clusters clusters, BaseUrls urls, CallerSessions kafka, long maxBodyBytes) {
        this.clusters = clusters;
        this.urls = urls;
        this.kafka = kafka;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v3/clusters/{cluster_id}/topics/-/configs", this::listAll)
                .post("/v3/clusters/{cluster_id}/topics/-/configs:alter", this::alterMany)
                .get("/v3/clusters/{cluster_id}/topics/{topic_name}/configs", this::list)
                .post("/v3/clusters/{cluster_id}/topics/{topic_name}/configs:alter", this::alter)
                .get("/v3/clusters/{cluster_id}/topics/{topic_name}/configs/{name}", this::get)
                .put("/v3/clusters/{cluster_id}/topics/{topic_name}/configs/{name}", this::update)
                .delete("/v3/clusters/{cluster_id}/topics/{topic_name}/configs/{name}", this::reset);
    }

    private void listAll(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        List<TopicsV3Json.TopicConfig> data = new ArrayList<>();
        configs(req).describeAllConfigs().forEach((topic, configs) ->
                configs.forEach(c -> data.add(config(ctx, topic, c))));
        Responses.json(res, Status.OK_200, type, ctx.list("KafkaTopicConfigList", ctx.url("topics", "-", "configs"),
                data));
    }

    private void list(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        String topic = TopicsV3Resource.topicName(req);
        Responses.json(res, Status.OK_200, type, ctx.list("KafkaTopicConfigList",
                ctx.url("topics", topic, "configs"),
                configs(req).describeConfigs(topic).stream().map(c -> config(ctx, topic, c)).toList()));
    }

    private void get(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        String topic = TopicsV3Resource.topicName(req);
        Responses.json(res, Status.OK_200, type, config(ctx, topic, configs(req).describeConfig(topic, configName(req))));
    }

    private void update(ServerRequest req, ServerResponse res) {
        clusters.context(req, urls);
        String topic = TopicsV3Resource.topicName(req);
        String value = V3Bodies.read(req, maxBodyBytes, V3Json.UpdateConfigRequest.class)
                .orElseThrow(() -> RestException.payload("Request body is empty. Data is required."))
                .value();
        configs(req).alterExistingConfig(topic, new ConfigChange(configName(req), Optional.ofNullable(value),
                Operation.SET));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void reset(ServerRequest req, ServerResponse res) {
        clusters.context(req, urls);
        configs(req).alterExistingConfig(TopicsV3Resource.topicName(req),
                new ConfigChange(configName(req), Optional.empty(), Operation.DELETE));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void alter(ServerRequest req, ServerResponse res) {
        clusters.context(req, urls);
        String topic = TopicsV3Resource.topicName(req);
        TopicsV3Json.AlterConfigBatchRequest body = V3Bodies.read(req, maxBodyBytes,
                        TopicsV3Json.AlterConfigBatchRequest.class)
                .filter(b -> b.data() != null)
                .orElseThrow(() -> RestException.payload("Request body is empty. Data is required."));
        configs(req).alterConfigs(topic, changes(body.data()), Boolean.TRUE.equals(body.validateOnly()));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void alterMany(ServerRequest req, ServerResponse res) {
        clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        TopicsV3Json.AlterTopicsConfigsRequest body = V3Bodies.read(req, maxBodyBytes,
                        TopicsV3Json.AlterTopicsConfigsRequest.class)
                .filter(b -> b.data() != null)
                .orElseThrow(() -> RestException.payload("Request body is empty. Data is required."));
        Map<String, List<ConfigChange>> changes = new LinkedHashMap<>();
        for (TopicsV3Json.TopicAlterEntry entry : body.data()) {
            if (entry == null || entry.topicName() == null || entry.configs() == null) {
                throw RestException.badRequest("Every entry needs a topic_name and configs.");
            }
            TopicNames.requireValid(entry.topicName());
            changes.computeIfAbsent(entry.topicName(), t -> new ArrayList<>()).addAll(changes(entry.configs()));
        }
        Map<String, RuntimeException> failed = configs(req).alterExistingConfigs(changes,
                Boolean.TRUE.equals(body.validateOnly()));
        if (failed.isEmpty()) {
            res.status(Status.NO_CONTENT_204).send();
            return;
        }
        List<TopicsV3Json.TopicFailure> failures = new ArrayList<>();
        failed.forEach((topic, e) -> {
            ErrorResponse error = ErrorTable.toResponse(e);
            failures.add(new TopicsV3Json.TopicFailure(topic, error.errorCode(), error.message()));
        });
        Responses.json(res, Status.MULTI_STATUS_207, type, new TopicsV3Json.AlterFailures(failures));
    }

    private static List<ConfigChange> changes(List<TopicsV3Json.AlterEntry> entries) {
        List<ConfigChange> changes = new ArrayList<>(entries.size());
        for (TopicsV3Json.AlterEntry e : entries) {
            if (e == null || e.name() == null || e.name().isEmpty()) {
                throw RestException.badRequest("Every config needs a name.");
            }
            Operation op;
            try {
                op = e.operation() == null ? Operation.SET
                        : Operation.valueOf(e.operation().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException unknown) {
                throw RestException.badRequest("Unknown operation '" + e.operation() + "': SET or DELETE.");
            }
            changes.add(new ConfigChange(e.name(), Optional.ofNullable(e.value()), op));
        }
        return changes;
    }

    private static String configName(ServerRequest req) {
        return req.path().pathParameters().get("name");
    }

    private static TopicsV3Json.TopicConfig config(V3Context ctx, String topic, TopicConfigAdminService.ConfigInfo c) {
        return new TopicsV3Json.TopicConfig("KafkaTopicConfig",
                ctx.metadata(ctx.url("topics", topic, "configs", c.name()),
                        ctx.crn("topic", topic, "config", c.name())),
                ctx.clusterId(), topic, c.name(), c.value().orElse(null), c.isDefault(), c.readOnly(),
                c.sensitive(), c.source(), c.synonyms().stream()
                        .map(s -> new V3Json.ConfigSynonym(s.name(), s.value().orElse(null), s.source()))
                        .toList());
    }

    private TopicConfigAdminService configs(ServerRequest req) {
        return kafka.of(req).topicConfigs();
    }
}
