package io.github.krest.proxy.cluster;

import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import io.github.krest.proxy.cluster.SoakOutcomes.Role;
import io.github.krest.proxy.testing.V2ConsumerClient.Instance;
import io.github.krest.proxy.testing.KrestHttp;

/**
 * One v2 consumer instance of the soak, polling through the load balancer on its own thread: every answer is
 * classified ({@link SoakOutcomes}), every record goes into a counting {@link DeliveryLog} (duplicates and
 * out-of-order records are counted, not fatal), and an instance without auto-commit commits its positions
 * ({@code POST .../offsets}, empty body) every {@value #COMMIT_INTERVAL_MS} ms as an application that processed
 * its records would. A failure it may retry waits {@code Retry-After} (or 200 ms); one it may not is counted and,
 * for a poll answered 404 (the instance is gone), ends the loop.
 */
final class SoakConsumer implements Runnable {
    private static final long COMMIT_INTERVAL_MS = 5_000;

    private final Instance instance;
    private final boolean commits;
    private final ClusterConsumerClient client;
    private final SoakOutcomes outcomes;
    private final long intervalMs;
    private final long maxPolls;
    private final BooleanSupplier running;
    private final DeliveryLog log;
    private final Map<Integer, Long> delivered = new ConcurrentHashMap<>();
    private long polls;
    private volatile Throwable crash;

    /**
     * @param commits whether it commits its positions itself (an instance without auto-commit)
     * @param intervalMs the least time between two polls
     * @param maxPolls the most polls it sends
     * @param running whether to go on
     */
    SoakConsumer(Instance instance, boolean commits, ClusterConsumerClient client, String topic, SoakOutcomes outcomes,
                 long intervalMs, long maxPolls, BooleanSupplier running) {
        this.instance = instance;
        this.commits = commits;
        this.client = client;
        this.outcomes = outcomes;
        this.intervalMs = intervalMs;
        this.maxPolls = maxPolls;
        this.running = running;
        this.log = DeliveryLog.counting(topic);
    }

    /** @return {@code <group>/<instance>} */
    String name() {
        return instance.group() + "/" + instance.name();
    }

    /** @return the instance */
    Instance instance() {
        return instance;
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (RuntimeException | AssertionError e) {
            crash = e;
        }
    }

    /** @return what ended its loop early (an answer it could not read), if anything */
    Optional<Throwable> crash() {
        return Optional.ofNullable(crash);
    }

    private void loop() {
        long lastCommit = System.nanoTime();
        while (running.getAsBoolean() && polls < maxPolls) {
            long started = System.nanoTime();
            polls++;
            Optional<Long> backoff = poll();
            if (backoff.isEmpty() && commits && System.nanoTime() - lastCommit > COMMIT_INTERVAL_MS * 1_000_000) {
                lastCommit = System.nanoTime();
                backoff = commit();
            }
            if (backoff.filter(ms -> ms < 0).isPresent()) {
                return;
            }
            long spent = (System.nanoTime() - started) / 1_000_000;
            ClusterProcesses.sleep(Math.max(backoff.orElse(0L), intervalMs - spent));
        }
    }

    /** @return the log of what it received (read it after the thread ended) */
    DeliveryLog log() {
        return log;
    }

    /** @return the highest offset delivered per partition so far (safe to read while it runs) */
    Map<Integer, Long> delivered() {
        return Map.copyOf(delivered);
    }

    /** @return empty after a 200, else how long to wait (negative: stop) */
    private Optional<Long> poll() {
        outcomes.sent("poll");
        KrestHttp.Response r;
        long sent = System.nanoTime();
        try {
            r = client.poll(instance);
            outcomes.took("poll", name(), (System.nanoTime() - sent) / 1_000_000, r.status());
        } catch (UncheckedIOException | IllegalStateException e) {
            outcomes.took("poll", name(), (System.nanoTime() - sent) / 1_000_000, 0);
            outcomes.failure("poll", 0, "-", false, false, e.toString());
            return Optional.of(200L);
        } catch (AssertionError notFound) {
            outcomes.failure("poll", 404, "40403", false, false, notFound.getMessage());
            return Optional.of(-1L);
        }
        if (r.status() == 200 && r.json() != null && r.json().isArray()) {
            if (!r.json().isEmpty()) {
                log.add(r.json(), name());
                delivered.putAll(log.lastOffsets());
                outcomes.success(Role.CONSUME, name());
            }
            return Optional.empty();
        }
        return Optional.of(failed("poll", r));
    }

    private Optional<Long> commit() {
        outcomes.sent("commit");
        KrestHttp.Response r;
        long sent = System.nanoTime();
        try {
            r = client.tryCommit(instance);
            outcomes.took("commit", name(), (System.nanoTime() - sent) / 1_000_000, r.status());
        } catch (UncheckedIOException | IllegalStateException e) {
            outcomes.took("commit", name(), (System.nanoTime() - sent) / 1_000_000, 0);
            outcomes.failure("commit", 0, "-", false, false, e.toString());
            return Optional.of(200L);
        } catch (AssertionError notFound) {
            outcomes.failure("commit", 404, "40403", false, false, notFound.getMessage());
            return Optional.of(-1L);
        }
        return r.status() == 200 ? Optional.empty() : Optional.of(failed("commit", r));
    }

    /** Counts a failed answer; @return how long to wait before the next request, negative to stop */
    private long failed(String operation, KrestHttp.Response r) {
        String code = r.json() != null && r.json().has("error_code") ? r.json().get("error_code").asText() : "-";
        Optional<Long> retryAfter = SoakOutcomes.retryAfterMs(r);
        SoakOutcomes.Failure failure = outcomes.failure(operation, r.status(), code, false, retryAfter.isPresent(),
                r.body().length() > 200 ? r.body().substring(0, 200) : r.body());
        if (r.status() == 404) {
            return -1;
        }
        return failure.kind().retriable() ? retryAfter.orElse(200L) : 1_000;
    }
}
