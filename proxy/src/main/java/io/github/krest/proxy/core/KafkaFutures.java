package io.github.krest.proxy.core;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import org.apache.kafka.common.KafkaFuture;

/** Waits for Kafka client futures on a (virtual) request thread, surfacing Kafka's own exceptions. */
public final class KafkaFutures {
    /** The longest wait, in seconds; Admin calls time out on their own before (default.api.timeout.ms). */
    public static final long TIMEOUT_SECONDS = 60;

    private KafkaFutures() {
    }

    /**
     * @param future a Kafka future
     * @param <T> its value
     * @return the value
     * @throws RuntimeException the future's failure unwrapped (mapped by the error table), a Kafka
     *         {@code TimeoutException} after {@link #TIMEOUT_SECONDS}, or 500/50003 when interrupted
     */
    public static <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException re ? re : new RuntimeException(cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException("Timed out waiting for Kafka.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestException(ErrorCode.KAFKA_RETRIABLE, "Interrupted while waiting for Kafka.");
        }
    }
}
