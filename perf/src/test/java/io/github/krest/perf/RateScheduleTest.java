package io.github.krest.perf;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateScheduleTest {

    @Test
    void intendedTimesAreEvenlySpacedFromTheStart() {
        AtomicLong clock = new AtomicLong(5_000);
        RateSchedule schedule = new RateSchedule(1000, clock::get);
        assertEquals(1_000_000, schedule.periodNanos());
        assertEquals(5_000, schedule.intendedNanos(0));
        assertEquals(5_000 + 3_000_000, schedule.intendedNanos(3));
    }

    @Test
    void aLateSenderGetsTheIntendedTimesNotItsOwn() {
        AtomicLong clock = new AtomicLong(0);
        RateSchedule schedule = new RateSchedule(100, clock::get);
        // the sender stalls for 55 ms: the six sends due meanwhile come at once, each with its own intended time,
        // so their latency counts the stall (no coordinated omission)
        clock.set(55_000_000);
        for (int i = 0; i <= 5; i++) {
            assertEquals(i * 10_000_000L, schedule.awaitNext());
        }
        assertEquals(6, schedule.dueCount());
    }

    @Test
    void anEarlySenderWaitsForTheIntendedTime() {
        RateSchedule schedule = new RateSchedule(200, System::nanoTime);
        schedule.awaitNext();
        long intended = schedule.awaitNext();
        assertTrue(System.nanoTime() >= intended, "returned before the send was due");
        assertEquals(schedule.intendedNanos(1), intended);
    }

    @Test
    void rejectsANonPositiveRate() {
        assertThrows(IllegalArgumentException.class, () -> new RateSchedule(0, System::nanoTime));
    }
}
