package io.github.krest.proxy.format;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.core.ProduceRecord;
import io.github.krest.proxy.core.consumer.ConsumedRecord;
import io.github.krest.proxy.http.json.Json;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The v2 records answer written by {@link RecordRenderers#write}: Confluent's fields, krest's additions, exactly. */
class RecordRenderersTest {
    private final RecordRenderers renderers = new RecordRenderers(Optional.empty());

    @Test
    void binaryRecordsAreWrittenInConfluentsShapeWithNullsAndHeaders() throws Exception {
        List<RecordRenderers.RenderedRecord> records = List.of(
                binary(new ConsumedRecord("t.1", 2, 7, 1_234_567L, Optional.of(bytes("k")), Optional.of(bytes("v1")),
                        List.of(new ProduceRecord.Header("h1", Optional.of(bytes("one"))),
                                new ProduceRecord.Header("h\"2\u00e9", Optional.empty())))),
                binary(new ConsumedRecord("t.1", 2, 8, -1L, Optional.empty(), Optional.empty(), List.of())));
        assertEquals("[{\"topic\":\"t.1\",\"key\":\"aw==\",\"value\":\"djE=\",\"partition\":2,\"offset\":7,"
                + "\"timestamp\":1234567,\"headers\":[{\"name\":\"h1\",\"value\":\"b25l\"},"
                + "{\"name\":\"h\\\"2\u00e9\",\"value\":null}]},"
                + "{\"topic\":\"t.1\",\"key\":null,\"value\":null,\"partition\":2,\"offset\":8,\"timestamp\":-1,"
                + "\"headers\":[]}]", written(records));
        assertEquals("[]", written(List.of()));
    }

    @Test
    void binaryValuesOfEveryLengthRoundTripThroughBase64() throws Exception {
        Random random = new Random(7);
        List<byte[]> values = new ArrayList<>();
        List<RecordRenderers.RenderedRecord> records = new ArrayList<>();
        // lengths around the base64 padding cases, and one larger than the encoder's first buffer
        for (int length : new int[] {0, 1, 2, 3, 4, 5, 1023, 1024, 1025, 10_000}) {
            byte[] value = new byte[length];
            random.nextBytes(value);
            values.add(value);
            records.add(binary(new ConsumedRecord("t", 0, records.size(), 0, Optional.empty(), Optional.of(value),
                    List.of())));
        }
        String json = written(records);
        JsonNode answer = Json.mapper().readTree(json);
        assertEquals(values.size(), answer.size());
        for (int i = 0; i < values.size(); i++) {
            assertArrayEquals(values.get(i), Base64.getDecoder().decode(answer.get(i).get("value").textValue()),
                    "record " + i);
            assertEquals(i, answer.get(i).get("offset").asInt());
        }
        long estimate = RecordRenderers.estimatedSize(records);
        int actual = json.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(estimate >= actual && estimate < actual + 100L * records.size(),
                "estimate " + estimate + " for " + actual + " bytes");
    }

    @Test
    void jsonRecordsAreWrittenAsTheirTrees() throws Exception {
        RecordRenderers.RenderedRecord record = renderers.forFormat(EmbeddedFormat.JSON).convert(new ConsumedRecord(
                "t", 0, 3, 5, Optional.of(bytes("{\"id\": 1}")), Optional.of(bytes("[1, \"two\", null, 2.5]")),
                List.of(new ProduceRecord.Header("h", Optional.of(bytes("x"))))));
        assertEquals("[{\"topic\":\"t\",\"key\":{\"id\":1},\"value\":[1,\"two\",null,2.5],\"partition\":0,"
                + "\"offset\":3,\"timestamp\":5,\"headers\":[{\"name\":\"h\",\"value\":\"eA==\"}]}]",
                written(List.of(record)));
        assertThrows(IllegalArgumentException.class, () -> renderers.forFormat(EmbeddedFormat.JSON).convert(
                new ConsumedRecord("t", 0, 4, 5, Optional.empty(), Optional.of(bytes("not json")), List.of())));
    }

    private RecordRenderers.RenderedRecord binary(ConsumedRecord record) {
        return renderers.forFormat(EmbeddedFormat.BINARY).convert(record);
    }

    private static String written(List<RecordRenderers.RenderedRecord> records) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordRenderers.write(records, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
