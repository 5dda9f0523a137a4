package io.github.krest.proxy.core.consumer;

import static io.github.krest.proxy.core.consumer.ProtocolFixture.at;
import static io.github.krest.proxy.core.consumer.ProtocolFixture.byPartition;
import static io.github.krest.proxy.core.consumer.ProtocolFixture.poll;
import static io.github.krest.proxy.core.consumer.ProtocolFixture.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.krest.proxy.core.CommittedOffset;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.state.InstanceNotFoundException;
import io.github.krest.state.PartitionRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Positions and commits (docs/architecture.md, steps 3 and 5 of a poll, "Commits and handover", "Expiry and
 * sweeping"): where a partition without a position starts, seeks, commits on request and by auto-commit, and the
 * commits of deleted, unsubscribed and swept instances.
 */
class ConsumerPositionsTest {
    private static final String GROUP = "positions";
    private static final KafkaIdentity ANYONE = KafkaIdentity.ANONYMOUS;
    private static final PartitionRef P0 = new PartitionRef("t", 0);
    private static final PartitionRef P1 = new PartitionRef("t", 1);

    private final ProtocolFixture fixture = new ProtocolFixture();
    private final ProtocolFixture.Replica a = fixture.replica("a");
    private final ProtocolFixture.Replica b = fixture.replica("b");

    @BeforeEach
    void topic() {
        fixture.kafka.createTopic("t", 2);
        fixture.kafka.append("t", 0, 10);
        fixture.kafka.append("t", 1, 10);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void aPartitionWithoutPositionStartsAtTheCommittedOffsetElseAtAutoOffsetReset() {
        fixture.kafka.replica().service().commit(GROUP, Map.of(P0, new CommittedOffset(7, ""))).join();
        instance(GROUP, "x", "latest", false);
        assertEquals(range(0, 7, 10), at(poll(a.service(), GROUP, "x", 200)), "p0 committed, p1 at its end");
        fixture.kafka.append("t", 1, 1);
        assertEquals(List.of("1:10"), at(poll(b.service(), GROUP, "x", 1_000)),
                "'latest' was resolved once and stored: the same offset on every replica");

        instance(GROUP, "e", "earliest", false);
        List<String> all = new ArrayList<>(range(0, 7, 10));
        all.addAll(range(1, 0, 11));
        assertEquals(all, byPartition(poll(a.service(), GROUP, "e", 1_000)));

        instance("other", "n", "none", false);
        RestException none = assertThrows(RestException.class, () -> poll(a.service(), "other", "n", 200));
        assertEquals(ErrorCode.ILLEGAL_STATE, none.errorCode(), none.getMessage());
        a.service().seek("other", "n", ANYONE, Map.of(P0, 9L, P1, 9L), Map.of(), List.of(), List.of());
        assertEquals(List.of("0:9", "1:9", "1:10"), byPartition(poll(a.service(), "other", "n", 1_000)),
                "after a seek, 'none' has positions to read from");
    }

    @Test
    void seeksMoveThePositionsOfTheNextPollAnywhere() {
        instance(GROUP, "x", "earliest", false);
        seek(Map.of(P0, 8L), Map.of(), List.of(), List.of(P1));
        assertEquals(range(0, 8, 10), at(poll(b.service(), GROUP, "x", 200)));
        seek(Map.of(), Map.of(P1, Instant.ofEpochMilli(6)), List.of(P0), List.of());
        List<String> expected = new ArrayList<>(range(0, 0, 10));
        expected.addAll(range(1, 6, 10));
        assertEquals(expected, byPartition(poll(b.service(), GROUP, "x", 200)), "the beginning, and p1 from time 6");

        RestException negative = assertThrows(RestException.class, () -> seek(Map.of(P0, -1L), Map.of(), List.of(),
                List.of()));
        assertEquals(ErrorCode.BAD_REQUEST, negative.errorCode());
        RestException notOwned = assertThrows(RestException.class, () -> seek(Map.of(new PartitionRef("t", 5), 0L),
                Map.of(), List.of(), List.of()));
        assertEquals(ErrorCode.ILLEGAL_STATE, notOwned.errorCode());
        fixture.kafka.append("t", 0, 1);
        assertEquals(List.of("0:10"), at(poll(b.service(), GROUP, "x", 1_000)), "refused seeks changed nothing");
    }

    @Test
    void anEmptyCommitCommitsTheStoredPositions() {
        instance(GROUP, "x", "earliest", false);
        assertEquals(20, poll(a.service(), GROUP, "x", 1_000).size());
        assertEquals(Map.of(), fixture.kafka.committed(GROUP), "no auto-commit");
        a.service().commit(GROUP, "x", ANYONE, Optional.empty(), false);
        assertEquals(Map.of(P0, new CommittedOffset(10, ""), P1, new CommittedOffset(10, "")),
                fixture.kafka.committed(GROUP));
        assertEquals(List.of(new ConsumerService.CommittedPartition(P0, 10, ""),
                        new ConsumerService.CommittedPartition(P1, 10, "")),
                b.service().committed(GROUP, "x", ANYONE, List.of()));
    }

    @Test
    void anExplicitCommitCommitsTheOffsetAfterTheLastConsumedForOwnedPartitionsOnly() {
        instance(GROUP, "x", "earliest", false);
        a.service().commit(GROUP, "x", ANYONE, Optional.of(Map.of(P0, new CommittedOffset(3, "note"))), false);
        assertEquals(Map.of(P0, new CommittedOffset(4, "note")), fixture.kafka.committed(GROUP));
        assertEquals(List.of(new ConsumerService.CommittedPartition(P0, 4, "note")),
                a.service().committed(GROUP, "x", ANYONE, List.of(P1, P0)));

        RestException notOwned = assertThrows(RestException.class, () -> a.service().commit(GROUP, "x", ANYONE,
                Optional.of(Map.of(new PartitionRef("t", 5), new CommittedOffset(1, ""))), false));
        assertEquals(ErrorCode.ILLEGAL_STATE, notOwned.errorCode());
        RestException negative = assertThrows(RestException.class, () -> a.service().commit(GROUP, "x", ANYONE,
                Optional.of(Map.of(P1, new CommittedOffset(-1, ""))), false));
        assertEquals(ErrorCode.BAD_REQUEST, negative.errorCode());
        assertEquals(Map.of(P0, new CommittedOffset(4, "note")), fixture.kafka.committed(GROUP));
    }

    @Test
    void autoCommitCommitsOnTheFirstPollAfterTheInterval() {
        instance(GROUP, "x", "earliest", true);
        assertEquals(20, poll(a.service(), GROUP, "x", 1_000).size());
        fixture.kafka.append("t", 0, 1);
        assertEquals(List.of("0:10"), at(poll(b.service(), GROUP, "x", 1_000)));
        assertEquals(Map.of(), fixture.kafka.committed(GROUP), "not within auto.commit.interval.ms");

        fixture.advance(ProtocolFixture.SETTINGS.autoCommitIntervalMs());
        assertEquals(List.of(), poll(b.service(), GROUP, "x", 100));
        assertEquals(Map.of(P0, new CommittedOffset(11, ""), P1, new CommittedOffset(10, "")),
                fixture.kafka.committed(GROUP), "the positions the poll started from");
    }

    @Test
    void deletingCommitsThePositionsOfAnAutoCommitInstanceOnly() {
        autoCommitAndManualInstancesThatReadEverything();

        b.service().delete(GROUP, "x", ANYONE);
        b.service().delete("manual", "m", ANYONE);
        assertEquals(Map.of(P0, new CommittedOffset(10, ""), P1, new CommittedOffset(10, "")),
                fixture.kafka.committed(GROUP));
        assertEquals(Map.of(), fixture.kafka.committed("manual"));
        assertThrows(InstanceNotFoundException.class, () -> poll(a.service(), GROUP, "x", 100));
    }

    @Test
    void unsubscribingCommitsWhatAnAutoCommitInstanceGaveUp() {
        instance(GROUP, "x", "earliest", true);
        assertEquals(20, poll(a.service(), GROUP, "x", 1_000).size());
        a.service().unsubscribe(GROUP, "x", ANYONE);
        assertEquals(Map.of(P0, new CommittedOffset(10, ""), P1, new CommittedOffset(10, "")),
                fixture.kafka.committed(GROUP));
        assertEquals(List.of(), a.service().assignment(GROUP, "x", ANYONE));
    }

    @Test
    void theSweepRemovesExpiredInstancesAndCommitsThePositionsOfAutoCommitOnes() {
        autoCommitAndManualInstancesThatReadEverything();
        assertEquals(0, b.service().sweepExpired(), "nothing expired yet");

        fixture.advance(ProtocolFixture.SETTINGS.instanceTimeoutMs() + 1);
        assertThrows(InstanceNotFoundException.class, () -> poll(b.service(), GROUP, "x", 100),
                "gone for every request at its deadline");
        assertEquals(2, a.service().sweepExpired());
        assertEquals(Map.of(P0, new CommittedOffset(10, ""), P1, new CommittedOffset(10, "")),
                fixture.kafka.committed(GROUP));
        assertEquals(Map.of(), fixture.kafka.committed("manual"));
    }

    /** x in GROUP auto-commits, m in group "manual" does not; each read all 20 records. */
    private void autoCommitAndManualInstancesThatReadEverything() {
        instance(GROUP, "x", "earliest", true);
        instance("manual", "m", "earliest", false);
        assertEquals(20, poll(a.service(), GROUP, "x", 1_000).size());
        assertEquals(20, poll(a.service(), "manual", "m", 1_000).size());
    }

    /** An instance assigned both partitions. */
    private void instance(String group, String name, String reset, boolean autoCommit) {
        ProtocolFixture.create(a.service(), group, name, reset, autoCommit);
        a.service().assign(group, name, ANYONE, List.of(P0, P1));
    }

    private void seek(Map<PartitionRef, Long> offsets, Map<PartitionRef, Instant> times,
                      List<PartitionRef> toBeginning, List<PartitionRef> toEnd) {
        a.service().seek(GROUP, "x", ANYONE, offsets, times, toBeginning, toEnd);
    }
}
