package io.github.krest.perf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;

/**
 * Runs N clients as fast as each can go (each waits for its previous request's answer) for a warm-up and then a
 * measured window, and reports the rate of a counter over the measured window only.
 */
final class ClosedLoop {
    /** One client's loop body; it adds what it completed to the counter. */
    @FunctionalInterface
    interface Client {
        /**
         * @param index   the client's number, 0-based
         * @param stopped true once the run is over; the client returns soon after
         */
        void run(int index, AtomicBoolean stopped) throws Exception;
    }

    /**
     * How long a run warms up before it measures: at least {@code min}, then on in steps of {@link #STEP} until the
     * JIT compilers of the JVMs doing the work (the driver, and on krest's side its replicas) used at most
     * {@link #SETTLED_SHARE} of a CPU over the last step, and at most {@code max}. A replica's C2 compiler goes on
     * compiling for a minute or more under new load (Kafka's consumer, Helidon's writers), on the CPU the replica
     * serves from, so a fixed warm-up measured part of each window at reduced speed and by a varying amount.
     *
     * @param min       the shortest warm-up
     * @param max       the longest, {@code >= min}
     * @param compilerSeconds CPU seconds used so far by the compiler threads that must settle
     *                        ({@link ProcessCpu#compilerSeconds()})
     */
    record Warmup(Duration min, Duration max, DoubleSupplier compilerSeconds) {
        /** How often the compilers are looked at: over the last step of {@code min}, then after each step. */
        static final Duration STEP = Duration.ofSeconds(5);
        /** Compiler CPU, in CPUs, at or under which the JVMs count as warm: 5% of one. */
        static final double SETTLED_SHARE = 0.05;

        /** @return a warm-up of at least {@code min} and at most three times as long */
        static Warmup upToThreeTimes(Duration min, ProcessCpu compilers) {
            return new Warmup(min, min.multipliedBy(3), compilers::compilerSeconds);
        }
    }

    /**
     * What one run measured.
     *
     * @param perSecond     counted per second over the measured window
     * @param counted       counted in the measured window
     * @param cpuSeconds    CPU the probed processes used in the window, s (0 without a probe)
     * @param warmupSeconds how long the run warmed up ({@link Warmup}), s
     */
    record Measured(double perSecond, long counted, double cpuSeconds, double warmupSeconds) {
        /** @return the probed processes' CPU per 1,000 counted, ms; 0 without a probe or a count */
        double cpuMsPer1000() {
            return counted == 0 ? 0 : cpuSeconds * 1_000_000.0 / counted;
        }
    }

    private ClosedLoop() {
    }

    /**
     * @param name    thread name prefix
     * @param clients how many clients run at once
     * @param warmup  how long to load before measuring
     * @param measure the measured window
     * @param counter what the clients count (records acknowledged)
     * @param client  the loop of one client
     * @param cpu     processes whose CPU to measure over the window (krest's replicas)
     * @return the rate over the measured window
     * @throws IllegalStateException when a client failed (with its exception as the cause)
     */
    static Measured run(String name, int clients, Warmup warmup, Duration measure, AtomicLong counter,
                        ProcessCpu cpu, Client client) throws InterruptedException {
        AtomicBoolean stopped = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int index = i;
            threads.add(Thread.ofPlatform().name(name + "-" + i).start(() -> {
                try {
                    client.run(index, stopped);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    stopped.set(true);
                }
            }));
        }
        double warmedUp = warmUp(warmup, stopped);
        double cpu0 = cpu.seconds();
        long c0 = counter.get();
        long t0 = System.nanoTime();
        long end = t0 + measure.toNanos();
        while (!stopped.get() && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        long c1 = counter.get();
        long t1 = System.nanoTime();
        double cpu1 = cpu.seconds();
        stopped.set(true);
        for (Thread t : threads) {
            t.join(120_000);
        }
        if (failure.get() != null) {
            throw new IllegalStateException(name + ": " + failure.get(), failure.get());
        }
        return new Measured((c1 - c0) * 1e9 / (t1 - t0), c1 - c0, cpu1 - cpu0, warmedUp);
    }

    /** Waits out a warm-up ({@link Warmup}); @return how long it took, s */
    private static double warmUp(Warmup warmup, AtomicBoolean stopped) throws InterruptedException {
        long started = System.nanoTime();
        long maxEnd = started + warmup.max().toNanos();
        long step = Math.min(Warmup.STEP.toMillis(), warmup.min().toMillis());
        Thread.sleep(warmup.min().toMillis() - step);
        double compiled = warmup.compilerSeconds().getAsDouble();
        long sampled = System.nanoTime();
        Thread.sleep(step);
        while (!stopped.get()) {
            double now = warmup.compilerSeconds().getAsDouble();
            long at = System.nanoTime();
            if (now - compiled <= Warmup.SETTLED_SHARE * (at - sampled) / 1e9 || at >= maxEnd) {
                break;
            }
            compiled = now;
            sampled = at;
            Thread.sleep(Math.max(1, Math.min(Warmup.STEP.toMillis(), (maxEnd - at) / 1_000_000)));
        }
        return (System.nanoTime() - started) / 1e9;
    }
}
