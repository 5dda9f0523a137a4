package io.github.krest.proxy.core.consumer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

import io.github.krest.proxy.core.TrafficMeter;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.format.EmbeddedFormat;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.proxy.record.RecordConverter;
import io.github.krest.state.ConsumerInstance;
import io.github.krest.state.PartitionRef;
import io.github.krest.state.PollLease;

/**
 * A poll on any replica, its five steps in order (docs/architecture.md, "A poll, on any replica"): begin (a lease
 * from {@link InstanceLeases}, which rebalances the group first when needed), resolve the start positions
 * ({@link ConsumerPositions}), read ({@link RecordFetcher}), and end: the new positions are stored under the lease,
 * and only then are the records returned. Also the replica's shutdown mark that record streams check between polls.
 */
final class ConsumerPolls {
    private final ConsumerInstances instances;
    private final InstanceLeases leases;
    private final ConsumerPositions positions;
    private final RecordFetcher fetcher;
    private final ConsumerSettings settings;
    private final LongSupplier clock;
    private final TrafficMeter traffic;
    private volatile boolean shuttingDown;

    /**
     * @param instances instance checks
     * @param leases the poll's lease
     * @param positions start positions and auto-commit
     * @param fetcher the read loop
     * @param settings consumer settings (timeouts, {@code consumer.request.max.bytes})
     * @param clock epoch-ms clock
     * @param traffic counts the records polls return
     */
    ConsumerPolls(ConsumerInstances instances, InstanceLeases leases,
                  ConsumerPositions positions, RecordFetcher fetcher, ConsumerSettings settings, LongSupplier clock,
                  TrafficMeter traffic) {
        this.instances = instances;
        this.leases = leases;
        this.positions = positions;
        this.fetcher = fetcher;
        this.settings = settings;
        this.clock = clock;
        this.traffic = traffic;
    }

    /** As {@link ConsumerService#poll}. */
    <T> ConsumerService.Polled<T> poll(String group, String name, KafkaIdentity caller,
                                       Optional<EmbeddedFormat> format, Optional<Long> timeoutMs,
                                       Optional<Long> maxBytes,
                                       Function<EmbeddedFormat, RecordConverter<T>> converters) {
        long start = clock.getAsLong();
        long waitMs = timeoutMs.map(t -> Math.max(0, Math.min(t, settings.requestTimeoutMaxMs())))
                .orElse(settings.requestTimeoutMs());
        // the lease lasts this poll's wait (the instance's request timeout without ?timeout=) plus a margin: a
        // replica that dies mid-poll, or cannot reach the store to end it, blocks the instance no longer
        Optional<PollLease> maybeLease = leases.take(group, name, caller, start + waitMs,
                timeoutMs.isPresent() ? OptionalLong.of(waitMs) : OptionalLong.empty());
        if (maybeLease.isEmpty()) {
            // another request held the instance until our deadline: answer no records, but in the instance's
            // format (and with the same 406 for a mismatch) as if we had polled
            ConsumerInstance busy = instances.require(group, name, caller);
            return new ConsumerService.Polled<>(requireFormat(busy, format), List.of());
        }
        PollLease lease = maybeLease.get();
        ConsumerInstance instance = lease.instance();
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
            List<PartitionRef> partitions = instances.visible(caller, instance, lease.partitions());
            Map<PartitionRef, Long> from = positions.resolve(group, caller, instance, partitions,
                    lease.positions());
            positions.autoCommitIfDue(caller, instance, lease, start);
            RecordFetcher.Batch<T> batch;
            if (partitions.isEmpty()) {
                leases.sleepUntil(deadline);
                batch = RecordFetcher.Batch.none();
            } else {
                batch = fetcher.read(caller, instance, partitions, from, deadline, limit, converter);
            }
            Map<PartitionRef, Long> newPositions = new HashMap<>(from);
            newPositions.putAll(batch.advanced());
            released = true;
            if (!leases.end(group, name, lease.fencingToken(), newPositions)) {
                // our lease lapsed and another request took the instance over: these records are not ours to give
                return new ConsumerService.Polled<>(instanceFormat, List.of());
            }
            if (batch.failure().isPresent() && batch.records().isEmpty()) {
                throw batch.failure().get();
            }
            traffic.consumed(batch.records().size(), convertedBytes[0]);
            return new ConsumerService.Polled<>(instanceFormat, batch.records());
        } finally {
            if (!released) {
                leases.end(group, name, lease.fencingToken(), Map.of());
            }
        }
    }

    /**
     * Marks the replica as stopping: record streams end after the poll they are in.
     */
    void beginShutdown() {
        shuttingDown = true;
    }

    /** @return whether {@link #beginShutdown} was called */
    boolean shuttingDown() {
        return shuttingDown;
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
}
