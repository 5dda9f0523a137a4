package io.github.krest.proxy.error;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.github.krest.state.InstanceExistsException;
import io.github.krest.state.InstanceNotFoundException;
import io.github.krest.state.RetriableStateStoreException;
import io.github.krest.state.StateStoreUnavailableException;
import io.github.krest.state.SubscriptionConflictException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.BrokerNotAvailableException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.ThrottlingQuotaExceededException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicDeletionDisabledException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * The one table from exceptions to HTTP status, Confluent {@code error_code} and message.
 *
 * <p>Source: rest-utils {@code KafkaExceptionMapper} and Confluent {@code KafkaRestExceptionMapper}
 * (docs/api.md, "Errors"). Anything not listed is a krest bug and answers 500/500 with a
 * generic message; its stack trace goes to the log, never to the client.
 */
public final class ErrorTable {
    private ErrorTable() {
    }

    /**
     * Maps a failure to the error body the client sees.
     *
     * @param failure any exception, possibly wrapped in {@link ExecutionException} / {@link CompletionException}
     * @return status, code and message
     */
    public static ErrorResponse toResponse(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof RestException re) {
            return ErrorResponse.of(re.errorCode(), re.getMessage());
        }
        ErrorResponse state = stateStoreError(t);
        if (state != null) {
            return state;
        }
        ErrorCode code = kafkaCode(t);
        if (code == null) {
            return ErrorResponse.of(ErrorCode.INTERNAL_SERVER_ERROR, "Internal Server Error");
        }
        String message = switch (code) {
            case UNKNOWN_TOPIC_OR_PARTITION -> "This server does not host this topic-partition.";
            default -> t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        };
        return ErrorResponse.of(code, message);
    }

    /**
     * Consumer state store failures (module {@code state-store}).
     *
     * @param t an unwrapped exception
     * @return the error, or {@code null} when {@code t} is not a state store exception
     */
    static ErrorResponse stateStoreError(Throwable t) {
        if (t instanceof InstanceNotFoundException) {
            return ErrorResponse.of(ErrorCode.CONSUMER_INSTANCE_NOT_FOUND, "Consumer instance not found.");
        }
        if (t instanceof InstanceExistsException) {
            return ErrorResponse.of(ErrorCode.CONSUMER_ALREADY_EXISTS,
                    "Consumer with specified consumer ID already exists in the specified consumer group.");
        }
        if (t instanceof SubscriptionConflictException) {
            return ErrorResponse.of(ErrorCode.ILLEGAL_STATE,
                    "Illegal state: Subscription to topics, partitions and pattern are mutually exclusive.");
        }
        if (t instanceof StateStoreUnavailableException || t instanceof RetriableStateStoreException) {
            return ErrorResponse.of(ErrorCode.STATE_STORE_UNAVAILABLE,
                    "The consumer state store is unavailable; retry later.");
        }
        return null;
    }

    /**
     * The code for a Kafka failure, as used for v2 per-record produce errors and whole requests alike.
     *
     * @param t an unwrapped exception
     * @return the code, or {@code null} when {@code t} is not a Kafka exception krest knows
     */
    static ErrorCode kafkaCode(Throwable t) {
        if (t instanceof AuthenticationException) {
            return ErrorCode.AUTHENTICATION_FAILED;
        }
        if (t instanceof AuthorizationException) {
            return ErrorCode.KAFKA_AUTHORIZATION;
        }
        if (t instanceof UnknownTopicOrPartitionException || t instanceof UnknownTopicIdException) {
            return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (t instanceof TimeoutException && t.getMessage() != null
                && t.getMessage().contains("not present in metadata")) {
            return ErrorCode.TOPIC_NOT_FOUND;
        }
        if (t instanceof SerializationException) {
            return ErrorCode.SERIALIZATION;
        }
        if (t instanceof RecordTooLargeException) {
            return ErrorCode.PAYLOAD_TOO_LARGE;
        }
        if (t instanceof ThrottlingQuotaExceededException) {
            return ErrorCode.KAFKA_THROTTLED;
        }
        if (t instanceof BrokerNotAvailableException) {
            return ErrorCode.BROKER_NOT_AVAILABLE;
        }
        if (t instanceof InvalidReplicationFactorException || t instanceof TopicExistsException
                || t instanceof InvalidPartitionsException || t instanceof InvalidConfigurationException
                || t instanceof PolicyViolationException || t instanceof InvalidRequestException
                || t instanceof UnsupportedVersionException || t instanceof SecurityDisabledException
                || t instanceof TopicDeletionDisabledException || t instanceof UnknownServerException
                || t instanceof InvalidTopicException) {
            return ErrorCode.KAFKA_BAD_REQUEST;
        }
        if (t instanceof RetriableException) {
            return ErrorCode.KAFKA_RETRIABLE;
        }
        if (t instanceof KafkaException) {
            return ErrorCode.KAFKA_ERROR;
        }
        return null;
    }

    /**
     * The per-record {@code error_code} of a failed v2 produce (Confluent: 40101, 40301, 50003 retriable, else
     * 50002; krest adds 413 and 40403 for the cases it can tell apart).
     *
     * @param failure the send failure
     * @return the code
     */
    public static ErrorCode produceRecordCode(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof RestException re) {
            return re.errorCode();
        }
        ErrorCode code = kafkaCode(t);
        if (code == null) {
            return ErrorCode.KAFKA_ERROR;
        }
        return switch (code) {
            case AUTHENTICATION_FAILED, KAFKA_AUTHORIZATION, PAYLOAD_TOO_LARGE, UNKNOWN_TOPIC_OR_PARTITION -> code;
            case KAFKA_RETRIABLE, TOPIC_NOT_FOUND, BROKER_NOT_AVAILABLE, KAFKA_THROTTLED -> ErrorCode.KAFKA_RETRIABLE;
            default -> ErrorCode.KAFKA_ERROR;
        };
    }

    /** @return {@code t} without {@link ExecutionException} / {@link CompletionException} wrappers */
    public static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof ExecutionException || current instanceof CompletionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
