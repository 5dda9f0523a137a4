package io.github.krest.proxy.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.krest.proxy.json.Json;

/**
 * Confluent's v2 consumer API as a client calls it, one method per endpoint: {@code POST /consumers/{group}} and,
 * below {@code /consumers/{group}/instances/{name}}, subscription, assignments, positions, records, offsets and the
 * instance itself. Every method sends the request a Confluent client sends and answers the raw
 * {@link KrestHttp.Response}, so a test asserts the status, the error code or the body it expects; only
 * {@link #created} asserts (200) on its own.
 *
 * <p>An {@link Instance} is addressed by group and name below the base of whichever client sends, so an instance
 * created through one replica is used through another with that replica's client. Headers given to the
 * constructor (credentials, say) go with every request.
 */
public final class V2ConsumerClient {
    /** {@code application/vnd.kafka.v2+json}: the control requests' type. */
    public static final String V2 = "application/vnd.kafka.v2+json";
    /** {@code application/vnd.kafka.binary.v2+json}. */
    public static final String BINARY = "application/vnd.kafka.binary.v2+json";
    /** {@code application/vnd.kafka.json.v2+json}. */
    public static final String JSON = "application/vnd.kafka.json.v2+json";

    private final KrestHttp http;
    private final String[] headers;

    /**
     * @param http the client of a replica or of the load balancer
     * @param headers header names and values sent with every request, e.g. {@code Authorization}
     */
    public V2ConsumerClient(KrestHttp http, String... headers) {
        this.http = http;
        this.headers = headers.clone();
    }

    /** @return the HTTP client requests go through */
    public KrestHttp http() {
        return http;
    }

    /**
     * @param more header names and values
     * @return a client that sends them too, with every request
     */
    public V2ConsumerClient with(String... more) {
        return new V2ConsumerClient(http, plus(more));
    }

    /**
     * A consumer instance.
     *
     * @param group its group
     * @param name its name ({@code instance_id})
     */
    public record Instance(String group, String name) {
        /** @return {@code /consumers/{group}/instances/{name}}, each segment URL-encoded */
        public String path() {
            return "/consumers/" + segment(group) + "/instances/" + segment(name);
        }
    }

    /**
     * A partition's offset, for a seek or a commit.
     *
     * @param topic the topic
     * @param partition the partition
     * @param offset for a seek the next offset to read, for a commit the last offset processed
     * @param metadata a commit's metadata; null to send none
     */
    public record Offset(String topic, int partition, long offset, String metadata) {
        /** An offset without metadata. */
        public Offset(String topic, int partition, long offset) {
            this(topic, partition, offset, null);
        }
    }

    // ---- instances ----

    /**
     * {@code POST /consumers/{group}} with {@code Content-Type: application/vnd.kafka.v2+json}.
     *
     * @param body the JSON body as sent, e.g. {@code {"name":"c1","format":"binary"}}; "" for none
     */
    public KrestHttp.Response create(String group, String body) {
        return http.post("/consumers/" + segment(group), V2, body, headers);
    }

    /**
     * {@link #create}, asserting 200.
     *
     * @return the instance named by the answer's {@code instance_id}
     */
    public Instance created(String group, String body) {
        KrestHttp.Response r = create(group, body);
        assertEquals(200, r.status(), () -> "create consumer in " + group + ": " + r.body());
        return new Instance(group, r.json().get("instance_id").asText());
    }

    /** {@code DELETE /consumers/{group}/instances/{name}}. */
    public KrestHttp.Response delete(Instance instance) {
        return http.send(request(instance, "").DELETE(), headers);
    }

    // ---- subscription and assignment ----

    /** {@code POST .../subscription} with {@code {"topics": [...]}}. */
    public KrestHttp.Response subscribe(Instance instance, String... topics) {
        ObjectNode body = Json.mapper().createObjectNode();
        ArrayNode list = body.putArray("topics");
        for (String topic : topics) {
            list.add(topic);
        }
        return post(instance, "/subscription", body);
    }

    /** {@code POST .../subscription} with {@code {"topic_pattern": "..."}}. */
    public KrestHttp.Response subscribePattern(Instance instance, String pattern) {
        return post(instance, "/subscription", Json.mapper().createObjectNode().put("topic_pattern", pattern));
    }

    /** {@code GET .../subscription}. */
    public KrestHttp.Response subscription(Instance instance) {
        return http.get(instance.path() + "/subscription", headers);
    }

    /** {@code DELETE .../subscription}. */
    public KrestHttp.Response unsubscribe(Instance instance) {
        return http.send(request(instance, "/subscription").DELETE(), headers);
    }

