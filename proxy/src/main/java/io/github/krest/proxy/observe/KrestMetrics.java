package io.github.krest.proxy.observe;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.github.krest.proxy.core.TrafficMeter;
import io.github.krest.proxy.kafka.RenewableProducer;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.MetricsFactory;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * krest's meters in Helidon's global registry, scraped as Prometheus text at {@code /observe/metrics}. Every label
 * value comes from a fixed set (resource names, Confluent error codes, state store operations, breaker states), so
 * the number of series is bounded whatever the traffic. Names (Prometheus form):
 * <ul>
 *   <li>{@code krest_requests_total{resource}}, {@code krest_request_duration_seconds{resource}} (histogram),
 *       {@code krest_request_errors_total{resource,error_code}};</li>
 *   <li>{@code krest_produced_records_total}, {@code krest_produced_bytes_total}, {@code krest_consumed_records_total},
 *       {@code krest_consumed_bytes_total};</li>
 *   <li>{@code krest_consumer_readers_cached} (the Kafka consumers of the shared read windows),
 *       {@code krest_consumer_read_windows}, {@code krest_consumer_read_window_bytes},
 *       {@code krest_consumer_instances_active} and
 *       {@code krest_consumer_instances_{created,deleted,expired}_total} (this replica's share);</li>
 *   <li>{@code krest_state_store_call_duration_seconds{operation}}, {@code krest_state_store_call_errors_total{operation}},
 *       {@code krest_circuit_breaker_state{breaker,state}} (1 for the current state; breakers
 *       {@code state-store} and {@code schema-registry});</li>
 *   <li>{@code krest_producer_*}: the shared producer's record send and error rates (per s), request latency average
 *       and maximum (ms), and buffer bytes available.</li>
 * </ul>
 * Meters are removed on {@link #close()}, so that a replica restarted in the same JVM (tests) starts from zero. The
 * registry is per JVM: two replicas in one JVM (tests only) share their meters, and gauges follow the first.
 */
public final class KrestMetrics implements TrafficMeter, AutoCloseable {
    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};
    /** Kafka producer metrics exported as gauges: Kafka's name in group producer-metrics → krest's name. */
    private static final Map<String, String> PRODUCER_METRICS = Map.of(
            "record-send-rate", "krest.producer.record.send.rate",
            "record-error-rate", "krest.producer.record.error.rate",
            "request-latency-avg", "krest.producer.request.latency.avg.ms",
            "request-latency-max", "krest.producer.request.latency.max.ms",
            "buffer-available-bytes", "krest.producer.buffer.available.bytes");

    // removal: Helidon 4.5 deprecates both ways to the global registry (this and Metrics.globalRegistry()) for the
    // service registry's MeterRegistry; moving there is a change of its own, checked against /observe/metrics.
    @SuppressWarnings("removal")
    private final MeterRegistry registry = MetricsFactory.getInstance().globalRegistry();
    private final List<Meter> meters = new CopyOnWriteArrayList<>();
    private final Map<String, RequestMeters> requests = new ConcurrentHashMap<>();
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();
    private final Map<String, StoreMeters> storeCalls = new ConcurrentHashMap<>();
    private final Counter producedRecords = counter("krest.produced.records", "Records acknowledged by Kafka");
    private final Counter producedBytes = counter("krest.produced.bytes", "Key + value + header bytes produced");
    private final Counter consumedRecords = counter("krest.consumed.records", "Records returned to v2 consumers");
    private final Counter consumedBytes = counter("krest.consumed.bytes", "Key + value + header bytes consumed");
    private final Counter instancesCreated = counter("krest.consumer.instances.created",
            "Consumer instances created through this replica");
    private final Counter instancesDeleted = counter("krest.consumer.instances.deleted",
            "Consumer instances deleted through this replica");
    private final Counter instancesExpired = counter("krest.consumer.instances.expired",
            "Expired consumer instances removed by this replica's sweeper");
    private final AtomicLong activeInstances = new AtomicLong();

    private record RequestMeters(Counter count, Timer duration) {
    }

    private record StoreMeters(Timer duration, Counter errors) {
    }

    /** Creates the meters that need no other component. */
    public KrestMetrics() {
        gauge("krest.consumer.instances.active", "Consumer instances created minus deleted and expired through this "
                + "replica (sum over replicas for the cluster's count)", activeInstances::get, List.of());
    }

    /** @return the registry the meters live in, for the metrics endpoint */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Records one served request.
     *
     * @param resource the resource name (bounded set)
     * @param errorCode the {@code error_code} answered, empty for a success
     * @param nanos how long it took
     */
    public void request(String resource, Optional<Integer> errorCode, long nanos) {
        RequestMeters m = requests.computeIfAbsent(resource, r -> new RequestMeters(
                track(registry.getOrCreate(Counter.builder("krest.requests").description("Requests served")
                        .tags(List.of(Tag.create("resource", r))))),
                track(registry.getOrCreate(Timer.builder("krest.request.duration").description("Request latency")
                        .baseUnit("seconds").buckets(LATENCY_BUCKETS).tags(List.of(Tag.create("resource", r)))))));
        m.count().increment();
        m.duration().record(nanos, TimeUnit.NANOSECONDS);
        errorCode.ifPresent(code -> errors.computeIfAbsent(resource + " " + code, k -> track(registry.getOrCreate(
                Counter.builder("krest.request.errors").description("Error answers by Confluent error_code")
                        .tags(List.of(Tag.create("resource", resource), Tag.create("error_code",
                                Integer.toString(code))))))).increment());
    }

    @Override
    public void produced(long records, long bytes) {
        producedRecords.increment(records);
        producedBytes.increment(bytes);
    }

    @Override
    public void consumed(long records, long bytes) {
        consumedRecords.increment(records);
        consumedBytes.increment(bytes);
    }

    /**
     * Records one state store call.
     *
     * @param operation the store method's name (bounded set)
     * @param nanos how long it took
     * @param failed whether the store failed (unreachable or an unexpected error; not business outcomes)
     */
    public void stateStoreCall(String operation, long nanos, boolean failed) {
        StoreMeters m = storeCalls.computeIfAbsent(operation, op -> new StoreMeters(
                track(registry.getOrCreate(Timer.builder("krest.state.store.call.duration")
                        .description("Consumer state store call latency").baseUnit("seconds")
                        .buckets(LATENCY_BUCKETS).tags(List.of(Tag.create("operation", op))))),
                track(registry.getOrCreate(Counter.builder("krest.state.store.call.errors")
                        .description("Consumer state store calls that failed")
                        .tags(List.of(Tag.create("operation", op)))))));
        m.duration().record(nanos, TimeUnit.NANOSECONDS);
        if (failed) {
            m.errors().increment();
        }
    }

    /** Counts a consumer instance created through this replica. */
    public void instanceCreated() {
        instancesCreated.increment();
        activeInstances.incrementAndGet();
    }

    /** Counts a consumer instance deleted through this replica. */
    public void instanceDeleted() {
        instancesDeleted.increment();
        activeInstances.decrementAndGet();
    }

    /**
     * Counts expired instances this replica's sweeper removed.
     *
     * @param count how many
     */
    public void instancesExpired(int count) {
        instancesExpired.increment(count);
        activeInstances.addAndGet(-count);
    }

    /**
     * Exports the shared read windows' size (docs/architecture.md, "Shared read windows").
     *
     * @param fetchers how many Kafka consumers feed the windows
     * @param windows how many windows there are
     * @param bytes the bytes of records they hold, with per-record overhead
     */
    public void readWindows(Supplier<Long> fetchers, Supplier<Long> windows, Supplier<Long> bytes) {
        gauge("krest.consumer.readers.cached", "Kafka consumers feeding this replica's read windows", fetchers,
                List.of());
        gauge("krest.consumer.read.windows", "Shared read windows on this replica", windows, List.of());
        gauge("krest.consumer.read.window.bytes", "Bytes of records this replica's read windows hold", bytes,
                List.of());
    }

    /**
     * Exports a circuit breaker's state: one series per state, 1 for the current one.
     *
     * @param name the breaker's label value: {@code state-store} or {@code schema-registry}
     * @param breaker the breaker
     */
    public void circuitBreaker(String name, CircuitBreaker breaker) {
        for (CircuitBreaker.State state : List.of(CircuitBreaker.State.CLOSED, CircuitBreaker.State.OPEN,
                CircuitBreaker.State.HALF_OPEN)) {
            gauge("krest.circuit.breaker.state", "1 for a circuit breaker's current state",
                    () -> breaker.getState() == state ? 1 : 0,
                    List.of(Tag.create("breaker", name),
                            Tag.create("state", state.name().toLowerCase(java.util.Locale.ROOT))));
        }
    }

    /**
     * Exports selected metrics of the shared producer as gauges, read from whichever producer is current, and how
     * often it was replaced ({@code krest.producer.replacements}).
     *
     * @param producer the shared producer
     */
    public void producer(RenewableProducer producer) {
        AtomicReference<Producer<?, ?>> seen = new AtomicReference<>();
        Map<String, Metric> found = new ConcurrentHashMap<>();
        PRODUCER_METRICS.forEach((kafkaName, name) -> gauge(name, "Shared producer's " + kafkaName, () -> {
            Producer<byte[], byte[]> current = producer.created().orElse(null);
            // identity: whether it is still the same producer instance, not an equal one
            @SuppressWarnings("ReferenceEquality")
            boolean replaced = seen.getAndSet(current) != current;
            if (replaced) {
                // the old producer's metrics are gone with it
                found.clear();
            }
            Metric metric = current == null ? null : found.computeIfAbsent(kafkaName, n -> find(current, n));
            Object value = metric == null ? null : metric.metricValue();
            return value instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : 0.0;
        }, List.of()));
        gauge("krest.producer.replacements", "Times the shared producer was replaced after it could no longer send",
                () -> (double) producer.replacements(), List.of());
    }

    private static Metric find(Producer<?, ?> producer, String name) {
        for (Map.Entry<MetricName, ? extends Metric> e : producer.metrics().entrySet()) {
            if (e.getKey().group().equals("producer-metrics") && e.getKey().name().equals(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private Counter counter(String name, String description) {
        return track(registry.getOrCreate(Counter.builder(name).description(description)));
    }

    private <N extends Number> void gauge(String name, String description, Supplier<N> value, List<Tag> tags) {
        track(registry.getOrCreate(Gauge.builder(name, value).description(description).tags(tags)));
    }

    private <M extends Meter> M track(M meter) {
        meters.add(meter);
        return meter;
    }

    /** Removes this replica's meters from the registry. */
    @Override
    public void close() {
        meters.forEach(registry::remove);
        meters.clear();
    }
}
