package io.github.krest.proxy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.cluster.DeliveryLog.Position;
import io.github.krest.proxy.testing.KrestHttp;

/** Confluent v2 binary produce ({@code POST /topics/{topic}}) through one base URL, for producing test data. */
final class V2ProduceClient {
    static final String BINARY_V2 = "application/vnd.kafka.binary.v2+json";

    private final KrestHttp http;

    V2ProduceClient(KrestHttp http) {
        this.http = http;
    }

    /**
     * Produces records {@code first .. first+count-1} in one request, record {@code i} with key {@code k-i}, value
     * {@code <topic>-v-i} and partition {@code i % partitions}, and asserts that every one was written.
     *
     * @return each record's value by where Kafka put it
     */
    Map<Position, String> produce(String topic, int first, int count, int partitions) {
        Base64.Encoder b64 = Base64.getEncoder();
        StringBuilder body = new StringBuilder("{\"records\":[");
        for (int i = first; i < first + count; i++) {
            if (i > first) {
                body.append(',');
            }
            body.append("{\"key\":\"").append(b64.encodeToString(("k-" + i).getBytes(StandardCharsets.UTF_8)))
                    .append("\",\"value\":\"").append(b64.encodeToString(value(topic, i)
                            .getBytes(StandardCharsets.UTF_8)))
                    .append("\",\"partition\":").append(i % partitions).append('}');
        }
        body.append("]}");
        KrestHttp.Response r = http.post("/topics/" + topic, BINARY_V2, body.toString());
        assertEquals(200, r.status(), () -> "produce through " + http.base() + ": " + r.body());
        JsonNode offsets = r.json().get("offsets");
        assertEquals(count, offsets.size(), r::body);
        Map<Position, String> written = new TreeMap<>();
        for (int j = 0; j < count; j++) {
            JsonNode offset = offsets.get(j);
            assertTrue(offset.get("error_code").isNull(), r::body);
            assertEquals((first + j) % partitions, offset.get("partition").asInt(), r::body);
            written.put(new Position(offset.get("partition").asInt(), offset.get("offset").asLong()),
                    value(topic, first + j));
        }
        return written;
    }

    private static String value(String topic, int i) {
        return topic + "-v-" + i;
    }
}
