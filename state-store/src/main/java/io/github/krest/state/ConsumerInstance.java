package io.github.krest.state;

import java.util.Objects;

/**
 * A v2 REST consumer instance as data: who it is, how it was configured, what it consumes.
 * Mutable bookkeeping (expiry, last commit, positions, lease) is kept by the store and returned alongside.
 *
 * @param group        the consumer group id; not empty
 * @param name         the instance name, unique within the group; not empty
 * @param config       the creation settings
 * @param principal    the authenticated principal that created it, compared exactly on every leased request;
 *                     empty string when authentication is off
 * @param createdMs    creation time, epoch ms (the caller's clock)
 * @param subscription what it consumes; {@link Subscription#none()} at creation
 */
public record ConsumerInstance(String group, String name, InstanceConfig config, String principal, long createdMs,
                               Subscription subscription) {

    /** @throws IllegalArgumentException if the group or name is empty */
    public ConsumerInstance {
        if (Objects.requireNonNull(group, "group").isEmpty()) {
            throw new IllegalArgumentException("group must not be empty");
        }
        if (Objects.requireNonNull(name, "name").isEmpty()) {
            throw new IllegalArgumentException("name must not be empty");
        }
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(subscription, "subscription");
    }

    /**
     * @param subscription the new subscription
     * @return a copy with another subscription
     */
    public ConsumerInstance withSubscription(Subscription subscription) {
        return new ConsumerInstance(group, name, config, principal, createdMs, subscription);
    }
}
