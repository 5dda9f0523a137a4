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
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.proxy.record.ConsumedRecord;
import io.github.krest.state.InstanceNotFoundException;
import io.github.krest.state.PartitionRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Leases and fencing (docs/architecture.md, "Leases and fencing") on two replicas over one in-memory store: one
 * request at a time per instance, a stalled holder's records dropped once another request took its lapsed lease,
 * and the leases of a stopping replica ended at once. The first replica's poll is held inside its fetch
 * ({@link FakeKafka#blockNextFetch()}) while the other replica acts.
 */
class InstanceLeasesTest {
    private static final String GROUP = "leases";
    private static final String TOPIC = "t";
    private static final PartitionRef P0 = new PartitionRef(TOPIC, 0);

    private final ProtocolFixture fixture = new ProtocolFixture();
    private final ProtocolFixture.Replica a = fixture.replica("a");
    private final ProtocolFixture.Replica b = fixture.replica("b");

    @BeforeEach
    void instance() {
        fixture.kafka.createTopic(TOPIC, 1);
        fixture.kafka.append(TOPIC, 0, 5);
        ProtocolFixture.create(a.service(), GROUP, "x", "earliest", false);
        a.service().assign(GROUP, "x", KafkaIdentity.ANONYMOUS, List.of(P0));
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void aRequestThatFindsTheInstanceBusyWaitsAndGetsNothing() throws Exception {
        HeldPoll holder = pollHeldInItsFetch();

        long start = System.nanoTime();
        assertEquals(List.of(), poll(b.service(), GROUP, "x", 300), "no records while another poll holds it");
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) >= 250, "it waited its timeout");
        RestException busy = assertThrows(RestException.class, () -> b.service().seek(GROUP, "x",
                KafkaIdentity.ANONYMOUS, Map.of(P0, 0L), Map.of(), List.of(), List.of()));
        assertEquals(ErrorCode.ILLEGAL_STATE, busy.errorCode(), busy.getMessage());

        assertEquals(range(0, 0, 5), at(holder.release()));
        fixture.kafka.append(TOPIC, 0, 1);
        assertEquals(List.of("0:5"), at(poll(b.service(), GROUP, "x", 1_000)),
                "the next poll, elsewhere, continues after the holder's records; the seek changed nothing");
    }

    @Test
    void aHolderWhoseLeaseLapsedIsFencedOffAndDeliversNothing() throws Exception {
        HeldPoll stalled = pollHeldInItsFetch();

        fixture.advance(ProtocolFixture.LEASE_MS + 1);
        assertEquals(range(0, 0, 5), at(poll(b.service(), GROUP, "x", 1_000)), "b took over the lapsed lease");
        assertEquals(List.of(), stalled.release(),
                "a's fencing token no longer holds: the records it read are not delivered");

        fixture.kafka.append(TOPIC, 0, 2);
        assertEquals(range(0, 5, 7), at(poll(a.service(), GROUP, "x", 1_000)), "a continues at b's positions");
    }

    @Test
    void aStoppingReplicaEndsItsLeasesSoThatAnotherGoesOnAtOnce() throws Exception {
        HeldPoll cut = pollHeldInItsFetch();

        assertEquals(1, a.service().releaseLeases());
        // with a's lease still there, b would wait its whole timeout and get nothing
        assertEquals(range(0, 0, 5), at(poll(b.service(), GROUP, "x", 1_000)));
        assertEquals(List.of(), cut.release(), "a's lease was ended: nothing it read is delivered");
        assertEquals(0, a.service().releaseLeases(), "nothing left to release");
    }

    @Test
    void theAssignmentViewTakesTheLeaseAndGivesItBack() {
        assertEquals(List.of(P0), a.service().assignment(GROUP, "x", KafkaIdentity.ANONYMOUS));
        assertEquals(range(0, 0, 5), at(poll(b.service(), GROUP, "x", 1_000)), "the lease was given back");
        assertEquals(0, a.service().releaseLeases());
    }

    @Test
    void anotherPrincipalFindsNoInstance() {
        KafkaIdentity mallory = new KafkaIdentity("mallory", new KafkaIdentity.Credential.None());
        assertThrows(InstanceNotFoundException.class, () -> a.service().poll(GROUP, "x", mallory,
                Optional.empty(), Optional.of(100L), Optional.empty(), format -> record -> record));
        assertThrows(InstanceNotFoundException.class, () -> a.service().seek(GROUP, "x", mallory,
                Map.of(P0, 0L), Map.of(), List.of(), List.of()));
        assertThrows(InstanceNotFoundException.class, () -> a.service().delete(GROUP, "x", mallory));
        assertEquals(range(0, 0, 5), at(poll(a.service(), GROUP, "x", 1_000)), "the owner's instance is intact");
    }

    /** A poll on replica a that took the lease and is held at the start of its fetch. */
    private HeldPoll pollHeldInItsFetch() throws InterruptedException {
        FakeKafka.FetchBlock block = fixture.kafka.blockNextFetch();
        CompletableFuture<List<ConsumedRecord>> result = ProtocolFixture.async(() ->
                poll(a.service(), GROUP, "x", 1_000));
        block.awaitEntered();
        return new HeldPoll(block, result);
    }

    private record HeldPoll(FakeKafka.FetchBlock block, CompletableFuture<List<ConsumedRecord>> result) {
        /** @return the records the poll answers once its fetch goes on */
        List<ConsumedRecord> release() throws Exception {
            block.release();
            return result.get(10, TimeUnit.SECONDS);
        }
    }
}
