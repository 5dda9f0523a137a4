package io.github.krest.proxy.core.consumer;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.github.krest.proxy.core.MetadataService;
import io.github.krest.proxy.core.TopicNames;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.format.EmbeddedFormat;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.state.ConsumerInstance;
import io.github.krest.state.ConsumerStateStore;
import io.github.krest.state.InstanceConfig;
import io.github.krest.state.InstanceNotFoundException;
import io.github.krest.state.PartitionRef;
import io.github.krest.state.PollLease;
import io.github.krest.state.RemovedInstance;
import io.github.krest.state.Subscription;
import io.github.krest.state.SubscriptionMode;

/**
 * The life of a v2 consumer instance in the state store: creating and deleting it, what it consumes (subscribe,
 * assign, unsubscribe), and the views of its subscription and assignment. Also the checks every request on an
 * instance makes: the instance exists and belongs to the caller's principal (else 404/40403), and which of its
 * partitions the caller may see.
 */
final class ConsumerInstances {
    private static final Set<String> OFFSET_RESETS = Set.of("earliest", "latest", "none");
    private static final int MAX_NAME_LENGTH = 200;
    private static final int MAX_GROUP_LENGTH = 249;

    private final ConsumerStateStore store;
    private final ConsumerBackend kafka;
    private final InstanceLeases leases;
    private final HandoverCommits handover;
    private final ConsumerSettings settings;
    private final LongSupplier clock;

    /**
     * @param store the consumer state store
     * @param kafka Kafka: topic checks, the group check under propagation, commits of given-up positions
     * @param leases the assignment view is leased like a poll
     * @param handover commits the positions an auto-commit instance gives up
     * @param settings consumer settings
     * @param clock epoch-ms clock
     */
    ConsumerInstances(ConsumerStateStore store, ConsumerBackend kafka, InstanceLeases leases,
                      HandoverCommits handover, ConsumerSettings settings, LongSupplier clock) {
        this.store = store;
        this.kafka = kafka;
        this.leases = leases;
        this.handover = handover;
        this.settings = settings;
        this.clock = clock;
    }

