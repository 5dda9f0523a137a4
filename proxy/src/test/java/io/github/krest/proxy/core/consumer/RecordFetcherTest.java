package io.github.krest.proxy.core.consumer;

import static io.github.krest.proxy.core.consumer.ProtocolFixture.at;
import static io.github.krest.proxy.core.consumer.ProtocolFixture.poll;
import static io.github.krest.proxy.core.consumer.ProtocolFixture.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.format.EmbeddedFormat;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.proxy.record.ConsumedRecord;
import io.github.krest.state.PartitionRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The read loop of a poll (docs/architecture.md, step 4): polls on any replica go on from the stored positions, a
 * position outside the log moves by {@code auto.offset.reset}, one answer gathers several fetches while more follow, {@code max_bytes} cuts an answer and the next poll continues there,
 * a record the format cannot render or that exceeds {@code max_bytes} is answered with an error and never skipped,
 * and a poll answers as soon as records arrive.
 */
class RecordFetcherTest {
    private static final String GROUP = "reads";
    private static final KafkaIdentity ANYONE = KafkaIdentity.ANONYMOUS;
    private static final PartitionRef P0 = new PartitionRef("t", 0);

    private final ProtocolFixture fixture = new ProtocolFixture();
    private final ProtocolFixture.Replica a = fixture.replica("a");
    private final ProtocolFixture.Replica b = fixture.replica("b");

    @BeforeEach
    void instance() {
        fixture.kafka.createTopic("t", 1);
        ProtocolFixture.create(a.service(), GROUP, "x", "earliest", false);
        a.service().assign(GROUP, "x", ANYONE, List.of(P0));
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void pollsOnAnyReplicaGoOnFromTheStoredPositions() {
        fixture.kafka.append("t", 0, 2);
        assertEquals(range(0, 0, 2), at(poll(a.service(), GROUP, "x", 1_000)));
        fixture.kafka.append("t", 0, 2);
        assertEquals(range(0, 2, 4), at(poll(a.service(), GROUP, "x", 1_000)));
        fixture.kafka.append("t", 0, 2);
        assertEquals(range(0, 4, 6), at(poll(b.service(), GROUP, "x", 1_000)));
        fixture.kafka.append("t", 0, 2);
        assertEquals(range(0, 6, 8), at(poll(a.service(), GROUP, "x", 1_000)));
    }

    @Test
    void aPositionBeforeTheLogStartMovesByAutoOffsetReset() {
        fixture.kafka.append("t", 0, 10);
        assertEquals(range(0, 0, 5), at(pollAtMost(a.service(), GROUP, "x", 1_000, 5 * 4)));
        fixture.kafka.deleteRecordsBefore("t", 0, 8);
        assertEquals(range(0, 8, 10), at(poll(b.service(), GROUP, "x", 1_000)),
                "earliest: from the new log start, nothing before it invented");

        ProtocolFixture.create(a.service(), GROUP, "strict", "none", false);
        a.service().assign(GROUP, "strict", ANYONE, List.of(P0));
        a.service().seek(GROUP, "strict", ANYONE, Map.of(P0, 2L), Map.of(), List.of(), List.of());
        RestException none = assertThrows(RestException.class, () -> poll(a.service(), GROUP, "strict", 1_000));
        assertEquals(ErrorCode.ILLEGAL_STATE, none.errorCode());
        assertTrue(none.getMessage().contains("out of range"), none.getMessage());
    }

    @Test
    void oneAnswerGathersFetchesWhileTheBrokerHasMore() {
        fixture.kafka.append("t", 0, 4 * FakeKafka.FETCH_MAX_RECORDS + 3);
        assertEquals(range(0, 0, 4 * FakeKafka.FETCH_MAX_RECORDS + 3), at(poll(a.service(), GROUP, "x", 1_000)));
    }

    @Test
    void maxBytesCutsAnAnswerAndTheNextPollContinuesThere() {
        fixture.kafka.append("t", 0, 10, 100); // about 105 bytes each
        assertEquals(range(0, 0, 3), at(pollAtMost(a.service(), GROUP, "x", 1_000, 350)));
        assertEquals(range(0, 3, 6), at(pollAtMost(b.service(), GROUP, "x", 1_000, 350)));
        assertEquals(range(0, 6, 9), at(pollAtMost(a.service(), GROUP, "x", 1_000, 350)),
                "each answer starts where the last one was cut");
    }

    @Test
    void aRecordLargerThanMaxBytesIsRefusedAndNotSkipped() {
        fixture.kafka.append("t", 0, 2, 1_000);
        for (int i = 0; i < 2; i++) {
            RestException tooLarge = assertThrows(RestException.class, () -> pollAtMost(a.service(), GROUP, "x",
                    1_000, 500));
            assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, tooLarge.errorCode());
            assertTrue(tooLarge.getMessage().contains("t-0@0"), tooLarge.getMessage());
        }
        assertEquals(range(0, 0, 2), at(pollAtMost(a.service(), GROUP, "x", 1_000, 5_000)));
    }

