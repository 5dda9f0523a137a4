package io.github.krest.state;

/**
 * How a consumer instance chooses its partitions, as in {@code KafkaConsumer}.
 *
 * <p>SUBSCRIBE and ASSIGN are mutually exclusive: switching between them without unsubscribing first
 * ({@link #NONE}) is a {@link SubscriptionConflictException}.
 */
public enum SubscriptionMode {
    /** Neither subscribed nor assigned; owns no partitions. */
    NONE,
    /** Subscribed to topics or a pattern; a member of its group, partitions assigned by a rebalance. */
    SUBSCRIBE,
    /** Manually assigned partitions; not a group member and never rebalanced. */
    ASSIGN
}
