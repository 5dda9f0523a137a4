package io.github.krest.perf;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClosedLoopTest {

    private static ClosedLoop.Measured run(ClosedLoop.Warmup warmup) throws InterruptedException {
        AtomicLong counter = new AtomicLong();
        return ClosedLoop.run("test", 1, warmup, Duration.ofMillis(200), counter, ProcessCpu.none(),
                (index, stopped) -> {
                    while (!stopped.get()) {
                        counter.incrementAndGet();
                        Thread.sleep(1);
                    }
                });
    }

    @Test
    void warmUpEndsAfterTheMinimumOnceTheCompilersAreIdle() throws InterruptedException {
        ClosedLoop.Measured m = run(new ClosedLoop.Warmup(Duration.ofMillis(300), Duration.ofSeconds(20), () -> 0));
        assertTrue(m.warmupSeconds() >= 0.3 && m.warmupSeconds() < 2, "warm-up " + m.warmupSeconds());
        assertTrue(m.counted() > 0 && m.perSecond() > 0);
    }

    @Test
    void warmUpGoesOnWhileTheCompilersWorkUpToTheMaximum() throws InterruptedException {
        // compilers always a whole CPU busy: never settled
        long start = System.nanoTime();
        ClosedLoop.Measured busy = run(new ClosedLoop.Warmup(Duration.ofMillis(300), Duration.ofMillis(1500),
                () -> (System.nanoTime() - start) / 1e9));
        assertTrue(busy.warmupSeconds() >= 1.5 && busy.warmupSeconds() < 3, "warm-up " + busy.warmupSeconds());
    }

    @Test
    void compilerSecondsCountThisJvmsJitThreads() {
        double sum = 0;
        for (int i = 0; i < 2_000_000; i++) {
            sum += Math.sqrt(i) % 7;
        }
        ProcessCpu self = ProcessCpu.driverAnd(java.util.List.of());
        double compilers = self.compilerSeconds();
        assertTrue(compilers > 0, "a JVM that ran tests has compiled something (" + sum + ")");
        assertTrue(compilers <= self.seconds(), "the compilers are part of the process");
        assertEquals(0, ProcessCpu.none().compilerSeconds());
    }
}
