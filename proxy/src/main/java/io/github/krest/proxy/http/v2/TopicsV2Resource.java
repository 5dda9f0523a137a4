package io.github.krest.proxy.http.v2;

import io.github.krest.proxy.http.CallerSessions;
import io.github.krest.proxy.core.MetadataService;
import io.github.krest.proxy.http.ContentTypes;
import io.github.krest.proxy.http.PathParams;
import io.github.krest.proxy.http.Responses;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Confluent v2 topic, partition and broker metadata:
 * {@code GET /topics} (api.v2.topics.list), {@code GET /topics/{topic}} (api.v2.topics.get),
 * {@code GET /topics/{topic}/partitions} (api.v2.partitions.list),
 * {@code GET /topics/{topic}/partitions/{partition}} (api.v2.partitions.get),
 * {@code GET /topics/{topic}/partitions/{partition}/offsets} (api.v2.partitions.get-offsets),
 * {@code GET /brokers} (api.v2.brokers.list).
 *
 * <p>Errors: unknown topic 404/40403, unknown partition 404/40402, invalid topic name 400/40002.
 */
final class TopicsV2Resource implements HttpService {
    private final CallerSessions kafka;

    TopicsV2Resource(CallerSessions kafka) {
        this.kafka = kafka;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/topics", this::listTopics)
                .get("/topics/{topic}", this::getTopic)
                .get("/topics/{topic}/partitions", this::listPartitions)
                .get("/topics/{topic}/partitions/{partition}", this::getPartition)
                .get("/topics/{topic}/partitions/{partition}/offsets", this::getOffsets)
                .get("/brokers", this::listBrokers);
    }

    private void listTopics(ServerRequest req, ServerResponse res) {
        var type = ContentTypes.negotiate(req, ContentTypes.V2_RESPONSE);
        Responses.json(res, Status.OK_200, type, metadata(req).topicNames());
    }

    private void getTopic(ServerRequest req, ServerResponse res) {
        var type = ContentTypes.negotiate(req, ContentTypes.V2_RESPONSE);
        MetadataService.Topic topic = metadata(req).topic(req.path().pathParameters().get("topic"));
        Responses.json(res, Status.OK_200, type, new V2Json.Topic(topic.name(), topic.configs(),
                topic.partitions().stream().map(V2Json.Partition::of).toList()));
    }

    private void listPartitions(ServerRequest req, ServerResponse res) {
        var type = ContentTypes.negotiate(req, ContentTypes.V2_RESPONSE);
        Responses.json(res, Status.OK_200, type, metadata(req).partitions(req.path().pathParameters().get("topic"))
                .stream().map(V2Json.Partition::of).toList());
    }

    private void getPartition(ServerRequest req, ServerResponse res) {
        var type = ContentTypes.negotiate(req, ContentTypes.V2_RESPONSE);
        String topic = req.path().pathParameters().get("topic");
        int partition = PathParams.partition(req, topic);
        Responses.json(res, Status.OK_200, type, V2Json.Partition.of(metadata(req).partition(topic, partition)));
    }

    private void getOffsets(ServerRequest req, ServerResponse res) {
        var type = ContentTypes.negotiate(req, ContentTypes.V2_RESPONSE);
        String topic = req.path().pathParameters().get("topic");
        int partition = PathParams.partition(req, topic);
        MetadataService.PartitionOffsets offsets = metadata(req).offsets(topic, partition);
        Responses.json(res, Status.OK_200, type,
                new V2Json.PartitionOffsets(offsets.beginningOffset(), offsets.endOffset()));
    }

    private void listBrokers(ServerRequest req, ServerResponse res) {
        var type = ContentTypes.negotiate(req, ContentTypes.V2_RESPONSE);
        Responses.json(res, Status.OK_200, type, new V2Json.Brokers(metadata(req).brokers()));
    }

    private MetadataService metadata(ServerRequest req) {
        return kafka.of(req).metadata();
    }
}
