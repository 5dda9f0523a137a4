package io.github.krest.proxy.core.consumer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

import io.github.krest.proxy.core.KafkaSessions;
import io.github.krest.proxy.core.MetadataService;
import io.github.krest.proxy.core.ProduceRecord;
import io.github.krest.proxy.core.TrafficMeter;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.format.EmbeddedFormat;
import io.github.krest.proxy.kafka.ConsumerReaders;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.state.ConsumerInstance;
import io.github.krest.state.ConsumerStateStore;
import io.github.krest.state.InstanceConfig;
import io.github.krest.state.InstanceNotFoundException;
import io.github.krest.state.LeaseBusyException;
import io.github.krest.state.PartitionRef;
import io.github.krest.state.PollLease;
import io.github.krest.state.RemovedInstance;
import io.github.krest.state.Subscription;
import io.github.krest.state.SubscriptionMode;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Confluent v2 consumers, served statelessly: a consumer instance is data in the {@link ConsumerStateStore}, and any
 * replica serves any request by reconstituting it (design note "stateless consumers"). A poll leases the instance,
 * rebalances its group if the membership changed, resolves partitions without a position (committed offset, else
 * {@code auto.offset.reset}), reads with this replica's cached assign-mode Kafka consumer (seeking only where the
 * stored position differs), and stores the new positions under the lease before it returns any record.
 *
 * <p>Errors: unknown or expired instance (or another principal's) 404/40403; duplicate name 409/40902; subscribe
 * after assign or an operation on a partition the instance does not own 409/40903; format mismatch 406/40601; a
 * record that cannot be rendered in the instance's format 408/40801 (nothing is skipped; seek past it); the state
 * store unavailable 503/50303.
 *
 * <p>Identity ({@code kafka.principal.propagation}): every request names its caller ({@link KafkaIdentity}); the
 * instance belongs to the caller's principal, and Kafka is read and offsets committed with the caller's session
 * ({@link KafkaSessions#session}). What runs without a caller uses the service principal
 * ({@link KafkaSessions#service()}): the expiry sweep and its commits, group assignment, and the commits of positions
 * a rebalance revokes from other members.
 */
public final class ConsumerService {
    private static final Set<String> OFFSET_RESETS = Set.of("earliest", "latest", "none");
    private static final int MAX_NAME_LENGTH = 200;
    private static final long LEASE_BACKOFF_MS = 20;
    /**
     * Most bytes a poll gathers from further fetches once it has records (see read()); max_bytes may lower it.
     * Measured with perf/ (perf/run, consume scenario, max_bytes 8 MiB, 1 KiB records) once the driver stopped
     * being the bound: against 2 MiB, 8 MiB brought one replica 413,446 against 294,203 records/s (2.5 against
     * 3.0 CPU ms per 1,000 records) and nginx over 3 replicas 368,873 against 234,990 (2.7 against 4.2): each poll's
     * fixed costs (lease and positions in Redis, a seek and a fresh fetch where the reader was elsewhere, the HTTP
     * exchange) are spread over four times the records. An answer then holds up to about 11 MB of base64 JSON
     * (written into Responses' reused chunks); a client wanting smaller answers asks for a smaller max_bytes.
     */
    private static final long DRAIN_MAX_BYTES = 8L * 1024 * 1024;

    private final ConsumerStateStore store;
    private final ConsumerReaders readers;
    private final KafkaSessions sessions;
    private final GroupCoordinator coordinator;
    private final ConsumerSettings settings;
    private final String replicaId;
    private final LongSupplier clock;
    private final TrafficMeter traffic;
    /** Leases this replica holds now (requests in flight), so that {@link #releaseLeases()} can end them. */
    private final Set<HeldLease> held = ConcurrentHashMap.newKeySet();
    private volatile boolean shuttingDown;

    /**
     * @param store the consumer state store
     * @param readers this replica's reader cache
     * @param sessions the Kafka clients and services of the service principal and of each caller
     * @param settings consumer settings
     * @param replicaId this replica's id, for leases
     * @param clock epoch-ms clock
     */
    public ConsumerService(ConsumerStateStore store, ConsumerReaders readers, KafkaSessions sessions,
                           ConsumerSettings settings, String replicaId,
                           LongSupplier clock) {
        this(store, readers, sessions, settings, replicaId, clock, TrafficMeter.NONE);
    }

    /**
     * As {@link #ConsumerService(ConsumerStateStore, ConsumerReaders, KafkaSessions, ConsumerSettings, String,
     * LongSupplier)}, counting the records polls return in {@code traffic}.
     */
    public ConsumerService(ConsumerStateStore store, ConsumerReaders readers, KafkaSessions sessions,
                           ConsumerSettings settings, String replicaId,
                           LongSupplier clock, TrafficMeter traffic) {
        this.traffic = traffic;
        this.store = store;
        this.readers = readers;
        this.sessions = sessions;
        this.settings = settings;
        this.replicaId = replicaId;
        this.clock = clock;
        // group assignment is group-wide state, computed without a caller: the service principal's metadata
        this.coordinator = new GroupCoordinator(store, sessions.service().metadata(), clock,
                settings.metadataMaxAgeMs());
    }

    /**
     * The body of {@code POST /consumers/{group}} (Confluent {@code CreateConsumerInstanceRequest}); every field
     * optional.
     */
    public record CreateRequest(Optional<String> name, Optional<String> id, Optional<String> format,
                                Optional<String> autoOffsetReset, Optional<String> autoCommitEnable,
                                Optional<Long> fetchMinBytes, Optional<Long> requestTimeoutMs) {
    }

    /** What a poll returns: the instance's format (the response's media type) and the rendered records. */
    public record Polled<T>(EmbeddedFormat format, List<T> records) {
    }

    /** A committed offset of a partition, for {@code GET .../offsets}. */
    public record CommittedOffset(PartitionRef partition, long offset, String metadata) {
    }

    /**
     * Confluent v2: {@code POST /consumers/{group}}. Defaults: format binary, {@code auto.offset.reset} latest,
     * {@code auto.commit.enable} true (Kafka's defaults), the replica's fetch.min.bytes and request timeout.
     *
     * @param group group id
     * @param request creation settings
     * @param caller the creating caller: its principal owns the instance (empty without authentication)
     * @return the instance name
     * @throws RestException 409/40902 duplicate, 422 invalid settings, 403/40301 when propagation is on and Kafka's
     *         ACLs do not let the caller read the group
     */
    public String create(String group, CreateRequest request, KafkaIdentity caller) {
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
        if (sessions.propagating()) {
            // a group the caller may not read is refused now, not at the first commit; and another principal's
            // instance names in it stay unseen (409 below is only for groups the caller may read)
            sessions.session(caller).offsets().requireGroupRead(group);
        }
        store.createInstance(new ConsumerInstance(group, name, config, caller.principal(), clock.getAsLong(),
                Subscription.none()), settings.instanceTimeoutMs());
        return name;
    }

    /**
     * Confluent v2: {@code DELETE /consumers/{group}/instances/{instance}}; commits the positions first when the
     * instance auto-commits.
     */
    public void delete(String group, String name, KafkaIdentity caller) {
        requireInstance(group, name, caller);
        RemovedInstance removed = store.deleteInstance(group, name, clock.getAsLong());
        readers.invalidate(new ConsumerReaders.Key(group, name));
        if (removed.instance().config().autoCommitEnable() && !removed.positions().isEmpty()) {
            sessions.session(caller).offsets().commitAndWait(group, removed.positions());
            releaseHandoverQuietly(group, removed.positions());
        }
    }

    /**
     * Confluent v2: {@code POST .../subscription} with {@code topics} (each must exist: 404/40401) or
     * {@code topic_pattern} (a Java regex: 400 when invalid).
     */
    public void subscribe(String group, String name, KafkaIdentity caller, List<String> topics,
                          Optional<String> pattern) {
        ConsumerInstance instance = requireInstance(group, name, caller);
        Subscription subscription;
        if (!topics.isEmpty()) {
            MetadataService metadata = sessions.session(caller).metadata();
            for (String topic : topics) {
                io.github.krest.proxy.core.TopicNames.requireValid(topic);
                if (metadata.partitionCount(topic).isEmpty()) {
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

    /** Confluent v2: {@code GET .../subscription}: the subscribed topics (a pattern's current matches). */
    public List<String> subscription(String group, String name, KafkaIdentity caller) {
        ConsumerInstance instance = requireInstance(group, name, caller);
        touch(instance);
        Subscription subscription = instance.subscription();
        // a pattern's matches as the caller sees them (the caller's ACLs), not as the service principal does
        return subscription.mode() == SubscriptionMode.SUBSCRIBE
                ? GroupCoordinator.topicsOf(subscription, sessions.session(caller).metadata()) : List.of();
    }

    /** Confluent v2: {@code DELETE .../subscription}. */
    public void unsubscribe(String group, String name, KafkaIdentity caller) {
        changeSubscription(requireInstance(group, name, caller), Subscription.none(), caller);
    }

    /** Confluent v2: {@code POST .../assignments}; each partition must exist (404/40401, 40402). */
    public void assign(String group, String name, KafkaIdentity caller, List<PartitionRef> partitions) {
        ConsumerInstance instance = requireInstance(group, name, caller);
        MetadataService metadata = sessions.session(caller).metadata();
        for (PartitionRef p : partitions) {
            Optional<Integer> count = metadata.partitionCount(p.topic());
            if (count.isEmpty()) {
                throw new RestException(ErrorCode.TOPIC_NOT_FOUND, "Topic " + p.topic() + " not found.");
            }
            if (p.partition() < 0 || p.partition() >= count.get()) {
                throw MetadataService.partitionNotFound(p.topic(), p.partition());
            }
        }
        changeSubscription(instance, Subscription.partitions(partitions), caller);
    }

    /**
     * Confluent v2: {@code GET .../assignments}: the partitions the instance owns now (rebalancing first if its
     * group's membership changed).
     */
    public List<PartitionRef> assignment(String group, String name, KafkaIdentity caller) {
        Optional<PollLease> lease = lease(group, name, caller, clock.getAsLong() + settings.requestTimeoutMs(),
                OptionalLong.of(settings.requestTimeoutMs()));
        if (lease.isEmpty()) {
            return store.instances(group, clock.getAsLong()).stream()
                    .filter(d -> d.instance().name().equals(name)).findFirst()
                    .map(d -> visible(caller, d.instance(), d.partitions()))
                    .orElseThrow(() -> new InstanceNotFoundException(group, name));
        }
        endPoll(group, name, lease.get().fencingToken(), Map.of());
        return visible(caller, lease.get().instance(), lease.get().partitions());
    }

    /**
     * Confluent v2: {@code POST .../positions} (offsets and/or timestamps), {@code .../positions/beginning} and
     * {@code .../positions/end}: stores new positions for owned partitions under the lease.
     *
     * @param offsets partition to the next offset to deliver
     * @param timestamps partition to a time: the first record at or after it is delivered next
     * @param toBeginning partitions to rewind to their earliest offset
     * @param toEnd partitions to move to their latest offset
     * @throws RestException 409/40903 for a partition the instance does not own
     */
    public void seek(String group, String name, KafkaIdentity caller, Map<PartitionRef, Long> offsets,
                     Map<PartitionRef, Instant> timestamps, List<PartitionRef> toBeginning, List<PartitionRef> toEnd) {
        Set<PartitionRef> targets = new HashSet<>(offsets.keySet());
        targets.addAll(timestamps.keySet());
        targets.addAll(toBeginning);
        targets.addAll(toEnd);
        PollLease lease = lease(group, name, caller, clock.getAsLong() + settings.requestTimeoutMaxMs(),
                OptionalLong.of(settings.requestTimeoutMaxMs())).orElseThrow(() -> busy(group, name));
        boolean released = false;
        try {
            for (PartitionRef p : targets) {
                if (!lease.partitions().contains(p)) {
                    throw new RestException(ErrorCode.ILLEGAL_STATE,
                            "Illegal state: No current assignment for partition " + p.topic() + "-" + p.partition());
                }
            }
            for (Map.Entry<PartitionRef, Long> e : offsets.entrySet()) {
                if (e.getValue() < 0) {
                    throw RestException.badRequest("Invalid offset " + e.getValue() + " for " + e.getKey());
                }
            }
            Map<PartitionRef, Long> positions = new HashMap<>(offsets);
            Map<PartitionRef, Long> byTime = new HashMap<>();
            timestamps.forEach((p, t) -> byTime.put(p, t.toEpochMilli()));
            KafkaOffsets kafka = sessions.session(caller).offsets();
            positions.putAll(kafka.forTimestamps(byTime));
            positions.putAll(kafka.earliest(toBeginning));
            positions.putAll(kafka.latest(toEnd));
            released = true;
            if (!endPoll(group, name, lease.fencingToken(), positions)) {
                throw busy(group, name);
            }
        } finally {
            if (!released) {
                endPoll(group, name, lease.fencingToken(), Map.of());
            }
        }
    }

    /**
     * Confluent v2: {@code GET .../records}.
     *
     * @param format the format the request accepts; must be the instance's (406/40601); empty: the instance's
     * @param timeoutMs {@code ?timeout=}: the longest wait, up to {@code consumer.request.timeout.max.ms};
     *                  the instance's request timeout when absent
     * @param maxBytes {@code ?max_bytes=}: lowers {@code consumer.request.max.bytes}
     * @param converters renders records in a format
     * @param <T> rendered record type
     * @return the instance's format and its records in partition order, each partition in offset order; no records
     *         when none arrived in time or another request holds the instance
     */
    public <T> Polled<T> poll(String group, String name, KafkaIdentity caller, Optional<EmbeddedFormat> format,
                              Optional<Long> timeoutMs, Optional<Long> maxBytes,
                              Function<EmbeddedFormat, RecordConverter<T>> converters) {
        long start = clock.getAsLong();
        long waitMs = timeoutMs.map(t -> Math.max(0, Math.min(t, settings.requestTimeoutMaxMs())))
                .orElse(settings.requestTimeoutMs());
        // the lease lasts this poll's wait (the instance's request timeout without ?timeout=) plus a margin: a
        // replica that dies mid-poll, or cannot reach the store to end it, blocks the instance no longer
        Optional<PollLease> maybeLease = lease(group, name, caller, start + waitMs,
                timeoutMs.isPresent() ? OptionalLong.of(waitMs) : OptionalLong.empty());
        if (maybeLease.isEmpty()) {
            // another request held the instance until our deadline: answer no records, but in the instance's
            // format (and with the same 406 for a mismatch) as if we had polled
            ConsumerInstance busy = requireInstance(group, name, caller);
            return new Polled<>(requireFormat(busy, format), List.of());
        }
        PollLease lease = maybeLease.get();
        ConsumerInstance instance = lease.instance();
        ConsumerReaders.Key key = new ConsumerReaders.Key(group, name);
        boolean released = false;
        try {
            EmbeddedFormat instanceFormat = requireFormat(instance, format);
            RecordConverter<T> formatConverter = converters.apply(instanceFormat);
            long[] convertedBytes = {0};
            RecordConverter<T> converter = r -> {
                T converted = formatConverter.convert(r);
                convertedBytes[0] += r.size();
                return converted;
            };
            long deadline = start + timeoutMs.map(t -> waitMs).orElse(instance.config().requestTimeoutMs());
            long limit = maxBytes.filter(b -> b > 0).map(b -> Math.min(b, settings.requestMaxBytes()))
                    .orElse(settings.requestMaxBytes());
            List<PartitionRef> partitions = visible(caller, instance, lease.partitions());
            Map<PartitionRef, Long> positions = resolvePositions(group, caller, instance, partitions,
                    lease.positions());
            maybeAutoCommit(caller, instance, lease, start);
            Batch<T> batch = partitions.isEmpty()
                    ? waitWithoutPartitions(deadline)
                    : read(key, caller, instance, partitions, positions, deadline, limit, converter);
            Map<PartitionRef, Long> newPositions = new HashMap<>(positions);
            newPositions.putAll(batch.advanced());
            released = true;
            if (!endPoll(group, name, lease.fencingToken(), newPositions)) {
                // our lease lapsed and another request took the instance over: these records are not ours to give
                readers.invalidate(key);
                return new Polled<>(instanceFormat, List.of());
            }
            if (batch.failure().isPresent() && batch.records().isEmpty()) {
                throw batch.failure().get();
            }
            traffic.consumed(batch.records().size(), convertedBytes[0]);
            return new Polled<>(instanceFormat, batch.records());
        } catch (RuntimeException e) {
            if (!(e instanceof RestException)) {
                readers.invalidate(key);
            }
            throw e;
        } finally {
            if (!released) {
                endPoll(group, name, lease.fencingToken(), Map.of());
            }
        }
    }

    /**
     * Confluent v2: {@code POST .../offsets}. Without offsets, commits the stored positions; with offsets, commits
     * each {@code offset + 1} (the caller names the last record it consumed), for partitions the instance owns
     * (409/40903 otherwise).
     *
     * @param explicit partition to last consumed offset and metadata, or empty for "all positions"
     * @param async return before Kafka confirms the commit
     */
    public void commit(String group, String name, KafkaIdentity caller,
                       Optional<Map<PartitionRef, KafkaOffsets.Committed>> explicit, boolean async) {
        Map<PartitionRef, KafkaOffsets.Committed> request = new HashMap<>();
        if (explicit.isEmpty()) {
            touch(requireInstance(group, name, caller));
            store.positions(group, name, clock.getAsLong())
                    .forEach((p, o) -> request.put(p, new KafkaOffsets.Committed(o, "")));
        } else {
            List<PartitionRef> owned = assignment(group, name, caller);
            for (Map.Entry<PartitionRef, KafkaOffsets.Committed> e : explicit.get().entrySet()) {
                if (!owned.contains(e.getKey())) {
                    throw new RestException(ErrorCode.ILLEGAL_STATE, "Illegal state: partition "
                            + e.getKey().topic() + "-" + e.getKey().partition()
                            + " is not assigned to this consumer instance.");
                }
                if (e.getValue().offset() < 0) {
                    throw RestException.badRequest("Invalid offset " + e.getValue().offset());
                }
                request.put(e.getKey(), new KafkaOffsets.Committed(e.getValue().offset() + 1,
                        e.getValue().metadata()));
            }
        }
        var future = sessions.session(caller).offsets().commit(group, request);
        if (async) {
            future.thenRun(() -> recordCommitQuietly(group, name));
            return;
        }
        KafkaOffsets.join(future);
        recordCommitQuietly(group, name);
    }

    /**
     * Confluent v2: {@code GET .../offsets}: committed offsets of the given partitions (those that have one), or of
     * the instance's positions' partitions when none are given.
     */
    public List<CommittedOffset> committed(String group, String name, KafkaIdentity caller,
                                           List<PartitionRef> partitions) {
        touch(requireInstance(group, name, caller));
        List<PartitionRef> wanted = partitions.isEmpty()
                ? List.copyOf(store.positions(group, name, clock.getAsLong()).keySet()) : partitions;
        Map<PartitionRef, KafkaOffsets.Committed> committed =
                sessions.session(caller).offsets().committed(group, wanted);
        return wanted.stream().distinct().sorted().filter(committed::containsKey)
                .map(p -> new CommittedOffset(p, committed.get(p).offset(), committed.get(p).metadata()))
                .toList();
    }

    /**
     * Removes expired instances and committing their positions when they auto-commit; called periodically by
     * every replica (only one sweeps at a time).
     *
     * @return how many instances were removed
     */
    public int sweepExpired() {
        List<RemovedInstance> removed = store.sweepExpired(replicaId, clock.getAsLong(), 5_000,
                settings.sessionTimeoutMs());
        for (RemovedInstance r : removed) {
            readers.invalidate(new ConsumerReaders.Key(r.instance().group(), r.instance().name()));
            if (r.instance().config().autoCommitEnable()) {
                commitGivenUp(sessions.service().offsets(), r.instance().group(), r.positions());
            }
        }
        return removed.size();
    }

    /**
     * Marks the replica as stopping, before its web server stops: long-lived record streams (server-sent events)
     * end after the poll they are in, instead of holding the shutdown for {@code shutdown.graceful.ms}.
     */
    public void beginShutdown() {
        shuttingDown = true;
    }

    /** @return whether {@link #beginShutdown} was called */
    public boolean shuttingDown() {
        return shuttingDown;
    }

    /**
     * Ends every lease this replica still holds, without storing positions, so that another replica's next request
     * on those instances proceeds at once instead of waiting for the leases to lapse. Called on shutdown after the
     * web server stopped: a request still running then (it outlived {@code shutdown.graceful.ms}) finds its lease
     * gone and returns nothing, so no record it read counts as delivered.
     *
     * @return how many leases were released
     */
    public int releaseLeases() {
        int released = 0;
        for (HeldLease lease : List.copyOf(held)) {
            if (!held.remove(lease)) {
                continue;
            }
            try {
                if (store.endPoll(lease.group(), lease.name(), lease.fencingToken(), Map.of())) {
                    released++;
                }
            } catch (RuntimeException e) {
                // the store is unreachable: the lease lapses on its own
            }
        }
        return released;
    }

    // ---- internals ----

    private record HeldLease(String group, String name, long fencingToken) {
    }

    /**
     * {@link ConsumerStateStore#endPoll} for a lease this replica took, which it then no longer holds. The lease stays
     * in {@link #held} until the store call is over, so that a shutdown's {@link #releaseLeases} still ends it when
     * this call fails (the request interrupted, the store closed under it); the fencing token makes a second end of
     * the same lease a no-op, and once either ended it the other's positions are refused.
     */
    private boolean endPoll(String group, String name, long fencingToken, Map<PartitionRef, Long> positions) {
        HeldLease lease = new HeldLease(group, name, fencingToken);
        if (!held.contains(lease)) {
            // released by releaseLeases() on shutdown: nothing may be written under it any more
            return false;
        }
        try {
            return store.endPoll(group, name, fencingToken, positions);
        } finally {
            held.remove(lease);
        }
    }

    private record Batch<T>(List<T> records, Map<PartitionRef, Long> advanced, Optional<RestException> failure) {
    }

    private <T> Batch<T> waitWithoutPartitions(long deadline) {
        sleepUntil(deadline);
        return new Batch<>(List.of(), Map.of(), Optional.empty());
    }

    private <T> Batch<T> read(ConsumerReaders.Key key, KafkaIdentity caller, ConsumerInstance instance,
                              List<PartitionRef> partitions,
                              Map<PartitionRef, Long> positions, long deadline, long limit,
                              RecordConverter<T> converter) {
        ConsumerReaders.Reader reader = readers.reader(key, caller, instance.config().autoOffsetReset());
        try {
            if (!reader.lock().tryLock(Math.max(0, deadline - clock.getAsLong()), TimeUnit.MILLISECONDS)) {
                return new Batch<>(List.of(), Map.of(), Optional.empty());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Batch<>(List.of(), Map.of(), Optional.empty());
        }
        try {
            Consumer<byte[], byte[]> consumer = reader.consumer();
            sync(reader, partitions, positions);
            long minBytes = instance.config().fetchMinBytes();
            List<T> out = new ArrayList<>();
            Map<PartitionRef, Long> advanced = new HashMap<>();
            Optional<RestException> failure = Optional.empty();
            long bytes = 0;
            long lastPollBytes = 0;
            boolean stop = false;
            while (!stop) {
                long remaining = deadline - clock.getAsLong();
                // once records are in hand (and no fetch.min.bytes asks for more), go on only while the broker has
                // more than the reader fetched so far (its lag from the last fetch; the reader already asked for
                // the next batch, which then comes back at once), up to max_bytes (at most DRAIN_MAX_BYTES): one
                // answer then carries several fetches instead of Kafka's max.poll.records, and a reader that has
                // caught up still answers at once
                // (a batch that would cross max_bytes is cut, and the reader must seek on the next poll: stop
                // before one as large as the last would)
                boolean draining = minBytes <= 0 && !out.isEmpty();
                if (draining && (bytes + lastPollBytes > Math.min(limit, DRAIN_MAX_BYTES)
                        || !behind(consumer, partitions))) {
                    break;
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(Math.max(0, remaining)));
                long bytesBefore = bytes;
                // partition by partition (the order ConsumerRecords iterates in), so that each partition's new
                // position is noted once per fetch rather than once per record
                for (TopicPartition tp : records.partitions()) {
                    long next = -1;
                    for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                        ConsumedRecord record = consumed(r);
                        long size = record.size();
                        if (bytes + size > limit) {
                            if (out.isEmpty()) {
                                failure = Optional.of(new RestException(ErrorCode.PAYLOAD_TOO_LARGE, "Record "
                                        + r.topic() + "-" + r.partition() + "@" + r.offset() + " is " + size
                                        + " bytes, more than max_bytes " + limit + ": raise max_bytes, or seek "
                                        + "past it with POST .../positions."));
                            }
                            stop = true;
                            break;
                        }
                        T converted;
                        try {
                            converted = converter.convert(record);
                        } catch (IllegalArgumentException e) {
                            failure = Optional.of(new RestException(ErrorCode.SERIALIZATION, "Cannot return record "
                                    + r.topic() + "-" + r.partition() + "@" + r.offset() + " as "
                                    + instance.config().format() + ": " + e.getMessage() + ". Records before it "
                                    + "are returned; to skip it, POST .../positions with offset " + (r.offset() + 1)
                                    + "."));
                            stop = true;
                            break;
                        } catch (RestException e) {
                            // the converter could not ask a service (e.g. the Schema Registry is unreachable):
                            // not a poison record; stop before it so that the reader's positions stay in step
                            failure = Optional.of(e);
                            stop = true;
                            break;
                        }
                        out.add(converted);
                        bytes += size;
                        next = r.offset() + 1;
                    }
                    if (next >= 0) {
                        advanced.put(new PartitionRef(tp.topic(), tp.partition()), next);
                    }
                    if (stop) {
                        break;
                    }
                }
                lastPollBytes = bytes - bytesBefore;
                if (!stop) {
                    boolean enough = minBytes <= 0 ? !out.isEmpty() && records.isEmpty() : bytes >= minBytes;
                    stop = enough || clock.getAsLong() >= deadline;
                }
            }
            recordReaderPositions(reader, partitions);
            return new Batch<>(out, advanced, failure);
        } finally {
            reader.lock().unlock();
        }
    }

    /** @return whether the broker had records past the reader's position at its last fetch, for any partition */
    private static boolean behind(Consumer<byte[], byte[]> consumer, List<PartitionRef> partitions) {
        for (PartitionRef p : partitions) {
            if (consumer.currentLag(KafkaOffsets.tp(p)).orElse(0) > 0) {
                return true;
            }
        }
        return false;
    }

    /** Aligns the reader with the stored state: assignment and positions; a warm reader needs nothing. */
    private static void sync(ConsumerReaders.Reader reader, List<PartitionRef> partitions,
                             Map<PartitionRef, Long> positions) {
        Consumer<byte[], byte[]> consumer = reader.consumer();
        Set<TopicPartition> wanted = partitions.stream().map(KafkaOffsets::tp).collect(Collectors.toSet());
        if (!consumer.assignment().equals(wanted)) {
            consumer.assign(wanted);
            reader.expectedPositions().keySet().retainAll(partitions);
        }
        for (PartitionRef p : partitions) {
            Long position = positions.get(p);
            if (!position.equals(reader.expectedPositions().get(p))) {
                consumer.seek(KafkaOffsets.tp(p), position);
                reader.expectedPositions().put(p, position);
            }
        }
    }

    private static void recordReaderPositions(ConsumerReaders.Reader reader, List<PartitionRef> partitions) {
        for (PartitionRef p : partitions) {
            try {
                reader.expectedPositions().put(p, reader.consumer().position(KafkaOffsets.tp(p), Duration.ZERO));
            } catch (RuntimeException unknown) {
                // a reset is pending: seek from the stored position next time
                reader.expectedPositions().remove(p);
            }
        }
    }

    private static ConsumedRecord consumed(ConsumerRecord<byte[], byte[]> r) {
        Header[] raw = r.headers().toArray();
        List<ProduceRecord.Header> headers = raw.length == 0 ? List.of() : new ArrayList<>(raw.length);
        for (Header h : raw) {
            headers.add(new ProduceRecord.Header(h.key(), Optional.ofNullable(h.value())));
        }
        return new ConsumedRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), Optional.ofNullable(r.key()),
                Optional.ofNullable(r.value()), headers);
    }

    /** Partitions without a stored position start at the group's committed offset, else auto.offset.reset. */
    private Map<PartitionRef, Long> resolvePositions(String group, KafkaIdentity caller, ConsumerInstance instance,
                                                     List<PartitionRef> partitions, Map<PartitionRef, Long> stored) {
        Map<PartitionRef, Long> positions = new HashMap<>();
        List<PartitionRef> missing = new ArrayList<>();
        for (PartitionRef p : partitions) {
            Long position = stored.get(p);
            if (position == null) {
                missing.add(p);
            } else {
                positions.put(p, position);
            }
        }
        if (missing.isEmpty()) {
            return positions;
        }
        KafkaOffsets offsets = sessions.session(caller).offsets();
        Map<PartitionRef, KafkaOffsets.Committed> committed = offsets.committed(group, missing);
        List<PartitionRef> reset = new ArrayList<>();
        for (PartitionRef p : missing) {
            KafkaOffsets.Committed c = committed.get(p);
            if (c != null) {
                positions.put(p, c.offset());
            } else {
                reset.add(p);
            }
        }
        switch (instance.config().autoOffsetReset()) {
            case "earliest" -> positions.putAll(offsets.earliest(reset));
            case "latest" -> positions.putAll(offsets.latest(reset));
            default -> {
                if (!reset.isEmpty()) {
                    throw new RestException(ErrorCode.ILLEGAL_STATE, "Illegal state: no committed offset for "
                            + reset + " and auto.offset.reset is none; seek with POST .../positions first.");
                }
            }
        }
        return positions;
    }

    private void maybeAutoCommit(KafkaIdentity caller, ConsumerInstance instance, PollLease lease, long now) {
        if (instance.config().autoCommitEnable() && !lease.positions().isEmpty()
                && now - lease.lastCommitMs() >= settings.autoCommitIntervalMs()) {
            sessions.session(caller).offsets().commit(instance.group(), committedOf(lease.positions()))
                    .thenRun(() -> Thread.ofVirtual().start(() -> recordCommitQuietly(instance.group(),
                            instance.name())));
        }
    }

    private void recordCommitQuietly(String group, String name) {
        try {
            store.recordCommit(group, name, clock.getAsLong());
        } catch (RuntimeException ignored) {
            // bookkeeping only: the next poll commits again
        }
    }

    /**
     * Leases an instance, rebalancing its group first when needed; waits while another request holds it.
     *
     * @param holdMs how long the request may take, before {@link ConsumerSettings#LEASE_MARGIN_MS}; empty: the
     *     instance's request timeout
     * @return the lease, or empty when the instance stayed busy until {@code waitUntil}
     */
    private Optional<PollLease> lease(String group, String name, KafkaIdentity caller, long waitUntil,
                                      OptionalLong holdMs) {
        long backoff = LEASE_BACKOFF_MS;
        while (true) {
            long now = clock.getAsLong();
            PollLease lease;
            try {
                lease = store.beginPoll(group, name, caller.principal(), replicaId, now, holdMs,
                        ConsumerSettings.LEASE_MARGIN_MS, settings.sessionTimeoutMs(), settings.instanceTimeoutMs());
            } catch (LeaseBusyException busy) {
                if (now >= waitUntil) {
                    return Optional.empty();
                }
                sleepUntil(Math.min(waitUntil, now + backoff));
                backoff = Math.min(backoff * 2, 200);
                continue;
            }
            if (lease.rebalanceNeeded()) {
                commitRevoked(group, coordinator.rebalance(group));
                if (now >= waitUntil + settings.requestTimeoutMs()) {
                    return Optional.empty();
                }
                continue;
            }
            held.add(new HeldLease(group, name, lease.fencingToken()));
            if (lease.instance().subscription().mode() == SubscriptionMode.SUBSCRIBE) {
                Optional<Map<String, Map<PartitionRef, Long>>> reassigned =
                        coordinator.refreshIfMetadataChanged(group);
                if (reassigned.isPresent()) {
                    // the lease's partitions are stale: release it and lease again under the new assignment
                    endPoll(group, name, lease.fencingToken(), Map.of());
                    commitRevoked(group, reassigned.get());
                    continue;
                }
            }
            return Optional.of(lease);
        }
    }

    /**
     * Positions revoked by a rebalance are committed for members that auto-commit. The new owners do not wait for
     * that: the store handed the positions over to them when it stored the assignment.
     */
    private void commitRevoked(String group, Map<String, Map<PartitionRef, Long>> revoked) {
        revoked.forEach((member, positions) -> {
            if (positions.isEmpty()) {
                return;
            }
            store.instance(group, member, clock.getAsLong())
                    .filter(i -> i.config().autoCommitEnable())
                    .ifPresent(i -> commitGivenUp(sessions.service().offsets(), group, positions));
        });
    }

    private void changeSubscription(ConsumerInstance instance, Subscription subscription, KafkaIdentity caller) {
        Map<PartitionRef, Long> dropped = store.updateSubscription(instance.group(), instance.name(), subscription,
                clock.getAsLong(), settings.instanceTimeoutMs());
        if (instance.config().autoCommitEnable()) {
            commitGivenUp(sessions.session(caller).offsets(), instance.group(), dropped);
        }
    }

    /**
     * Commits the positions an auto-commit instance gave up (the store handed them over to the partitions' next
     * owners), then ends their handover, since Kafka now answers the same offsets; a failed commit leaves the
     * handover in place. The store call runs on a virtual thread, off the admin client's thread that completes the
     * commit.
     */
    private void commitGivenUp(KafkaOffsets offsets, String group, Map<PartitionRef, Long> positions) {
        if (positions.isEmpty()) {
            return;
        }
        offsets.commit(group, committedOf(positions)).thenRun(() -> Thread.ofVirtual().start(() ->
                releaseHandoverQuietly(group, positions)));
    }

    private void releaseHandoverQuietly(String group, Map<PartitionRef, Long> committed) {
        try {
            store.releaseHandover(group, committed);
        } catch (RuntimeException ignored) {
            // the entries stay until the next owner stores a position, or with the group: they hold what Kafka has
        }
    }

    /** @return the instance's format, which the request's must be when it names one (else 406/40601) */
    private static EmbeddedFormat requireFormat(ConsumerInstance instance, Optional<EmbeddedFormat> requested) {
        EmbeddedFormat instanceFormat = EmbeddedFormat.ofName(instance.config().format()).orElseThrow();
        if (requested.isPresent() && requested.get() != instanceFormat) {
            throw new RestException(ErrorCode.CONSUMER_FORMAT_MISMATCH, "The requested embedded data format ("
                    + requested.get().formatName() + ") does not match the format of this consumer instance ("
                    + instance.config().format() + ").");
        }
        return instanceFormat;
    }

    /**
     * The partitions of an instance the caller is shown and reads. Group assignment resolves topic patterns with the
     * service principal (it runs without a caller), so under {@code kafka.principal.propagation} a pattern may match
     * topics the caller's ACLs hide: those partitions stay assigned to the instance (nobody in the group could read
     * them as this caller anyway) but are neither shown nor read.
     */
    private List<PartitionRef> visible(KafkaIdentity caller, ConsumerInstance instance,
                                       List<PartitionRef> partitions) {
        if (!sessions.propagating() || instance.subscription().pattern().isEmpty() || partitions.isEmpty()) {
            return partitions;
        }
        Set<String> topics = new HashSet<>(sessions.session(caller).metadata().topicNames());
        return partitions.stream().filter(p -> topics.contains(p.topic())).toList();
    }

    private ConsumerInstance requireInstance(String group, String name, KafkaIdentity caller) {
        requireGroup(group);
        ConsumerInstance instance = store.instance(group, name, clock.getAsLong())
                .filter(i -> i.principal().equals(caller.principal()))
                .orElseThrow(() -> new InstanceNotFoundException(group, name));
        return instance;
    }

    /** Every request on an instance extends its life (Confluent: each operation resets the expiry). */
    private void touch(ConsumerInstance instance) {
        store.touch(instance.group(), instance.name(), clock.getAsLong(), settings.instanceTimeoutMs());
    }

    private static void requireGroup(String group) {
        if (group.isEmpty() || group.length() > 249) {
            throw new RestException(ErrorCode.UNPROCESSABLE_ENTITY, "Invalid consumer group id.");
        }
    }

    private static Map<PartitionRef, KafkaOffsets.Committed> committedOf(Map<PartitionRef, Long> positions) {
        Map<PartitionRef, KafkaOffsets.Committed> result = new HashMap<>();
        positions.forEach((p, o) -> result.put(p, new KafkaOffsets.Committed(o, "")));
        return result;
    }

    private static RestException invalidConfig(String message) {
        return new RestException(ErrorCode.INVALID_CONSUMER_CONFIG, "Invalid consumer configuration: " + message);
    }

    private static RestException busy(String group, String name) {
        return new RestException(ErrorCode.ILLEGAL_STATE, "Illegal state: consumer instance " + name + " of group "
                + group + " is busy with another request; try again.");
    }

    private void sleepUntil(long deadline) {
        long ms = deadline - clock.getAsLong();
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
