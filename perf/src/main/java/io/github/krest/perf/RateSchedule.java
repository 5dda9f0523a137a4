package io.github.krest.perf;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Constant-rate schedule of intended send times, so that latency is measured from when a request should have been
 * sent rather than from when a late sender got round to it (free of coordinated omission): the n-th send is due at
 * {@code start + n * period}. A sender that falls behind sends at once, and the time it was late counts in the
 * latency of each late request.
 */
public final class RateSchedule {
    private final LongSupplier clock;
    private final long startNanos;
    private final long periodNanos;
    private long next;

    /**
     * @param ratePerSecond sends per second, greater than 0
     * @param clock         nanosecond clock ({@code System::nanoTime} outside tests)
     */
    public RateSchedule(double ratePerSecond, LongSupplier clock) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive: " + ratePerSecond);
        }
        this.clock = clock;
        this.periodNanos = Math.max(1, Math.round(1_000_000_000d / ratePerSecond));
        this.startNanos = clock.getAsLong();
    }

    /** @return the time between two sends, in ns */
    public long periodNanos() {
        return periodNanos;
    }

    /** @return the intended time of the n-th send (0-based), in ns of the schedule's clock */
    public long intendedNanos(long n) {
        return startNanos + n * periodNanos;
    }

    /** @return how many sends were due by now (sent or not) */
    public long dueCount() {
        return (clock.getAsLong() - startNanos) / periodNanos + 1;
    }

    /**
     * Waits until the next send is due (returns at once when it is already late) and moves on to the one after.
     *
     * @return the intended time of the send now due, in ns
     */
    public long awaitNext() {
        long intended = intendedNanos(next++);
        long wait;
        while ((wait = intended - clock.getAsLong()) > 0) {
            LockSupport.parkNanos(wait);
        }
        return intended;
    }
}
