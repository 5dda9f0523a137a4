package io.github.krest.proxy.observe;

import java.util.List;
import java.util.Optional;

import io.helidon.health.HealthCheck;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.ObserveFeatureConfig;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

/**
 * Helidon's observe feature with exactly krest's observers (no service-loader discovery): Prometheus metrics at
 * {@code /observe/metrics} when metrics are on, and health at {@code /observe/health} (with {@code /live} and
 * {@code /ready}) always, answering JSON with each check's status and details (200 UP, 503 DOWN).
 */
public final class ObserveEndpoints {
    private ObserveEndpoints() {
    }

    /**
     * @param metrics the registry to serve at {@code /observe/metrics}, empty when metrics are off
     * @param checks health checks
     * @param sockets the web server sockets to serve the endpoints on
     * @return the feature, to add to the web server
     */
    public static ObserveFeature feature(Optional<MeterRegistry> metrics, List<HealthCheck> checks,
                                         List<String> sockets) {
        ObserveFeatureConfig.Builder builder = ObserveFeature.builder()
                .observersDiscoverServices(false)
                // above the main routing (100), whose catch-all answers 404 for every path it does not serve
                .weight(200)
                .sockets(sockets)
                .addObserver(HealthObserver.builder()
                        .useSystemServices(false)
                        .details(true)
                        .addChecks(checks.toArray(HealthCheck[]::new))
                        .build());
        metrics.ifPresent(registry -> builder.addObserver(MetricsObserver.builder()
                .meterRegistry(registry)
                .build()));
        return builder.build();
    }
}
