package io.github.krest.state;

/**
 * A subscription change that switches between SUBSCRIBE and ASSIGN without unsubscribing first, which
 * {@code KafkaConsumer} rejects with an {@code IllegalStateException} (Confluent: 409).
 */
public class SubscriptionConflictException extends StateStoreException {

    private final SubscriptionMode current;
    private final SubscriptionMode requested;

    public SubscriptionConflictException(String group, String name, SubscriptionMode current,
                                         SubscriptionMode requested) {
        super("consumer instance '" + name + "' in group '" + group + "' is in " + current
                + " mode; unsubscribe before switching to " + requested);
        this.current = current;
        this.requested = requested;
    }

    /** @return the instance's mode, unchanged */
    public SubscriptionMode current() {
        return current;
    }

    /** @return the rejected mode */
    public SubscriptionMode requested() {
        return requested;
    }
}
