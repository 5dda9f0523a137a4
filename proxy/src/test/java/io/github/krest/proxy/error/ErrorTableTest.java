package io.github.krest.proxy.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.BrokerNotAvailableException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.ThrottlingQuotaExceededException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

/**
 * The exception → HTTP status / Confluent {@code error_code} table (docs/api.md, "Errors") that
 * every error body goes through, and the per-record codes of v2 produce.
 */
class ErrorTableTest {

    private static void assertMaps(Throwable t, int status, int code) {
        ErrorResponse r = ErrorTable.toResponse(t);
        assertEquals(status, r.httpStatus(), () -> t + " status");
        assertEquals(code, r.errorCode(), () -> t + " error_code");
    }

    @Test
    void kafkaExceptionsMapToConfluentCodes() {
        assertMaps(new AuthenticationException("bad credentials"), 401, 40101);
        assertMaps(new SaslAuthenticationException("sasl failed"), 401, 40101);
        assertMaps(new TopicAuthorizationException(Set.of("secret-topic")), 403, 40301);
        assertMaps(new UnknownTopicOrPartitionException("gone"), 404, 40403);
        assertMaps(new TopicExistsException("Topic 't' already exists."), 400, 40002);
        assertMaps(new InvalidTopicException("bad name"), 400, 40002);
        assertMaps(new RecordTooLargeException("too big"), 413, 413);
        assertMaps(new NotLeaderOrFollowerException("moving"), 500, 50003);
        assertMaps(new TimeoutException("Expiring 1 record(s) for t-0"), 500, 50003);
        assertMaps(new TimeoutException("Topic t not present in metadata after 60000 ms."), 404, 40401);
        assertMaps(new BrokerNotAvailableException("down"), 503, 50302);
        assertMaps(new ThrottlingQuotaExceededException("slow down"), 429, 42901);
        assertMaps(new KafkaException("something broke"), 500, 50002);
    }

    @Test
    void messagesOfKafkaErrors() {
        assertEquals("This server does not host this topic-partition.",
                ErrorTable.toResponse(new UnknownTopicOrPartitionException("internal detail")).message());
        assertEquals("Topic 't' already exists.",
                ErrorTable.toResponse(new TopicExistsException("Topic 't' already exists.")).message());
        assertEquals("Topic t not present in metadata after 60000 ms.",
                ErrorTable.toResponse(new TimeoutException("Topic t not present in metadata after 60000 ms."))
                        .message());
        assertEquals("KafkaException", ErrorTable.toResponse(new KafkaException()).message());
    }

    @Test
    void wrappersAreUnwrapped() {
        assertMaps(new ExecutionException(new TopicExistsException("exists")), 400, 40002);
        assertMaps(new CompletionException(new ExecutionException(new AuthenticationException("no"))), 401, 40101);
        Throwable inner = new UnknownTopicOrPartitionException("x");
        assertEquals(inner, ErrorTable.unwrap(new CompletionException(new ExecutionException(inner))));
        // a wrapper without a cause stays itself
        ExecutionException bare = new ExecutionException("no cause", null);
        assertEquals(bare, ErrorTable.unwrap(bare));
        assertMaps(bare, 500, 500);
    }

    @Test
    void restExceptionKeepsItsCodeAndMessage() {
        ErrorResponse r = ErrorTable.toResponse(new ExecutionException(
                new RestException(ErrorCode.BATCH_ERROR, "Empty batch.")));
        assertEquals(new ErrorResponse(422, 42208, "Empty batch."), r);
        assertEquals(new ErrorResponse(400, 400, "bad"),
                ErrorTable.toResponse(RestException.badRequest("bad")));
        assertEquals(new ErrorResponse(422, 42206, "empty"),
                ErrorTable.toResponse(RestException.payload("empty")));
    }

    @Test
    void unexpectedExceptionLeaksNothing() {
        ErrorResponse r = ErrorTable.toResponse(new IllegalStateException(
                "password=hunter2 at io.github.krest.Secret"));
        assertEquals(500, r.httpStatus());
        assertEquals(500, r.errorCode());
        assertEquals("Internal Server Error", r.message());
        assertFalse(r.message().contains("hunter2"));

        ErrorResponse npe = ErrorTable.toResponse(new CompletionException(new NullPointerException("field x")));
        assertEquals(new ErrorResponse(500, 500, "Internal Server Error"), npe);
    }

    @Test
    void produceRecordCodes() {
        assertEquals(ErrorCode.AUTHENTICATION_FAILED,
                ErrorTable.produceRecordCode(new AuthenticationException("x")));
        assertEquals(ErrorCode.KAFKA_AUTHORIZATION,
                ErrorTable.produceRecordCode(new ExecutionException(new TopicAuthorizationException("t"))));
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, ErrorTable.produceRecordCode(new RecordTooLargeException("x")));
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                ErrorTable.produceRecordCode(new UnknownTopicOrPartitionException("x")));
        assertEquals(ErrorCode.KAFKA_RETRIABLE,
                ErrorTable.produceRecordCode(new TimeoutException("Topic t not present in metadata after 1 ms.")));
        assertEquals(ErrorCode.KAFKA_RETRIABLE,
                ErrorTable.produceRecordCode(new NotLeaderOrFollowerException("x")));
        assertEquals(ErrorCode.KAFKA_RETRIABLE,
                ErrorTable.produceRecordCode(new BrokerNotAvailableException("x")));
        assertEquals(ErrorCode.KAFKA_ERROR, ErrorTable.produceRecordCode(new TopicExistsException("x")));
        assertEquals(ErrorCode.KAFKA_ERROR, ErrorTable.produceRecordCode(new KafkaException("x")));
        assertEquals(ErrorCode.KAFKA_ERROR, ErrorTable.produceRecordCode(new IllegalStateException("x")));
        assertEquals(ErrorCode.PAYLOAD_ERROR,
                ErrorTable.produceRecordCode(new CompletionException(RestException.payload("x"))));
    }
}
