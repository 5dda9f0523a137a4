package io.github.krest.proxy.core;

import io.github.krest.proxy.record.ProduceRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.ErrorTable;
import io.github.krest.proxy.kafka.RenewableProducer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * What produce requests see when the producer under them fails, driven through Kafka's own test double of its
 * {@code Producer}, failing sends the way a real producer does: one in Kafka's fatal state throws a
 * {@code KafkaException} from {@code send}, pending sends fail through their callbacks. A producer stuck for real, on a
 * real broker, is in {@code kafka.ProducerRecoveryTest}.
 */
class ProduceServiceTest {
    private final List<MockProducer<byte[], byte[]>> created = new ArrayList<>();

    /** A holder whose producers are test doubles; with {@code autoComplete} false each send waits for the test. */
    private RenewableProducer producers(boolean autoComplete) {
        return RenewableProducer.of(() -> {
            MockProducer<byte[], byte[]> mock = new MockProducer<>(autoComplete, null, new ByteArraySerializer(),
                    new ByteArraySerializer());
            created.add(mock);
            return mock;
        }, "test producer");
    }

    private static ProduceService produce(RenewableProducer producer) {
        return new ProduceService(producer, new MetadataService(null, Duration.ZERO), 1_000_000, TrafficMeter.NONE);
    }

    @Test
    void aRecordTheFailedProducerRefusesGoesToItsReplacementOnce() throws Exception {
        RenewableProducer producer = producers(true);
        // what a KafkaProducer in its fatal state throws from every send
        created.getFirst().sendException = new KafkaException(
                "Cannot execute transactional method because we are in an error state",
                new AuthenticationException("Authentication failed during InitProducerId"));

        ProduceResult result = produce(producer).send(record("a")).get(5, TimeUnit.SECONDS);

        assertEquals(0, result.partition());
        assertEquals(2, created.size(), "one replacement");
        assertEquals(1, producer.replacements());
        assertEquals(0, created.get(0).history().size(), "the refusing producer took nothing");
        assertEquals(1, created.get(1).history().size());
        waitUntilClosed(created.getFirst());
    }

    @Test
    void recordsInFlightOnAFailedProducerAreAnsweredRetriableAndItIsReplacedOnce() {
        RenewableProducer manual = producers(false);
        ProduceService service = produce(manual);
        List<CompletableFuture<ProduceResult>> inFlight = List.of(service.send(record("a")),
                service.send(record("b")), service.send(record("c")));
        MockProducer<byte[], byte[]> failing = created.getFirst();

        // the error every pending batch of a producer closed under it gets: about the producer, not the record
        for (int i = 0; i < 3; i++) {
            assertTrue(failing.errorNext(new KafkaException("The producer closed forcefully")));
        }

        for (CompletableFuture<ProduceResult> f : inFlight) {
            Throwable failure = failure(f);
            assertEquals(ErrorCode.KAFKA_RETRIABLE, ErrorTable.produceRecordCode(failure), failure.toString());
            assertEquals(50003, ErrorTable.toResponse(failure).errorCode());
        }
        assertEquals(1, manual.replacements(), "three failures of one producer, one replacement");
        CompletableFuture<ProduceResult> next = service.send(record("d"));
        assertTrue(created.get(1).completeNext());
        assertFalse(next.isCompletedExceptionally());
    }

    @Test
    void failuresAboutTheRecordOrTheBrokerKeepTheProducer() {
        RenewableProducer manual = producers(false);
        ProduceService service = produce(manual);
        CompletableFuture<ProduceResult> denied = service.send(record("a"));
        CompletableFuture<ProduceResult> leaderMoved = service.send(record("c"));
        MockProducer<byte[], byte[]> mock = created.getFirst();
        mock.errorNext(new TopicAuthorizationException("Not authorized to access topics: [t]"));
        mock.errorNext(new NotLeaderOrFollowerException("retries exhausted"));

        assertEquals(ErrorCode.KAFKA_AUTHORIZATION, ErrorTable.produceRecordCode(failure(denied)));
        assertEquals(ErrorCode.KAFKA_RETRIABLE, ErrorTable.produceRecordCode(failure(leaderMoved)));
        assertInstanceOf(NotLeaderOrFollowerException.class, failure(leaderMoved));
        assertEquals(0, manual.replacements());
        assertEquals(1, created.size());
    }

    @Test
    void aRefusedProducerIdIsTheCallersAuthorizationFailureAndKeepsTheProducer() throws Exception {
        RenewableProducer producer = producers(false);
        ProduceService service = produce(producer);
        // a send between Kafka's refusal of the producer id and the producer's reset throws this (a new producer
        // asks for its id at once, so its first send can race the refusal); pending records get the same wrapping
        KafkaException refusedId = new KafkaException(
                "Cannot execute transactional method because we are in an error state",
                new ClusterAuthorizationException("Cluster authorization failed."));
        CompletableFuture<ProduceResult> pending = service.send(record("a"));
        MockProducer<byte[], byte[]> mock = created.getFirst();
        mock.sendException = refusedId;
        Throwable thrown = failure(service.send(record("b")));
        assertTrue(mock.errorNext(refusedId));

        for (Throwable failure : List.of(thrown, failure(pending))) {
            assertInstanceOf(ClusterAuthorizationException.class, failure);
            assertEquals(403, ErrorTable.toResponse(failure).httpStatus());
            assertEquals(40301, ErrorTable.toResponse(failure).errorCode());
        }
        assertEquals(0, producer.replacements(), "a new producer would be refused the same way");
        assertEquals(1, created.size());

        // once the producer has reset itself (or the caller has been granted the right), it sends again
        mock.sendException = null;
        CompletableFuture<ProduceResult> next = service.send(record("c"));
        assertTrue(mock.completeNext());
        assertEquals(0, next.get(5, TimeUnit.SECONDS).partition());
    }

    @Test
    void aClosedHolderRefusesWithoutReplacing() {
        RenewableProducer producer = producers(true);
        producer.close(Duration.ZERO);

        Throwable failure = failure(produce(producer).send(record("a")));

        assertEquals(ErrorCode.KAFKA_RETRIABLE, ErrorTable.produceRecordCode(failure), failure.toString());
        assertEquals(0, producer.replacements());
        assertEquals(1, created.size());
    }

    private static ProduceRecord record(String value) {
        return new ProduceRecord("t", Optional.of(0), Optional.empty(),
                Optional.of(value.getBytes(StandardCharsets.UTF_8)), List.of(), Optional.empty());
    }

    /** The failure {@code future} ends with; fails the test if it succeeds or is still pending after 10 s. */
    private static Throwable failure(CompletableFuture<ProduceResult> future) {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return ErrorTable.unwrap(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("expected a failure within 10 s, got none", e);
        }
        throw new AssertionError("expected a failure, got " + future.join());
    }

    private static void waitUntilClosed(MockProducer<byte[], byte[]> producer) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (!producer.closed() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(producer.closed(), "the replaced producer is closed");
    }
}
