package io.github.krest.state;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What a consumer instance consumes: nothing, a topic list or pattern (group-managed), or manual partitions.
 *
 * <p>Exactly one of the shapes holds, per {@link #mode()}:
 * <ul>
 *   <li>{@code NONE}: {@code topics}, {@code pattern} and {@code partitions} empty;</li>
 *   <li>{@code SUBSCRIBE}: either a non-empty {@code topics} or a present {@code pattern}, {@code partitions} empty;</li>
 *   <li>{@code ASSIGN}: non-empty {@code partitions}, {@code topics} and {@code pattern} empty.</li>
 * </ul>
 * Topics and partitions are kept sorted and without duplicates, so two equal subscriptions are equal records.
 * Use the static factories rather than the canonical constructor.
 *
 * @param mode       the subscription mode
 * @param topics     subscribed topic names (legal Kafka names), sorted; empty unless SUBSCRIBE by list
 * @param pattern    the subscribed topic regex (Java syntax); empty unless SUBSCRIBE by pattern
 * @param partitions manually assigned partitions, sorted; empty unless ASSIGN
 */
public record Subscription(SubscriptionMode mode, List<String> topics, Optional<String> pattern,
                           List<PartitionRef> partitions) {

    private static final Subscription NONE = new Subscription(SubscriptionMode.NONE, List.of(), Optional.empty(),
            List.of());

    /**
     * @throws IllegalArgumentException if the components do not form one of the shapes above, or a topic name is
     *                                  not legal
     */
    public Subscription {
        Objects.requireNonNull(mode, "mode");
        topics = List.copyOf(new TreeSet<>(topics));
        topics.forEach(PartitionRef::requireLegalTopic);
        Objects.requireNonNull(pattern, "pattern");
        partitions = List.copyOf(new TreeSet<>(partitions));
        boolean valid = switch (mode) {
            case NONE -> topics.isEmpty() && pattern.isEmpty() && partitions.isEmpty();
            case SUBSCRIBE -> partitions.isEmpty() && (topics.isEmpty() != pattern.isEmpty())
                    && pattern.map(p -> !p.isEmpty()).orElse(true);
            case ASSIGN -> !partitions.isEmpty() && topics.isEmpty() && pattern.isEmpty();
        };
        if (!valid) {
            throw new IllegalArgumentException("inconsistent " + mode + " subscription: topics=" + topics
                    + " pattern=" + pattern + " partitions=" + partitions);
        }
    }

    /** @return the empty subscription (mode NONE) */
    public static Subscription none() {
        return NONE;
    }

    /**
     * Subscribes to a topic list. As with {@code KafkaConsumer.subscribe}, an empty list means unsubscribe.
     *
     * @param topics legal Kafka topic names
     * @return a SUBSCRIBE subscription, or {@link #none()} if {@code topics} is empty
     */
    public static Subscription topics(Collection<String> topics) {
        return topics.isEmpty() ? NONE
                : new Subscription(SubscriptionMode.SUBSCRIBE, List.copyOf(topics), Optional.empty(), List.of());
    }

    /**
     * Subscribes to every topic matching a regex (resolved by the proxy against cluster metadata).
     *
     * @param pattern a non-empty Java regex
     * @return a SUBSCRIBE subscription
     */
    public static Subscription pattern(String pattern) {
        return new Subscription(SubscriptionMode.SUBSCRIBE, List.of(), Optional.of(pattern), List.of());
    }

    /**
     * Assigns partitions manually. As with {@code KafkaConsumer.assign}, an empty collection means unsubscribe.
     *
     * @param partitions the partitions
     * @return an ASSIGN subscription, or {@link #none()} if {@code partitions} is empty
     */
    public static Subscription partitions(Collection<PartitionRef> partitions) {
        return partitions.isEmpty() ? NONE
                : new Subscription(SubscriptionMode.ASSIGN, List.of(), Optional.empty(), List.copyOf(partitions));
    }
}
