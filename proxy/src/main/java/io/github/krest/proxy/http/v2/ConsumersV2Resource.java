package io.github.krest.proxy.http.v2;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.krest.proxy.caller.Caller;
import io.github.krest.proxy.core.CommittedOffset;
import io.github.krest.proxy.core.consumer.ConsumerService;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.format.EmbeddedFormat;
import io.github.krest.proxy.format.RecordRenderers;
import io.github.krest.proxy.http.BaseUrls;
import io.github.krest.proxy.http.ContentTypes;
import io.github.krest.proxy.http.RequestBodies;
import io.github.krest.proxy.http.Responses;
import io.github.krest.proxy.http.WebSocketUpgrades;
import io.github.krest.proxy.http.v2.ConsumersV2Json.CommitBody;
import io.github.krest.proxy.http.v2.ConsumersV2Json.CreateBody;
import io.github.krest.proxy.http.v2.ConsumersV2Json.PartitionsBody;
import io.github.krest.proxy.http.v2.ConsumersV2Json.SeekBody;
import io.github.krest.proxy.http.v2.ConsumersV2Json.SubscribeBody;
import io.github.krest.proxy.limit.PollBulkhead;
import io.github.krest.state.PartitionRef;
import io.helidon.common.media.type.MediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Confluent v2 consumers (docs/api.md, "API served"), served statelessly by {@link ConsumerService}: {@code POST /consumers/{group}}
 * (api.v2.consumers.create), {@code DELETE .../instances/{instance}} (delete), {@code POST|GET|DELETE
 * .../subscription}, {@code POST|GET .../assignments}, {@code POST .../positions}, {@code .../positions/beginning},
 * {@code .../positions/end}, {@code GET .../records} (consume-{format}; {@link RecordPolls}, or a
 * {@link RecordStream} for {@code Accept: text/event-stream}, or a {@link RecordSocket} for {@code Upgrade: websocket}),
 * {@code POST .../offsets} (commit-offsets) and
 * {@code GET .../offsets} (get-committed-offsets).
 *
 * <p>{@code base_uri} is built from {@code advertised.listeners}, else the forwarding headers, so it points at the
 * load balancer. Control requests take {@code application/vnd.kafka.v2+json} (or {@code application/json}, or an
 * embedded type as Confluent allows); their bodies are bound to the records of {@link ConsumersV2Json} by
 * {@link ConsumersV2Bodies}, and turned into core values here.
 */
final class ConsumersV2Resource implements HttpService {
    private static final String INSTANCE = InstanceRef.PATH;
    /** {@code GET .../records}: a poll, a {@link RecordStream}, or a {@link RecordSocket} when upgraded. */
    static final String RECORDS = INSTANCE + "/records";

    private final ConsumerService consumers;
    private final BaseUrls urls;
    private final long maxBodyBytes;
    private final RecordRenderers renderers;
    private final RecordPolls polls;
    private final RecordStream stream;
    private final long streamMaxDurationMs;

    /**
     * @param consumers consumer service
     * @param urls absolute URL base
     * @param maxBodyBytes {@code request.body.max.bytes}
     * @param polls the bulkhead of {@code GET .../records}, shared by the replica's listeners
     * @param renderers the renderers of the embedded formats
     * @param streamMaxDurationMs {@code consumer.stream.max.duration.ms}
     */
    ConsumersV2Resource(ConsumerService consumers, BaseUrls urls, long maxBodyBytes, PollBulkhead polls,
                        RecordRenderers renderers, long streamMaxDurationMs) {
        this.consumers = consumers;
        this.urls = urls;
        this.maxBodyBytes = maxBodyBytes;
        this.renderers = renderers;
        this.polls = new RecordPolls(consumers, polls, renderers);
        this.stream = new RecordStream(this.polls, consumers, streamMaxDurationMs);
        this.streamMaxDurationMs = streamMaxDurationMs;
    }

    @Override
    public void routing(HttpRules rules) {
        WebSocketUpgrades.route(rules, RECORDS, req -> RecordSocket.of(req, polls, consumers, streamMaxDurationMs));
        rules.post("/consumers/{group}", this::create)
                .delete(INSTANCE, this::delete)
                .post(INSTANCE + "/subscription", this::subscribe)
                .get(INSTANCE + "/subscription", this::getSubscription)
                .delete(INSTANCE + "/subscription", this::unsubscribe)
                .post(INSTANCE + "/assignments", this::assign)
                .get(INSTANCE + "/assignments", this::getAssignments)
                .post(INSTANCE + "/positions", this::seek)
                .post(INSTANCE + "/positions/beginning", (req, res) -> seekTo(req, res, true))
                .post(INSTANCE + "/positions/end", (req, res) -> seekTo(req, res, false))
                .get(RECORDS, this::records)
                .post(INSTANCE + "/offsets", this::commit)
                .get(INSTANCE + "/offsets", this::committed);
    }

    private void create(ServerRequest req, ServerResponse res) {
        MediaType type = controlRequest(req);
        String group = req.path().pathParameters().get("group");
        ConsumerService.CreateRequest request = ConsumersV2Bodies.readOrEmpty(req, maxBodyBytes, CreateBody.class)
                .toRequest();
        // schema formats need a Schema Registry (422/42206); an unknown format is ConsumerService's 422
        request.format().flatMap(EmbeddedFormat::ofName).ifPresent(renderers::requireAvailable);
        String name = consumers.create(group, request, Caller.of(req).kafkaIdentity());
        String baseUri = urls.base(req) + "/consumers/" + segment(group) + "/instances/" + segment(name);
        Responses.json(res, Status.OK_200, type, new ConsumersV2Json.Created(name, baseUri));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        ContentTypes.negotiate(req, ContentTypes.V2_RESPONSE);
        InstanceRef i = InstanceRef.of(req);
        consumers.delete(i.group(), i.instance(), i.caller());
        res.status(Status.NO_CONTENT_204).send();
    }

