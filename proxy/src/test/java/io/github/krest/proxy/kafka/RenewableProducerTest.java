package io.github.krest.proxy.kafka;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** When a producer is replaced, over Kafka's test double of its {@code Producer} and a clock of the test's own. */
class RenewableProducerTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<MockProducer<byte[], byte[]>> created = new ArrayList<>();
    private final RenewableProducer holder = RenewableProducer.lazy(() -> {
        MockProducer<byte[], byte[]> mock = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        created.add(mock);
        return mock;
    }, "test producer", now::get, now::addAndGet);

    @Test
    void createdOnFirstUseAndReplacedOncePerFailure() {
        assertTrue(holder.created().isEmpty(), "a lazy producer waits for its first use");
        Producer<byte[], byte[]> first = holder.get();

        assertTrue(holder.replace(first, new KafkaException("fatal")));
        assertFalse(holder.replace(first, new KafkaException("fatal")), "a second request saw the same failure");
        assertTrue(holder.created().isEmpty(), "the successor comes with the next use");
        Producer<byte[], byte[]> second = holder.get();

        assertNotSame(first, second);
        assertEquals(1, holder.replacements());
        assertFalse(holder.replace(first, new KafkaException("late")), "an old producer's late failure");
        assertSame(second, holder.get());
    }

    @Test
    void aSuspectedProducerIsReplacedOnlyOnceItHasLivedTheMinimumAge() {
        Producer<byte[], byte[]> first = holder.get();
        long created = now.get();
        now.addAndGet(500);
        holder.suspect(first, new SaslAuthenticationException("invalid credentials"));
        assertEquals(0, holder.replacements(), "too young: not replaced yet");
        assertSame(first, holder.created().orElseThrow());

        Producer<byte[], byte[]> second = holder.get();

        assertNotSame(first, second, "the next send does not get the suspect");
        assertEquals(created + RenewableProducer.SUSPECT_MIN_AGE_MS, now.get(), "it waited for the minimum age");
        assertEquals(1, holder.replacements());
        now.addAndGet(RenewableProducer.SUSPECT_MIN_AGE_MS);
        holder.suspect(second, new SaslAuthenticationException("invalid credentials"));
        assertEquals(2, holder.replacements(), "old enough: replaced at once");
    }

    @Test
    void aClosedHolderReplacesNothing() {
        Producer<byte[], byte[]> first = holder.get();
        holder.close();

        assertFalse(holder.replace(first, new KafkaException("fatal")));
        assertSame(first, holder.get());
        assertTrue(created.getFirst().closed());
    }

    @Test
    void whatCountsAsAFailedOrPossiblyStuckProducer() {
        assertTrue(RenewableProducer.refusedToSend(new KafkaException(
                "Cannot execute transactional method because we are in an error state")));
        assertTrue(RenewableProducer.refusedToSend(new IllegalStateException(
                "Cannot perform operation after producer has been closed")));
        assertFalse(RenewableProducer.refusedToSend(new TopicAuthorizationException("denied")));

        assertTrue(RenewableProducer.mayBeStuck(new SaslAuthenticationException("invalid credentials")));
        assertTrue(RenewableProducer.mayBeStuck(new TimeoutException("Expiring 1 record(s) for t-0:120001 ms has "
                + "passed since batch creation. The request has not been sent, or no server response has been "
                + "received yet.")));
        assertFalse(RenewableProducer.mayBeStuck(new TimeoutException(
                "Topic t not present in metadata after 60000 ms.")));
        assertFalse(RenewableProducer.mayBeStuck(new BufferExhaustedException("since batch creation")));
        assertFalse(RenewableProducer.producerFailure(new TimeoutException("since batch creation")));
    }
}
