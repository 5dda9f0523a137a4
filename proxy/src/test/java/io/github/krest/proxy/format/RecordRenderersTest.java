package io.github.krest.proxy.format;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.record.ProduceRecord;
import io.github.krest.proxy.record.ConsumedRecord;
import io.github.krest.proxy.record.RecordConverter;
import io.github.krest.proxy.json.Json;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The v2 records answer written by {@link RecordRenderers.Answer}: Confluent's fields, krest's additions, exactly. */
class RecordRenderersTest {
    private final RecordRenderers renderers = new RecordRenderers(Optional.empty());

    @Test
    void binaryRecordsAreWrittenInConfluentsShapeWithNullsAndHeaders() throws Exception {
        List<ConsumedRecord> records = List.of(
                new ConsumedRecord("t.1", 2, 7, 1_234_567L, Optional.of(bytes("k")), Optional.of(bytes("v1")),
                        List.of(new ProduceRecord.Header("h1", Optional.of(bytes("one"))),
                                new ProduceRecord.Header("h\"2\u00e9", Optional.empty()))),
                new ConsumedRecord("t.1", 2, 8, -1L, Optional.empty(), Optional.empty(), List.of()));
        assertEquals("[{\"topic\":\"t.1\",\"key\":\"aw==\",\"value\":\"djE=\",\"partition\":2,\"offset\":7,"
                + "\"timestamp\":1234567,\"headers\":[{\"name\":\"h1\",\"value\":\"b25l\"},"
                + "{\"name\":\"h\\\"2\u00e9\",\"value\":null}]},"
                + "{\"topic\":\"t.1\",\"key\":null,\"value\":null,\"partition\":2,\"offset\":8,\"timestamp\":-1,"
                + "\"headers\":[]}]", written(EmbeddedFormat.BINARY, records));
        assertEquals("[]", written(EmbeddedFormat.BINARY, List.of()));
    }

    @Test
    void binaryValuesOfEveryLengthRoundTripThroughBase64() throws Exception {
        Random random = new Random(7);
        List<byte[]> values = new ArrayList<>();
        List<ConsumedRecord> records = new ArrayList<>();
        // lengths around the base64 padding cases, and one larger than the encoder's first buffer
        for (int length : new int[] {0, 1, 2, 3, 4, 5, 1023, 1024, 1025, 10_000}) {
            byte[] value = new byte[length];
            random.nextBytes(value);
            values.add(value);
            records.add(new ConsumedRecord("t", 0, records.size(), 0, Optional.empty(), Optional.of(value),
                    List.of()));
        }
        String json = written(EmbeddedFormat.BINARY, records);
        JsonNode answer = Json.mapper().readTree(json);
        assertEquals(values.size(), answer.size());
        for (int i = 0; i < values.size(); i++) {
            assertArrayEquals(values.get(i), Base64.getDecoder().decode(answer.get(i).get("value").textValue()),
                    "record " + i);
            assertEquals(i, answer.get(i).get("offset").asInt());
        }
    }

    @Test
    void jsonRecordsAreWrittenAsTheirTreesAndARefusedOneLeavesTheAnswerAsItWas() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordRenderers.Answer answer = new RecordRenderers.Answer(out);
        RecordConverter<Integer> converter = renderers.into(answer, EmbeddedFormat.JSON);
        assertEquals(0, converter.convert(new ConsumedRecord("t", 0, 3, 5, Optional.of(bytes("{\"id\": 1}")),
                Optional.of(bytes("[1, \"two\", null, 2.5]")),
                List.of(new ProduceRecord.Header("h", Optional.of(bytes("x")))))));
        assertThrows(IllegalArgumentException.class, () -> converter.convert(
                new ConsumedRecord("t", 0, 4, 5, Optional.empty(), Optional.of(bytes("not json")), List.of())));
        assertThrows(IllegalArgumentException.class, () -> converter.convert(
                new ConsumedRecord("t", 0, 4, 5, Optional.of(bytes("{")), Optional.of(bytes("1")), List.of())));
        assertEquals(1, converter.convert(new ConsumedRecord("t", 0, 5, 6, Optional.empty(), Optional.of(bytes("7")),
                List.of())));
        answer.finish();
        assertEquals(2, answer.records());
        assertEquals("[{\"topic\":\"t\",\"key\":{\"id\":1},\"value\":[1,\"two\",null,2.5],\"partition\":0,"
                + "\"offset\":3,\"timestamp\":5,\"headers\":[{\"name\":\"h\",\"value\":\"eA==\"}]},"
                + "{\"topic\":\"t\",\"key\":null,\"value\":7,\"partition\":0,\"offset\":5,\"timestamp\":6,"
                + "\"headers\":[]}]", out.toString(StandardCharsets.UTF_8));
    }

    private String written(EmbeddedFormat format, List<ConsumedRecord> records) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordRenderers.Answer answer = new RecordRenderers.Answer(out);
        RecordConverter<Integer> converter = renderers.into(answer, format);
        for (int i = 0; i < records.size(); i++) {
            assertEquals(i, converter.convert(records.get(i)));
        }
        answer.finish();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
