package io.github.krest.perf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

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
     * What one run measured.
     *
     * @param perSecond  counted per second over the measured window
     * @param counted    counted in the measured window
     * @param cpuSeconds CPU the probed processes used in the window, s (0 without a probe)
     */
    record Measured(double perSecond, long counted, double cpuSeconds) {
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
     * @param warmup  time before measuring
     * @param measure the measured window
     * @param counter what the clients count (records acknowledged)
     * @param client  the loop of one client
     * @param cpu     processes whose CPU to measure over the window (krest's replicas)
     * @return the rate over the measured window
     * @throws IllegalStateException when a client failed (with its exception as the cause)
     */
    static Measured run(String name, int clients, Duration warmup, Duration measure, AtomicLong counter,
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
        Thread.sleep(warmup.toMillis());
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
        return new Measured((c1 - c0) * 1e9 / (t1 - t0), c1 - c0, cpu1 - cpu0);
    }
}
