package io.github.krest.proxy.observe;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

import io.github.krest.state.AssignmentUpdate;
import io.github.krest.state.ConsumerInstance;
import io.github.krest.state.ConsumerStateStore;
import io.github.krest.state.GroupAssignment;
import io.github.krest.state.GroupMembership;
import io.github.krest.state.InstanceDescription;
import io.github.krest.state.PartitionRef;
import io.github.krest.state.PollLease;
import io.github.krest.state.RemovedInstance;
import io.github.krest.state.StateStoreException;
import io.github.krest.state.StateStoreUnavailableException;
import io.github.krest.state.Subscription;

/**
 * Times every state store call by operation (the method's name) and counts failures: the store unavailable (also
 * while its circuit breaker is open) or an unexpected exception; business outcomes such as "instance not found" or
 * "lease busy" are not failures. Also counts the consumer instances created, deleted and expired through this
 * replica. Wraps the outermost store, so latency includes the circuit breaker.
 */
public final class MeteredStateStore implements ConsumerStateStore {
    private final ConsumerStateStore delegate;
    private final KrestMetrics metrics;

    /**
     * @param delegate the store
     * @param metrics where to record
     */
    public MeteredStateStore(ConsumerStateStore delegate, KrestMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    private <T> T call(String operation, Supplier<T> call) {
        long start = System.nanoTime();
        boolean failed = false;
        try {
            return call.get();
        } catch (StateStoreUnavailableException e) {
            failed = true;
            throw e;
        } catch (StateStoreException | IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        } finally {
            metrics.stateStoreCall(operation, System.nanoTime() - start, failed);
        }
    }

    private void run(String operation, Runnable call) {
        call(operation, () -> {
            call.run();
            return null;
        });
    }

    @Override
    public void createInstance(ConsumerInstance instance, long ttlMs) {
        run("createInstance", () -> delegate.createInstance(instance, ttlMs));
        metrics.instanceCreated();
    }

    @Override
    public Optional<ConsumerInstance> instance(String group, String name, long nowMs) {
        return call("instance", () -> delegate.instance(group, name, nowMs));
    }

    @Override
    public void touch(String group, String name, long nowMs, long ttlMs) {
        run("touch", () -> delegate.touch(group, name, nowMs, ttlMs));
    }

    @Override
    public RemovedInstance deleteInstance(String group, String name, long nowMs) {
        RemovedInstance removed = call("deleteInstance", () -> delegate.deleteInstance(group, name, nowMs));
        metrics.instanceDeleted();
        return removed;
    }

    @Override
    public Map<PartitionRef, Long> updateSubscription(String group, String name, Subscription subscription,
                                                      long nowMs, long ttlMs) {
        return call("updateSubscription",
                () -> delegate.updateSubscription(group, name, subscription, nowMs, ttlMs));
    }

    @Override
    public PollLease beginPoll(String group, String name, String principal, String replicaId, long nowMs,
                               OptionalLong waitMs, long leaseMarginMs, long sessionTimeoutMs, long ttlMs) {
        return call("beginPoll", () -> delegate.beginPoll(group, name, principal, replicaId, nowMs, waitMs,
                leaseMarginMs, sessionTimeoutMs, ttlMs));
    }

    @Override
    public boolean endPoll(String group, String name, long fencingToken, Map<PartitionRef, Long> positions) {
        return call("endPoll", () -> delegate.endPoll(group, name, fencingToken, positions));
    }

    @Override
    public Map<PartitionRef, Long> positions(String group, String name, long nowMs) {
        return call("positions", () -> delegate.positions(group, name, nowMs));
    }

    @Override
    public GroupMembership membership(String group) {
        return call("membership", () -> delegate.membership(group));
    }

    @Override
    public GroupAssignment assignment(String group) {
        return call("assignment", () -> delegate.assignment(group));
    }

    @Override
    public AssignmentUpdate storeAssignment(String group, String expectedFingerprint, long newGeneration,
                                            Map<String, List<PartitionRef>> partitions) {
        return call("storeAssignment",
                () -> delegate.storeAssignment(group, expectedFingerprint, newGeneration, partitions));
    }

    @Override
    public void releaseHandover(String group, Map<PartitionRef, Long> committed) {
        run("releaseHandover", () -> delegate.releaseHandover(group, committed));
    }

    @Override
    public void recordCommit(String group, String name, long commitMs) {
        run("recordCommit", () -> delegate.recordCommit(group, name, commitMs));
    }

    @Override
    public List<String> groups() {
        return call("groups", delegate::groups);
    }

    @Override
    public List<InstanceDescription> instances(String group, long nowMs) {
        return call("instances", () -> delegate.instances(group, nowMs));
    }

    @Override
    public List<RemovedInstance> sweepExpired(String replicaId, long nowMs, long lockMs, long sessionTimeoutMs) {
        List<RemovedInstance> removed = call("sweepExpired",
                () -> delegate.sweepExpired(replicaId, nowMs, lockMs, sessionTimeoutMs));
        metrics.instancesExpired(removed.size());
        return removed;
    }

    /** Not metered: health checks call it, and they are timed by their own probes. */
    @Override
    public void ping() {
        delegate.ping();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
