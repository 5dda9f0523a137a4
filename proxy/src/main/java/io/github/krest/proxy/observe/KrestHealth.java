package io.github.krest.proxy.observe;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.krest.state.ConsumerStateStore;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * krest's health checks, served at {@code /observe/health} ({@code /live}, {@code /ready}): liveness is always UP
 * while the server answers; readiness is DOWN while Kafka ({@code Admin.describeCluster}) or the consumer state store
 * ({@code ping}; the in-memory store always answers) is unreachable, and UP again once they answer. Each dependency
 * is probed with {@link #PROBE_TIMEOUT_MS} and its answer reused for {@link #CACHE_MS}.
 */
public final class KrestHealth {
    /** Longest a dependency probe waits, in ms. */
    public static final long PROBE_TIMEOUT_MS = 2_000;
    /** How long a probe's answer is reused, in ms. */
    public static final long CACHE_MS = 1_000;

    private KrestHealth() {
    }

    /**
     * @param admin the shared admin client
     * @param store the consumer state store
     * @return the liveness check and the readiness checks for Kafka and the state store
     */
    public static List<HealthCheck> checks(Admin admin, ConsumerStateStore store) {
        return List.of(live(),
                new ReadinessCheck("kafka", () -> admin.describeCluster(new DescribeClusterOptions()
                        .timeoutMs((int) PROBE_TIMEOUT_MS)).clusterId()
                        .get(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS), CACHE_MS),
                new ReadinessCheck("consumer-state-store", () -> {
                    store.ping();
                    return "reachable";
                }, CACHE_MS));
    }

    private static HealthCheck live() {
        return new HealthCheck() {
            @Override
            public HealthCheckType type() {
                return HealthCheckType.LIVENESS;
            }

            @Override
            public String name() {
                return "krest";
            }

            @Override
            public HealthCheckResponse call() {
                return HealthCheckResponse.builder().status(true).build();
            }
        };
    }
}