    /** {@code POST .../assignments} with {@code {"partitions": [...]}}. */
    public KrestHttp.Response assign(Instance instance, String topic, int... partitions) {
        return post(instance, "/assignments", partitions(topic, partitions));
    }

    /** {@code GET .../assignments}. */
    public KrestHttp.Response assignments(Instance instance) {
        return http.get(instance.path() + "/assignments", headers);
    }

    // ---- positions and records ----

    /** {@code POST .../positions} with {@code {"offsets": [...]}}. */
    public KrestHttp.Response seek(Instance instance, Offset... offsets) {
        return post(instance, "/positions", offsets(offsets));
    }

    /** {@code POST .../positions} with {@code {"timestamps": [{"topic", "partition", "timestamp"}]}}. */
    public KrestHttp.Response seekToTime(Instance instance, String topic, int partition, Instant time) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.putArray("timestamps").addObject().put("topic", topic).put("partition", partition)
                .put("timestamp", time.toString());
        return post(instance, "/positions", body);
    }

    /** {@code POST .../positions/beginning} with {@code {"partitions": [...]}}. */
    public KrestHttp.Response seekToBeginning(Instance instance, String topic, int... partitions) {
        return post(instance, "/positions/beginning", partitions(topic, partitions));
    }

    /** {@code POST .../positions/end} with {@code {"partitions": [...]}}. */
    public KrestHttp.Response seekToEnd(Instance instance, String topic, int... partitions) {
        return post(instance, "/positions/end", partitions(topic, partitions));
    }

    /**
     * {@code GET .../records[?query]}.
     *
     * @param accept the {@code Accept} header, null for none (the instance's own format)
     * @param query e.g. {@code timeout=1000&max_bytes=250}; "" for none
     */
    public KrestHttp.Response poll(Instance instance, String accept, String query) {
        String path = instance.path() + "/records" + (query.isEmpty() ? "" : "?" + query);
        return accept == null ? http.get(path, headers) : http.get(path, plus("Accept", accept));
    }

    /**
     * Opens a record stream: {@code GET .../records?query} with {@code Accept: text/event-stream}, without the
     * client's headers.
     */
    public EventStream stream(Instance instance, String query) {
        try {
            return EventStream.open(http.base(), instance.path(), query);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- offsets ----

    /** {@code POST .../offsets} without a body: commit the instance's positions. */
    public KrestHttp.Response commit(Instance instance) {
        return http.post(instance.path() + "/offsets", null, "", headers);
    }

    /** {@code POST .../offsets} with {@code {"offsets": [...]}}. */
    public KrestHttp.Response commit(Instance instance, Offset... offsets) {
        return post(instance, "/offsets", offsets(offsets));
    }

    /** {@code GET .../offsets} with the body {@code {"partitions": [...]}}, as Confluent's clients send it. */
    public KrestHttp.Response committed(Instance instance, String topic, int... partitions) {
        return http.send(request(instance, "/offsets").method("GET",
                HttpRequest.BodyPublishers.ofString(json(partitions(topic, partitions)))), plus("Content-Type", V2));
    }

    // ---- bodies ----

    /** @return {@code {"partitions": [{"topic": topic, "partition": p}, ...]}} */
    private static ObjectNode partitions(String topic, int... partitions) {
        ObjectNode body = Json.mapper().createObjectNode();
        ArrayNode list = body.putArray("partitions");
        for (int p : partitions) {
            list.addObject().put("topic", topic).put("partition", p);
        }
        return body;
    }

    private static ObjectNode offsets(Offset... offsets) {
        ObjectNode body = Json.mapper().createObjectNode();
        ArrayNode list = body.putArray("offsets");
        for (Offset o : offsets) {
            ObjectNode element = list.addObject().put("topic", o.topic()).put("partition", o.partition())
                    .put("offset", o.offset());
            if (o.metadata() != null) {
                element.put("metadata", o.metadata());
            }
        }
        return body;
    }

    private KrestHttp.Response post(Instance instance, String below, ObjectNode body) {
        return http.post(instance.path() + below, V2, json(body), headers);
    }

    private HttpRequest.Builder request(Instance instance, String below) {
        return HttpRequest.newBuilder(URI.create(http.base() + instance.path() + below));
    }

    private String[] plus(String... more) {
        String[] all = Arrays.copyOf(headers, headers.length + more.length);
        System.arraycopy(more, 0, all, headers.length, more.length);
        return all;
    }

    private static String json(ObjectNode body) {
        try {
            return Json.mapper().writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