    private void subscribe(ServerRequest req, ServerResponse res) {
        controlRequest(req);
        SubscribeBody body = ConsumersV2Bodies.require(req, maxBodyBytes, SubscribeBody.class);
        InstanceRef i = InstanceRef.of(req);
        consumers.subscribe(i.group(), i.instance(), i.caller(), body.topicNames(),
                Optional.ofNullable(body.topicPattern()));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void getSubscription(ServerRequest req, ServerResponse res) {
        MediaType type = ContentTypes.negotiate(req, ContentTypes.V2_RESPONSE);
        InstanceRef i = InstanceRef.of(req);
        Responses.json(res, Status.OK_200, type,
                new ConsumersV2Json.Topics(consumers.subscription(i.group(), i.instance(), i.caller())));
    }

    private void unsubscribe(ServerRequest req, ServerResponse res) {
        ContentTypes.negotiate(req, ContentTypes.V2_RESPONSE);
        InstanceRef i = InstanceRef.of(req);
        consumers.unsubscribe(i.group(), i.instance(), i.caller());
        res.status(Status.NO_CONTENT_204).send();
    }

    private void assign(ServerRequest req, ServerResponse res) {
        controlRequest(req);
        List<PartitionRef> partitions = ConsumersV2Bodies.require(req, maxBodyBytes, PartitionsBody.class).refs();
        InstanceRef i = InstanceRef.of(req);
        consumers.assign(i.group(), i.instance(), i.caller(), partitions);
        res.status(Status.NO_CONTENT_204).send();
    }

    private void getAssignments(ServerRequest req, ServerResponse res) {
        MediaType type = ContentTypes.negotiate(req, ContentTypes.V2_RESPONSE);
        InstanceRef i = InstanceRef.of(req);
        List<PartitionRef> partitions = consumers.assignment(i.group(), i.instance(), i.caller());
        Responses.json(res, Status.OK_200, type,
                new ConsumersV2Json.Partitions(partitions.stream().map(ConsumersV2Json.Partition::of).toList()));
    }

    private void seek(ServerRequest req, ServerResponse res) {
        controlRequest(req);
        SeekBody body = ConsumersV2Bodies.require(req, maxBodyBytes, SeekBody.class);
        Map<PartitionRef, Long> offsets = body.offsetsByPartition();
        Map<PartitionRef, Instant> timestamps = body.timestampsByPartition();
        if (offsets.isEmpty() && timestamps.isEmpty()) {
            throw RestException.badRequest("A seek needs offsets or timestamps.");
        }
        InstanceRef i = InstanceRef.of(req);
        consumers.seek(i.group(), i.instance(), i.caller(), offsets, timestamps, List.of(), List.of());
        res.status(Status.NO_CONTENT_204).send();
    }

    private void seekTo(ServerRequest req, ServerResponse res, boolean beginning) {
        controlRequest(req);
        List<PartitionRef> partitions = ConsumersV2Bodies.require(req, maxBodyBytes, PartitionsBody.class).refs();
        InstanceRef i = InstanceRef.of(req);
        consumers.seek(i.group(), i.instance(), i.caller(), Map.of(), Map.of(),
                beginning ? partitions : List.of(), beginning ? List.of() : partitions);
        res.status(Status.NO_CONTENT_204).send();
    }

    private void records(ServerRequest req, ServerResponse res) {
        if (RecordStream.wanted(req)) {
            stream.serve(req, res);
        } else {
            polls.answer(req, res);
        }
    }

    private void commit(ServerRequest req, ServerResponse res) {
        MediaType type = controlRequest(req);
        boolean async = req.query().first("async").map(Boolean::parseBoolean).orElse(false);
        Optional<Map<PartitionRef, CommittedOffset>> explicit =
                ConsumersV2Bodies.readOrEmpty(req, maxBodyBytes, CommitBody.class).explicitOffsets();
        InstanceRef i = InstanceRef.of(req);
        consumers.commit(i.group(), i.instance(), i.caller(), explicit, async);
        Responses.json(res, Status.OK_200, type, List.of());
    }

    private void committed(ServerRequest req, ServerResponse res) {
        MediaType type = ContentTypes.negotiate(req, ContentTypes.V2_RESPONSE);
        List<PartitionRef> partitions = ConsumersV2Bodies.readOrEmpty(req, maxBodyBytes, PartitionsBody.class)
                .refs();
        InstanceRef i = InstanceRef.of(req);
        List<ConsumersV2Json.PartitionOffset> offsets = consumers.committed(i.group(), i.instance(), i.caller(),
                partitions).stream().map(c -> new ConsumersV2Json.PartitionOffset(c.partition().topic(),
                        c.partition().partition(), c.offset(), c.metadata())).toList();
        Responses.json(res, Status.OK_200, type, new ConsumersV2Json.Offsets(offsets));
    }

    /** Checks a control request's content type (when it has a body) and negotiates the response type. */
    private static MediaType controlRequest(ServerRequest req) {
        if (RequestBodies.hasBody(req) || req.headers().contentType().isPresent()) {
            String type = ContentTypes.contentType(req).orElse("");
            boolean ok = type.equals(ContentTypes.V2_JSON.text()) || type.equals(ContentTypes.KAFKA_JSON.text())
                    || type.equals(ContentTypes.JSON.text())
                    || EmbeddedFormat.ofProduceContentType(type).isPresent();
            if (!ok) {
                throw ContentTypes.unsupportedMediaType();
            }
        }
        return ContentTypes.negotiate(req, ContentTypes.V2_RESPONSE);
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