    @Test
    void aRecordTheFormatCannotRenderEndsTheAnswerAfterTheRecordsBeforeIt() {
        fixture.kafka.append("t", 0, 6);
        assertEquals(range(0, 0, 3), at(pollRefusing(3)));
        RestException refused = assertThrows(RestException.class, () -> pollRefusing(3));
        assertEquals(ErrorCode.SERIALIZATION, refused.errorCode());
        assertTrue(refused.getMessage().contains("offset 4"), refused.getMessage());
        a.service().seek(GROUP, "x", ANYONE, Map.of(P0, 4L), Map.of(), List.of(), List.of());
        assertEquals(range(0, 4, 6), at(pollRefusing(3)));
    }

    @Test
    void aKafkaFailureIsAnsweredAndTheNextPollReadsFromTheStoredPositions() {
        fixture.kafka.append("t", 0, 3);
        assertEquals(range(0, 0, 3), at(poll(a.service(), GROUP, "x", 1_000)));
        fixture.kafka.append("t", 0, 3);
        IllegalStateException broken = new IllegalStateException("the fetch failed");
        fixture.kafka.failNextFetch(broken);
        assertEquals(broken, assertThrows(IllegalStateException.class, () -> poll(a.service(), GROUP, "x", 1_000)));
        assertEquals(range(0, 3, 6), at(poll(a.service(), GROUP, "x", 1_000)));
    }

    @Test
    void aFormatOtherThanTheInstancesIsRefused() {
        RestException mismatch = assertThrows(RestException.class, () -> a.service().poll(GROUP, "x", ANYONE,
                Optional.of(EmbeddedFormat.JSON), Optional.of(100L), Optional.empty(), format -> record -> record));
        assertEquals(ErrorCode.CONSUMER_FORMAT_MISMATCH, mismatch.errorCode());
        assertEquals(EmbeddedFormat.BINARY, a.service().poll(GROUP, "x", ANYONE, Optional.of(EmbeddedFormat.BINARY),
                Optional.of(100L), Optional.empty(), format -> record -> record).format());
    }

    @Test
    void aPollAnswersAsSoonAsRecordsArrive() throws Exception {
        long start = System.nanoTime();
        CompletableFuture<List<ConsumedRecord>> waiting = ProtocolFixture.async(() ->
                poll(a.service(), GROUP, "x", 5_000));
        Thread.sleep(200);
        fixture.kafka.append("t", 0, 1);
        assertEquals(List.of("0:0"), at(waiting.get(10, TimeUnit.SECONDS)));
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 4_000, "not at its timeout");
    }

    @Test
    void aPollWithoutPartitionsWaitsItsTimeout() {
        ProtocolFixture.create(a.service(), GROUP, "idle", "earliest", false);
        long start = System.nanoTime();
        assertEquals(List.of(), poll(a.service(), GROUP, "idle", 300));
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) >= 250);
    }

    private static List<ConsumedRecord> pollAtMost(ConsumerService service, String group, String name,
                                                  long timeoutMs, long maxBytes) {
        return service.poll(group, name, ANYONE, Optional.empty(), Optional.of(timeoutMs), Optional.of(maxBytes),
                format -> record -> record).records();
    }

    /** A poll whose format cannot render the record at {@code offset}. */
    private List<ConsumedRecord> pollRefusing(long offset) {
        return a.service().poll(GROUP, "x", ANYONE, Optional.empty(), Optional.of(1_000L), Optional.empty(),
                format -> record -> {
                    if (record.offset() == offset) {
                        throw new IllegalArgumentException("not renderable");
                    }
                    return record;
                }).records();
    }
}
