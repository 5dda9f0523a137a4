package io.github.krest.proxy.observe;

import java.util.concurrent.locks.ReentrantLock;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * A readiness check that probes a dependency at most once per {@code cacheMs}: probes from a load balancer or
 * Kubernetes arrive often, and a probe of an unreachable dependency takes its full timeout. Concurrent callers wait
 * for the one probe in flight. DOWN while the probe throws, with the failure's message as detail; UP again as soon as
 * a probe succeeds.
 */
public final class ReadinessCheck implements HealthCheck {
    /** A dependency probe: returns normally when the dependency is reachable. */
    @FunctionalInterface
    public interface Probe {
        /**
         * @return a short description of what answered (e.g. the cluster id), for the detail
         * @throws Exception when the dependency is unreachable
         */
        String probe() throws Exception;
    }

    private final String name;
    private final Probe probe;
    private final long cacheMs;
    private final ReentrantLock lock = new ReentrantLock();
    private HealthCheckResponse last;
    private long lastAtNanos;

    /**
     * @param name the check's name in the health answer
     * @param probe the probe
     * @param cacheMs how long a probe's answer is reused, in ms
     */
    public ReadinessCheck(String name, Probe probe, long cacheMs) {
        this.name = name;
        this.probe = probe;
        this.cacheMs = cacheMs;
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public HealthCheckResponse call() {
        lock.lock();
        try {
            long now = System.nanoTime();
            if (last == null || now - lastAtNanos >= cacheMs * 1_000_000L) {
                last = probeOnce();
                lastAtNanos = System.nanoTime();
            }
            return last;
        } finally {
            lock.unlock();
        }
    }

    private HealthCheckResponse probeOnce() {
        try {
            return HealthCheckResponse.builder().status(true).detail("target", probe.probe()).build();
        } catch (Exception e) {
            Throwable cause = e.getCause() != null && e instanceof java.util.concurrent.ExecutionException
                    ? e.getCause() : e;
            return HealthCheckResponse.builder().status(false)
                    .detail("error", cause.getClass().getSimpleName() + ": " + cause.getMessage()).build();
        }
    }
}
