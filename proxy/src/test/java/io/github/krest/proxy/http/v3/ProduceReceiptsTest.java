package io.github.krest.proxy.http.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonGenerator;
import io.github.krest.proxy.record.ProduceRecord;
import io.github.krest.proxy.core.ProduceResult;
import io.github.krest.proxy.json.Json;
import org.junit.jupiter.api.Test;

/** The stream's receipt writer must write exactly what the batch path's beans serialise to. */
class ProduceReceiptsTest {
    private static final ProduceResult RESULT = new ProduceResult(2, 123456789012L,
            Instant.parse("2026-11-22T03:04:05.678Z"));

    @Test
    void successWithBinaryKeyAndValueMatchesTheBean() throws IOException {
        assertSameJson(parsed(Optional.of(new byte[3]), Optional.of(new byte[1024]),
                Optional.of(ProduceRecordReader.Echo.of("BINARY")), Optional.of(ProduceRecordReader.Echo.of("JSON"))));
    }

    @Test
    void successWithoutKeyOrValueMatchesTheBean() throws IOException {
        assertSameJson(parsed(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
    }

    @Test
    void successWithNullDataAndSchemaEchoMatchesTheBean() throws IOException {
        var echo = new ProduceRecordReader.Echo("AVRO", Optional.of("t-\"value\"\u00e9"), Optional.of(7),
                Optional.of(3));
        assertSameJson(parsed(Optional.empty(), Optional.of(new byte[5]), Optional.of(
                ProduceRecordReader.Echo.of("STRING")), Optional.of(echo)));
        assertSameJson(parsed(Optional.of(new byte[0]), Optional.empty(), Optional.of(echo), Optional.of(echo)));
    }

    private static ProduceRecordReader.Parsed parsed(Optional<byte[]> key, Optional<byte[]> value,
                                                     Optional<ProduceRecordReader.Echo> keyEcho,
                                                     Optional<ProduceRecordReader.Echo> valueEcho) {
        return new ProduceRecordReader.Parsed(new ProduceRecord("t", Optional.empty(), key, value, List.of(),
                Optional.empty()), keyEcho, valueEcho);
    }

    private static void assertSameJson(ProduceRecordReader.Parsed parsed) throws IOException {
        String expected = new String(ProduceReceipts.bytes(ProduceReceipts.success(null, "cluster-1", "topic-\u00e9",
                RESULT, parsed)), StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
            ProduceReceipts.writeSuccess(g, "cluster-1", "topic-\u00e9", RESULT, RESULT.timestamp().toString(), parsed);
        }
        assertEquals(expected, out.toString(StandardCharsets.UTF_8));
    }
}
