package io.github.krest.proxy.core.consumer;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;

import io.github.krest.proxy.core.CommittedOffset;
import io.github.krest.proxy.core.TrafficMeter;
import io.github.krest.proxy.core.session.KafkaSessions;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.format.EmbeddedFormat;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.proxy.kafka.PartitionWindows;
import io.github.krest.proxy.record.RecordConverter;
import io.github.krest.state.ConsumerStateStore;
import io.github.krest.state.PartitionRef;

/**
 * Confluent v2 consumers, served statelessly: a consumer instance is data in the {@link ConsumerStateStore}, and any
 * replica serves any request by reconstituting it (docs/architecture.md). A poll leases the instance,
 * rebalances its group if the membership changed, resolves partitions without a position (committed offset, else
 * {@code auto.offset.reset}), reads with this replica's cached assign-mode Kafka consumer (seeking only where the
 * stored position differs), and stores the new positions under the lease before it returns any record.
 *
 * <p>This class is the front the HTTP layer calls; the work is done by one class per concern:
 * <ul>
 *   <li>{@link ConsumerInstances}: create, delete, subscribe, assign, the subscription and assignment views;</li>
 *   <li>{@link InstanceLeases}: one request at a time per instance, fencing tokens, rebalancing through
 *       {@link GroupCoordinator}, the leases ended at shutdown;</li>
 *   <li>{@link ConsumerPolls} and {@link RecordFetcher}: a poll's steps and its read loop;</li>
 *   <li>{@link ConsumerPositions} and {@link HandoverCommits}: seeks, start positions, commits, committed offsets,
 *       auto-commit and the expiry sweep;</li>
 *   <li>{@link ConsumerBackend}: Kafka as all of them see it ({@link KafkaConsumerBackend} in production).</li>
 * </ul>
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
    /** The streams {@link #streamStarted} counted, and the monitor {@link #awaitStreams} waits on. */
    private final int[] openStreams = new int[1];
    private final ConsumerInstances instances;
    private final InstanceLeases leases;
    private final ConsumerPositions positions;
    private final ConsumerPolls polls;

    /**
     * @param store the consumer state store
     * @param windows this replica's shared read windows
     * @param sessions the Kafka clients and services of the service principal and of each caller
     * @param settings consumer settings
     * @param replicaId this replica's id, for leases
     * @param clock epoch-ms clock
     */
    public ConsumerService(ConsumerStateStore store, PartitionWindows windows, KafkaSessions sessions,
                           ConsumerSettings settings, String replicaId,
                           LongSupplier clock) {
        this(store, windows, sessions, settings, replicaId, clock, TrafficMeter.NONE);
    }

    /**
     * As {@link #ConsumerService(ConsumerStateStore, PartitionWindows, KafkaSessions, ConsumerSettings, String,
     * LongSupplier)}, counting the records polls return in {@code traffic}.
     */
    public ConsumerService(ConsumerStateStore store, PartitionWindows windows, KafkaSessions sessions,
                           ConsumerSettings settings, String replicaId,
                           LongSupplier clock, TrafficMeter traffic) {
        this(store, new KafkaConsumerBackend(sessions, windows), settings, replicaId, clock, traffic);
    }

    /**
     * The consumer protocol over any {@link ConsumerBackend} (unit tests pass a fake one).
     *
     * @param store the consumer state store
     * @param kafka Kafka as the protocol sees it
     * @param settings consumer settings
     * @param replicaId this replica's id, for leases and the sweep lock
     * @param clock epoch-ms clock
     * @param traffic counts the records polls return
     */
    ConsumerService(ConsumerStateStore store, ConsumerBackend kafka, ConsumerSettings settings, String replicaId,
                    LongSupplier clock, TrafficMeter traffic) {
        HandoverCommits handover = new HandoverCommits(store, kafka, clock);
        // group assignment is group-wide state, computed without a caller: the service principal's metadata
        GroupCoordinator coordinator = new GroupCoordinator(store, kafka.service(), clock,
                settings.metadataMaxAgeMs());
        this.leases = new InstanceLeases(store, coordinator, handover, settings, replicaId, clock);
        this.instances = new ConsumerInstances(store, kafka, leases, handover, settings, clock);
        this.positions = new ConsumerPositions(store, kafka, instances, leases, handover, settings, replicaId, clock);
        this.polls = new ConsumerPolls(instances, leases, positions, new RecordFetcher(kafka, clock),
                settings, clock, traffic);
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
    public record CommittedPartition(PartitionRef partition, long offset, String metadata) {
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
        return instances.create(group, request, caller);
    }

    /**
     * Confluent v2: {@code DELETE /consumers/{group}/instances/{instance}}; commits the positions first when the
     * instance auto-commits.
     */
    public void delete(String group, String name, KafkaIdentity caller) {
        instances.delete(group, name, caller);
    }

    /**
     * Confluent v2: {@code POST .../subscription} with {@code topics} (each must exist: 404/40401) or
     * {@code topic_pattern} (a Java regex: 400 when invalid).
     */
    public void subscribe(String group, String name, KafkaIdentity caller, List<String> topics,
                          Optional<String> pattern) {
        instances.subscribe(group, name, caller, topics, pattern);
    }

    /** Confluent v2: {@code GET .../subscription}: the subscribed topics (a pattern's current matches). */
    public List<String> subscription(String group, String name, KafkaIdentity caller) {
        return instances.subscription(group, name, caller);
    }

    /** Confluent v2: {@code DELETE .../subscription}. */
    public void unsubscribe(String group, String name, KafkaIdentity caller) {
        instances.unsubscribe(group, name, caller);
    }

    /** Confluent v2: {@code POST .../assignments}; each partition must exist (404/40401, 40402). */
    public void assign(String group, String name, KafkaIdentity caller, List<PartitionRef> partitions) {
        instances.assign(group, name, caller, partitions);
    }

    /**
     * Confluent v2: {@code GET .../assignments}: the partitions the instance owns now (rebalancing first if its
     * group's membership changed).
     */
    public List<PartitionRef> assignment(String group, String name, KafkaIdentity caller) {
        return instances.assignment(group, name, caller);
    }

    /**
     * Confluent v2: {@code POST .../positions} (offsets and/or timestamps), {@code .../positions/beginning} and
     * {@code .../positions/end}: stores new positions for owned partitions under the lease.
     *
     * @param offsets partition to the next offset to deliver
     * @param timestamps partition to a time: the first record at or after it is delivered next
     * @param toBeginning partitions to rewind to their earliest offset
     * @param toEnd partitions to move to their latest offset
     * @throws RestException 409/40903 for a partition the instance does not own, or when another request holds the
     *         instance until {@code consumer.request.timeout.max.ms}
     */
    public void seek(String group, String name, KafkaIdentity caller, Map<PartitionRef, Long> offsets,
                     Map<PartitionRef, Instant> timestamps, List<PartitionRef> toBeginning, List<PartitionRef> toEnd) {
        positions.seek(group, name, caller, offsets, timestamps, toBeginning, toEnd);
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
        return polls.poll(group, name, caller, format, timeoutMs, maxBytes, converters);
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
                       Optional<Map<PartitionRef, CommittedOffset>> explicit, boolean async) {
        positions.commit(group, name, caller, explicit, async);
    }

    /**
     * Confluent v2: {@code GET .../offsets}: committed offsets of the given partitions (those that have one), or of
     * the instance's positions' partitions when none are given.
     */
    public List<CommittedPartition> committed(String group, String name, KafkaIdentity caller,
                                              List<PartitionRef> partitions) {
        return positions.committed(group, name, caller, partitions);
    }

    /**
     * Removes expired instances and commits their positions when they auto-commit; called periodically by every
     * replica (only one sweeps at a time).
     *
     * @return how many instances were removed
     */
    public int sweepExpired() {
        return positions.sweepExpired();
    }

    /**
     * Marks the replica as stopping, before its web server stops: long-lived record streams (server-sent events)
     * end after the poll they are in, instead of holding the shutdown for {@code shutdown.graceful.ms}.
     */
    public void beginShutdown() {
        polls.beginShutdown();
    }

    /** @return whether {@link #beginShutdown} was called; a record stream checks it between polls */
    public boolean shuttingDown() {
        return polls.shuttingDown();
    }

    /**
     * Counts a stream that polls in a loop outside any request (a WebSocket), which the web server's shutdown would
     * cut off mid-poll; {@link #awaitStreams} waits for it. Pair with {@link #streamEnded}.
     */
    public void streamStarted() {
        synchronized (openStreams) {
            openStreams[0]++;
        }
    }

    /** Ends what {@link #streamStarted} counted. */
    public void streamEnded() {
        synchronized (openStreams) {
            openStreams[0]--;
            openStreams.notifyAll();
        }
    }

    /**
     * Waits, after {@link #beginShutdown}, until the counted streams ended (each after the poll it is in), so that
     * they close cleanly before the web server drops their connections.
     *
     * @param timeoutMs longest wait, ms
     * @return whether every stream ended in time
     */
    public boolean awaitStreams(long timeoutMs) {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (openStreams) {
            while (openStreams[0] > 0) {
                long left = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                try {
                    openStreams.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
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
        return leases.releaseAll();
    }
}
