package io.github.krest.proxy.http.v3;

import io.github.krest.proxy.http.CallerSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.krest.proxy.core.admin.BrokerAdminService;
import io.github.krest.proxy.core.admin.BrokerAdminService.ConfigChange;
import io.github.krest.proxy.core.admin.BrokerAdminService.ConfigValue;
import io.github.krest.proxy.core.admin.BrokerAdminService.Operation;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.http.BaseUrls;
import io.github.krest.proxy.http.ContentTypes;
import io.github.krest.proxy.http.RequestBodies;
import io.github.krest.proxy.http.Responses;
import io.github.krest.proxy.json.Json;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Confluent v3 brokers and broker configs (docs/api.md, "API served"):
 * <ul>
 *   <li>{@code GET /v3/clusters/{C}/brokers} (api.v3.brokers.list, KafkaBrokerList) and
 *       {@code GET .../brokers/{broker_id}} (api.v3.brokers.get, KafkaBroker);</li>
 *   <li>{@code GET .../brokers/{broker_id}/configs} (api.v3.broker-configs.list, KafkaBrokerConfigList),
 *       {@code GET|PUT|DELETE .../brokers/{broker_id}/configs/{name}} (api.v3.broker-configs.get|update|delete;
 *       PUT {@code {"value": "..."}} and DELETE, which resets to the default, answer 204),
 *       {@code POST .../brokers/{broker_id}/configs:alter} (api.v3.broker-configs.alter, 204) and
 *       {@code GET .../brokers/-/configs} (api.v3.brokers-configs.list, every broker's configs);</li>
 *   <li>{@code GET .../brokers/{broker_id}/partition-replicas} (api.v3.replicas.search-by-broker,
 *       KafkaReplicaList);</li>
 *   <li>{@code GET .../broker-configs}, {@code GET|PUT|DELETE .../broker-configs/{name}} and
 *       {@code POST .../broker-configs:alter} (api.v3.cluster-configs.list|get|update|delete|alter): the dynamic
 *       cluster-wide default broker configs, KafkaClusterConfig with {@code config_type} {@code BROKER}.</li>
 * </ul>
 *
 * <p>{@code :alter} bodies are {@code {"data": [{"name", "value"?, "operation"?: "SET"|"DELETE"}],
 * "validate_only"?: bool}}, operation SET by default. Errors: unknown cluster, broker or config 404/404; a body
 * without {@code Content-Type: application/json} 415/415, malformed or wrongly typed 400/400, larger than
 * {@code request.body.max.bytes} 413/413; a value Kafka rejects 400/40002.
 */
final class BrokersV3Resource implements HttpService {
    private static final String CLUSTER = "/v3/clusters/{cluster_id}";
    private static final String BROKER = CLUSTER + "/brokers/{broker_id}";

    private final Clusters clusters;
    private final BaseUrls urls;
    private final CallerSessions kafka;
    private final long maxBodyBytes;

    /**
     * @param clusters the served cluster
     * @param urls absolute URL base
     * @param kafka the caller's broker admin operations
     * @param maxBodyBytes {@code request.body.max.bytes}
     */
    BrokersV3Resource(Clusters clusters, BaseUrls urls, CallerSessions kafka, long maxBodyBytes) {
        this.clusters = clusters;
        this.urls = urls;
        this.kafka = kafka;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        // "-" (all brokers) before the {broker_id} routes, which would take it as an id
        rules.get(CLUSTER + "/brokers", this::listBrokers)
                .get(CLUSTER + "/brokers/-/configs", this::listAllBrokerConfigs)
                .get(BROKER, this::getBroker)
                .get(BROKER + "/configs", this::listBrokerConfigs)
                .post(BROKER + "/configs:alter", this::alterBrokerConfigs)
                .get(BROKER + "/configs/{name}", this::getBrokerConfig)
                .put(BROKER + "/configs/{name}", this::updateBrokerConfig)
                .delete(BROKER + "/configs/{name}", this::resetBrokerConfig)
                .get(BROKER + "/partition-replicas", this::listReplicas)
                .get(CLUSTER + "/broker-configs", this::listClusterConfigs)
                .post(CLUSTER + "/broker-configs:alter", this::alterClusterConfigs)
                .get(CLUSTER + "/broker-configs/{name}", this::getClusterConfig)
                .put(CLUSTER + "/broker-configs/{name}", this::updateClusterConfig)
                .delete(CLUSTER + "/broker-configs/{name}", this::resetClusterConfig);
    }

    private void listBrokers(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        List<BrokersV3Json.Broker> data = brokers(req).brokers().stream().map(b -> broker(ctx, b)).toList();
        Responses.json(res, Status.OK_200, type, ctx.list("KafkaBrokerList", ctx.url("brokers"), data));
    }

    private void getBroker(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        Responses.json(res, Status.OK_200, type, broker(ctx, brokers(req).broker(brokerId(req))));
    }

    private void listBrokerConfigs(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        int id = brokerId(req);
        List<BrokersV3Json.BrokerConfig> data = brokers(req).brokerConfigs(id).stream()
                .map(c -> brokerConfig(ctx, id, c)).toList();
        Responses.json(res, Status.OK_200, type,
                ctx.list("KafkaBrokerConfigList", ctx.url("brokers", Integer.toString(id), "configs"), data));
    }

    private void listAllBrokerConfigs(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        List<BrokersV3Json.BrokerConfig> data = new ArrayList<>();
        for (Map.Entry<Integer, List<ConfigValue>> e : brokers(req).allBrokerConfigs().entrySet()) {
            e.getValue().forEach(c -> data.add(brokerConfig(ctx, e.getKey(), c)));
        }
        Responses.json(res, Status.OK_200, type,
                ctx.list("KafkaBrokerConfigList", ctx.url("brokers", "-", "configs"), data));
    }

    private void getBrokerConfig(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        int id = brokerId(req);
        Responses.json(res, Status.OK_200, type, brokerConfig(ctx, id, brokers(req).brokerConfig(id, name(req))));
    }

    private void updateBrokerConfig(ServerRequest req, ServerResponse res) {
        clusters.context(req, urls);
        int id = brokerId(req);
        ConfigChange change = set(name(req), readUpdate(req));
        brokers(req).alterBrokerConfigs(id, List.of(change), false);
        noContent(res);
    }

    private void resetBrokerConfig(ServerRequest req, ServerResponse res) {
        clusters.context(req, urls);
        int id = brokerId(req);
        brokers(req).alterBrokerConfigs(id, List.of(new ConfigChange(name(req), Optional.empty(), Operation.DELETE)),
                false);
        noContent(res);
    }

    private void alterBrokerConfigs(ServerRequest req, ServerResponse res) {
        clusters.context(req, urls);
        int id = brokerId(req);
        BrokersV3Json.AlterConfigsRequest body = readAlter(req);
        brokers(req).alterBrokerConfigs(id, changes(body), Boolean.TRUE.equals(body.validateOnly()));
        noContent(res);
    }

    private void listReplicas(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        int id = brokerId(req);
        List<BrokersV3Json.Replica> data = brokers(req).replicas(id).stream().map(r -> {
            String partition = Integer.toString(r.partition());
            String broker = Integer.toString(r.broker());
            return new BrokersV3Json.Replica("KafkaReplica",
                    ctx.metadata(ctx.url("topics", r.topic(), "partitions", partition, "replicas", broker),
                            ctx.crn("topic", r.topic(), "partition", partition, "replica", broker)),
                    ctx.clusterId(), r.topic(), r.partition(), r.broker(), r.isLeader(), r.isInSync(),
                    ctx.related("brokers", broker));
        }).toList();
        Responses.json(res, Status.OK_200, type,
                ctx.list("KafkaReplicaList", ctx.url("brokers", Integer.toString(id), "partition-replicas"), data));
    }

    private void listClusterConfigs(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        List<BrokersV3Json.ClusterConfig> data = brokers(req).clusterConfigs().stream()
                .map(c -> clusterConfig(ctx, c)).toList();
        Responses.json(res, Status.OK_200, type,
                ctx.list("KafkaClusterConfigList", ctx.url("broker-configs"), data));
    }

    private void getClusterConfig(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        String name = name(req);
        ConfigValue config = brokers(req).clusterConfig(name).orElseThrow(() -> new RestException(ErrorCode.NOT_FOUND,
                "Config " + name + " cannot be found for cluster " + ctx.clusterId() + "."));
        Responses.json(res, Status.OK_200, type, clusterConfig(ctx, config));
    }

    private void updateClusterConfig(ServerRequest req, ServerResponse res) {
        clusters.context(req, urls);
        brokers(req).alterClusterConfigs(List.of(set(name(req), readUpdate(req))), false);
        noContent(res);
    }

    private void resetClusterConfig(ServerRequest req, ServerResponse res) {
        clusters.context(req, urls);
        brokers(req).alterClusterConfigs(List.of(new ConfigChange(name(req), Optional.empty(), Operation.DELETE)), false);
        noContent(res);
    }

    private void alterClusterConfigs(ServerRequest req, ServerResponse res) {
        clusters.context(req, urls);
        BrokersV3Json.AlterConfigsRequest body = readAlter(req);
        brokers(req).alterClusterConfigs(changes(body), Boolean.TRUE.equals(body.validateOnly()));
        noContent(res);
    }

    private static BrokersV3Json.Broker broker(V3Context ctx, BrokerAdminService.Broker b) {
        String id = Integer.toString(b.id());
        return new BrokersV3Json.Broker("KafkaBroker",
                ctx.metadata(ctx.url("brokers", id), ctx.crn("broker", id)),
                ctx.clusterId(), b.id(), b.host(), b.port(), b.rack().orElse(null),
                ctx.related("brokers", id, "configs"),
                ctx.related("brokers", id, "partition-replicas"));
    }

    private static BrokersV3Json.BrokerConfig brokerConfig(V3Context ctx, int brokerId, ConfigValue c) {
        String id = Integer.toString(brokerId);
        return new BrokersV3Json.BrokerConfig("KafkaBrokerConfig",
                ctx.metadata(ctx.url("brokers", id, "configs", c.name()), ctx.crn("broker", id, "config", c.name())),
                ctx.clusterId(), brokerId, c.name(), c.value().orElse(null), c.isDefault(), c.isReadOnly(),
                c.isSensitive(), c.source(), synonyms(c));
    }

    private static BrokersV3Json.ClusterConfig clusterConfig(V3Context ctx, ConfigValue c) {
        return new BrokersV3Json.ClusterConfig("KafkaClusterConfig",
                ctx.metadata(ctx.url("broker-configs", c.name()), ctx.crn("broker-config", c.name())),
                ctx.clusterId(), "BROKER", c.name(), c.value().orElse(null), c.isDefault(), c.isReadOnly(),
                c.isSensitive(), c.source(), synonyms(c));
    }

    private static List<V3Json.ConfigSynonym> synonyms(ConfigValue c) {
        return c.synonyms().stream()
                .map(s -> new V3Json.ConfigSynonym(s.name(), s.value().orElse(null), s.source()))
                .toList();
    }

    /** Jersey answers 404 for an {@code int} path parameter it cannot parse; so does krest. */
    private static int brokerId(ServerRequest req) {
        String raw = req.path().pathParameters().get("broker_id");
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new RestException(ErrorCode.NOT_FOUND, "Broker " + raw + " cannot be found.");
        }
    }

    private static String name(ServerRequest req) {
        return req.path().pathParameters().get("name");
    }

    private static ConfigChange set(String name, V3Json.UpdateConfigRequest body) {
        if (body.value() == null) {
            throw RestException.badRequest("Config " + name + " needs a value.");
        }
        return new ConfigChange(name, Optional.of(body.value()), Operation.SET);
    }

    private static List<ConfigChange> changes(BrokersV3Json.AlterConfigsRequest body) {
        if (body.data() == null) {
            throw RestException.badRequest("data is required.");
        }
        List<ConfigChange> changes = new ArrayList<>(body.data().size());
        for (BrokersV3Json.AlterConfigEntry e : body.data()) {
            if (e == null || e.name() == null || e.name().isEmpty()) {
                throw RestException.badRequest("Every data entry needs a name.");
            }
            Operation op = operation(e.operation());
            if (op == Operation.SET && e.value() == null) {
                throw RestException.badRequest("Config " + e.name() + " needs a value to SET.");
            }
            changes.add(new ConfigChange(e.name(), Optional.ofNullable(e.value()), op));
        }
        return changes;
    }

    private static Operation operation(String raw) {
        if (raw == null) {
            return Operation.SET;
        }
        return switch (raw.toUpperCase(Locale.ROOT)) {
            case "SET" -> Operation.SET;
            case "DELETE" -> Operation.DELETE;
            default -> throw RestException.badRequest("Unknown operation " + raw + ": SET or DELETE.");
        };
    }

    private V3Json.UpdateConfigRequest readUpdate(ServerRequest req) {
        return V3Bodies.require(req, maxBodyBytes, V3Json.UpdateConfigRequest.class);
    }

    private BrokersV3Json.AlterConfigsRequest readAlter(ServerRequest req) {
        return V3Bodies.require(req, maxBodyBytes, BrokersV3Json.AlterConfigsRequest.class);
    }


    private static void noContent(ServerResponse res) {
        res.status(Status.NO_CONTENT_204);
        res.send();
    }

    private BrokerAdminService brokers(ServerRequest req) {
        return kafka.of(req).brokers();
    }
}
