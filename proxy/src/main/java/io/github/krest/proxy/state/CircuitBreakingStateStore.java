package io.github.krest.proxy.state;

import java.time.Duration;
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
import io.github.krest.state.StateStoreBusyException;
import io.github.krest.state.StateStoreUnavailableException;
import io.github.krest.state.Subscription;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

/**
 * Wraps a state store in a resilience4j circuit breaker: after repeated {@link StateStoreUnavailableException}s the
 * breaker opens and calls fail at once (no connection attempt) with the same exception, answered 503/50303 with
 * {@code Retry-After}; it lets a few calls through after {@link #OPEN_MS} to see whether the store is back. Only
 * unavailability counts as a failure, never a business outcome such as "instance not found", nor this replica's own
 * connection pool running dry ({@link StateStoreBusyException}, still answered 503).
 */
public final class CircuitBreakingStateStore implements ConsumerStateStore {
    /** How long the breaker stays open before it tries the store again, in ms. */
    public static final long OPEN_MS = 1_000;

    private final ConsumerStateStore delegate;
    private final CircuitBreaker breaker;

    /**
     * @param delegate the store to protect
     * @param name the breaker's name (for metrics)
     */
    public CircuitBreakingStateStore(ConsumerStateStore delegate, String name) {
        this.delegate = delegate;
        this.breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(10)
                .minimumNumberOfCalls(3)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofMillis(OPEN_MS))
                .permittedNumberOfCallsInHalfOpenState(2)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordExceptions(StateStoreUnavailableException.class)
                // an exhausted connection pool is this replica's load, not the store failing: opening the breaker
                // on it turned a busy replica into one answering every consumer request 503 (perf/, scale)
                .ignoreExceptions(StateStoreBusyException.class)
                .build());
    }

    /** @return the breaker, for metrics and health */
    public CircuitBreaker breaker() {
        return breaker;
    }

    private <T> T call(Supplier<T> call) {
        try {
            return breaker.executeSupplier(call);
        } catch (CallNotPermittedException open) {
            throw new StateStoreUnavailableException("The consumer state store is unavailable (circuit open)", open);
        }
    }

    private void run(Runnable call) {
        call(() -> {
            call.run();
            return null;
        });
    }

    @Override
    public void createInstance(ConsumerInstance instance, long ttlMs) {
        run(() -> delegate.createInstance(instance, ttlMs));
    }

    @Override
    public Optional<ConsumerInstance> instance(String group, String name, long nowMs) {
        return call(() -> delegate.instance(group, name, nowMs));
    }

    @Override
    public void touch(String group, String name, long nowMs, long ttlMs) {
        run(() -> delegate.touch(group, name, nowMs, ttlMs));
    }

    @Override
    public RemovedInstance deleteInstance(String group, String name, long nowMs) {
        return call(() -> delegate.deleteInstance(group, name, nowMs));
    }

    @Override
    public Map<PartitionRef, Long> updateSubscription(String group, String name, Subscription subscription,
                                                      long nowMs, long ttlMs) {
        return call(() -> delegate.updateSubscription(group, name, subscription, nowMs, ttlMs));
    }

    @Override
    public PollLease beginPoll(String group, String name, String principal, String replicaId, long nowMs,
                               OptionalLong waitMs, long leaseMarginMs, long sessionTimeoutMs, long ttlMs) {
        return call(() -> delegate.beginPoll(group, name, principal, replicaId, nowMs, waitMs, leaseMarginMs,
                sessionTimeoutMs, ttlMs));
    }

    @Override
    public boolean endPoll(String group, String name, long fencingToken, Map<PartitionRef, Long> positions) {
        return call(() -> delegate.endPoll(group, name, fencingToken, positions));
    }

    @Override
    public Map<PartitionRef, Long> positions(String group, String name, long nowMs) {
        return call(() -> delegate.positions(group, name, nowMs));
    }

    @Override
    public GroupMembership membership(String group) {
        return call(() -> delegate.membership(group));
    }

    @Override
    public GroupAssignment assignment(String group) {
        return call(() -> delegate.assignment(group));
    }

    @Override
    public AssignmentUpdate storeAssignment(String group, String expectedFingerprint, long newGeneration,
                                            Map<String, List<PartitionRef>> partitions) {
        return call(() -> delegate.storeAssignment(group, expectedFingerprint, newGeneration, partitions));
    }

    @Override
    public void releaseHandover(String group, Map<PartitionRef, Long> committed) {
        run(() -> delegate.releaseHandover(group, committed));
    }

    @Override
    public void recordCommit(String group, String name, long commitMs) {
        run(() -> delegate.recordCommit(group, name, commitMs));
    }

    @Override
    public List<String> groups() {
        return call(delegate::groups);
    }

    @Override
    public List<InstanceDescription> instances(String group, long nowMs) {
        return call(() -> delegate.instances(group, nowMs));
    }

    @Override
    public List<RemovedInstance> sweepExpired(String replicaId, long nowMs, long lockMs, long sessionTimeoutMs) {
        return call(() -> delegate.sweepExpired(replicaId, nowMs, lockMs, sessionTimeoutMs));
    }

    /** Pings the store itself, past the breaker: health checks must see the store return while it is open. */
    @Override
    public void ping() {
        delegate.ping();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