    /** As {@link ConsumerService#create}. */
    String create(String group, ConsumerService.CreateRequest request, KafkaIdentity caller) {
        requireGroup(group);
        String name = request.id().or(request::name).filter(n -> !n.isEmpty()).orElseGet(() ->
                "rest-consumer-" + (settings.idPrefix().isEmpty() ? "" : settings.idPrefix() + "-")
                        + UUID.randomUUID());
        if (name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(c -> c < 0x20 || c == '/')) {
            throw new RestException(ErrorCode.UNPROCESSABLE_ENTITY,
                    "Invalid consumer instance name: at most " + MAX_NAME_LENGTH
                            + " characters, no '/' or control characters.");
        }
        EmbeddedFormat format = EmbeddedFormat.ofName(request.format().orElse("binary"))
                .orElseThrow(() -> new RestException(ErrorCode.UNPROCESSABLE_ENTITY, "Invalid format type."));
        String reset = request.autoOffsetReset().map(s -> s.toLowerCase(Locale.ROOT)).orElse("latest");
        if (!OFFSET_RESETS.contains(reset)) {
            throw invalidConfig("auto.offset.reset must be earliest, latest or none, not " + reset);
        }
        boolean autoCommit = request.autoCommitEnable().map(s -> {
            String v = s.trim().toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw invalidConfig("auto.commit.enable must be \"true\" or \"false\", not " + s);
            }
            return v.equals("true");
        }).orElse(true);
        long fetchMinBytes = request.fetchMinBytes().orElse(settings.fetchMinBytes());
        if (fetchMinBytes < -1 || fetchMinBytes > 10_000_000) {
            throw new RestException(ErrorCode.INVALID_CONSUMER_CONFIG_CONSTRAINT,
                    "fetch.min.bytes must be between -1 and 10000000.");
        }
        long requestTimeout = request.requestTimeoutMs().orElse(settings.requestTimeoutMs());
        if (requestTimeout <= 0) {
            throw invalidConfig("consumer.request.timeout.ms must be positive");
        }
        InstanceConfig config = new InstanceConfig(format.formatName(), reset, autoCommit, fetchMinBytes,
                requestTimeout);
        if (kafka.propagating()) {
            // a group the caller may not read is refused now, not at the first commit; and another principal's
            // instance names in it stay unseen (409 below is only for groups the caller may read)
            kafka.cluster(caller).requireGroupRead(group);
        }
        store.createInstance(new ConsumerInstance(group, name, config, caller.principal(), clock.getAsLong(),
                Subscription.none()), settings.instanceTimeoutMs());
        return name;
    }

    /** As {@link ConsumerService#delete}. */
    void delete(String group, String name, KafkaIdentity caller) {
        require(group, name, caller);
        RemovedInstance removed = store.deleteInstance(group, name, clock.getAsLong());
        if (removed.instance().config().autoCommitEnable() && !removed.positions().isEmpty()) {
            handover.commitAndWait(kafka.cluster(caller), group, removed.positions());
        }
    }

    /** As {@link ConsumerService#subscribe}. */
    void subscribe(String group, String name, KafkaIdentity caller, List<String> topics, Optional<String> pattern) {
        ConsumerInstance instance = require(group, name, caller);
        Subscription subscription;
        if (!topics.isEmpty()) {
            ConsumerBackend.Cluster cluster = kafka.cluster(caller);
            for (String topic : topics) {
                TopicNames.requireValid(topic);
                if (cluster.partitionCount(topic).isEmpty()) {
                    throw new RestException(ErrorCode.TOPIC_NOT_FOUND, "Topic " + topic + " not found.");
                }
            }
            subscription = Subscription.topics(topics);
        } else if (pattern.isPresent() && !pattern.get().isEmpty()) {
            try {
                Pattern.compile(pattern.get());
            } catch (PatternSyntaxException e) {
                throw RestException.badRequest("Invalid topic_pattern: " + e.getDescription());
            }
            subscription = Subscription.pattern(pattern.get());
        } else {
            throw RestException.badRequest("A subscription needs topics or topic_pattern.");
        }
        changeSubscription(instance, subscription, caller);
    }

    /** As {@link ConsumerService#subscription}. */
    List<String> subscription(String group, String name, KafkaIdentity caller) {
        ConsumerInstance instance = require(group, name, caller);
        touch(instance);
        Subscription subscription = instance.subscription();
        // a pattern's matches as the caller sees them (the caller's ACLs), not as the service principal does
        return subscription.mode() == SubscriptionMode.SUBSCRIBE
                ? GroupCoordinator.topicsOf(subscription, kafka.cluster(caller)) : List.of();
    }

    /** As {@link ConsumerService#unsubscribe}. */
    void unsubscribe(String group, String name, KafkaIdentity caller) {
        changeSubscription(require(group, name, caller), Subscription.none(), caller);
    }

    /** As {@link ConsumerService#assign}. */
    void assign(String group, String name, KafkaIdentity caller, List<PartitionRef> partitions) {
        ConsumerInstance instance = require(group, name, caller);
        ConsumerBackend.Cluster cluster = kafka.cluster(caller);
        for (PartitionRef p : partitions) {
            Optional<Integer> count = cluster.partitionCount(p.topic());
            if (count.isEmpty()) {
                throw new RestException(ErrorCode.TOPIC_NOT_FOUND, "Topic " + p.topic() + " not found.");
            }
            if (p.partition() < 0 || p.partition() >= count.get()) {
                throw MetadataService.partitionNotFound(p.topic(), p.partition());
            }
        }
        changeSubscription(instance, Subscription.partitions(partitions), caller);
    }

    /** As {@link ConsumerService#assignment}: leased like a poll, so a pending rebalance happens first. */
    List<PartitionRef> assignment(String group, String name, KafkaIdentity caller) {
        Optional<PollLease> lease = leases.take(group, name, caller, clock.getAsLong() + settings.requestTimeoutMs(),
                OptionalLong.of(settings.requestTimeoutMs()));
        if (lease.isEmpty()) {
            return store.instances(group, clock.getAsLong()).stream()
                    .filter(d -> d.instance().name().equals(name)).findFirst()
                    .map(d -> visible(caller, d.instance(), d.partitions()))
                    .orElseThrow(() -> new InstanceNotFoundException(group, name));
        }
        leases.end(group, name, lease.get().fencingToken(), Map.of());
        return visible(caller, lease.get().instance(), lease.get().partitions());
    }

    /**
     * @param group group id
     * @param name instance name
     * @param caller the caller
     * @return the live instance, without extending its life
     * @throws RestException 422 for an invalid group id
     * @throws InstanceNotFoundException when it does not exist, has expired or belongs to another principal
     */
    ConsumerInstance require(String group, String name, KafkaIdentity caller) {
        requireGroup(group);
        return store.instance(group, name, clock.getAsLong())
                .filter(i -> i.principal().equals(caller.principal()))
                .orElseThrow(() -> new InstanceNotFoundException(group, name));
    }

    /**
     * Extends an instance's life: every request on an instance does (Confluent: each operation resets the expiry).
     *
     * @param instance the instance
     */
    void touch(ConsumerInstance instance) {
        store.touch(instance.group(), instance.name(), clock.getAsLong(), settings.instanceTimeoutMs());
    }

    /**
     * The partitions of an instance the caller is shown and reads. Group assignment resolves topic patterns with the
     * service principal (it runs without a caller), so under {@code kafka.principal.propagation} a pattern may match
     * topics the caller's ACLs hide: those partitions stay assigned to the instance (nobody in the group could read
     * them as this caller anyway) but are neither shown nor read.
     *
     * @param caller the caller
     * @param instance the instance
     * @param partitions the partitions it owns
     * @return those the caller sees, in the same order
     */
    List<PartitionRef> visible(KafkaIdentity caller, ConsumerInstance instance, List<PartitionRef> partitions) {
        if (!kafka.propagating() || instance.subscription().pattern().isEmpty() || partitions.isEmpty()) {
            return partitions;
        }
        Set<String> topics = new HashSet<>(kafka.cluster(caller).topicNames());
        return partitions.stream().filter(p -> topics.contains(p.topic())).toList();
    }

    private void changeSubscription(ConsumerInstance instance, Subscription subscription, KafkaIdentity caller) {
        Map<PartitionRef, Long> dropped = store.updateSubscription(instance.group(), instance.name(), subscription,
                clock.getAsLong(), settings.instanceTimeoutMs());
        if (instance.config().autoCommitEnable()) {
            handover.commit(kafka.cluster(caller), instance.group(), dropped);
        }
    }

    private static void requireGroup(String group) {
        if (group.isEmpty() || group.length() > MAX_GROUP_LENGTH) {
            throw new RestException(ErrorCode.UNPROCESSABLE_ENTITY, "Invalid consumer group id.");
        }
    }

    private static RestException invalidConfig(String message) {
        return new RestException(ErrorCode.INVALID_CONSUMER_CONFIG, "Invalid consumer configuration: " + message);
    }
}
