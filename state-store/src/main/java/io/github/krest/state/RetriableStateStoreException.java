package io.github.krest.state;

/**
 * Marks failures that may succeed when retried later, like Kafka's {@code RetriableException}.
 */
public class RetriableStateStoreException extends StateStoreException {

    public RetriableStateStoreException(String message) {
        super(message);
    }

    public RetriableStateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
