package io.github.krest.perf;

import java.time.Duration;
import java.util.List;

/**
 * Sizes of the scale scenario ({@code perf/run --only scale}, {@link ScaleBench}).
 *
 * @param counts           active instance counts, one step per shape and count
 * @param warmupMin        polling before the measured window, at least
 * @param warmupMax        at most: the window starts then even if some instance has not had an answer yet
 * @param measure          the measured window of each step
 * @param produceRate      records per second written to the shape's topic while a step polls
 * @param valueBytes       value size of each of those records
 * @param fanoutPartitions partitions of the fan-out topic (every instance reads all of them)
 * @param groupPartitions  partitions of the groups topic (each group splits them)
 * @param groupSize        instances per group in the groups shape
 * @param maxBytes         {@code max_bytes} of every poll
 * @param pollTimeoutMs    {@code timeout} of every poll, ms
 * @param workers          concurrent requests while creating and deleting instances
 * @param createCap        longest a step spends creating and subscribing its instances; it goes on with those done
 */
public record ScaleSettings(List<Integer> counts, Duration warmupMin, Duration warmupMax, Duration measure,
                            int produceRate, int valueBytes, int fanoutPartitions, int groupPartitions, int groupSize,
                            long maxBytes, long pollTimeoutMs, int workers, Duration createCap) {
    /** The instance counts of issue 30: 100, 1,000, 5,000 and 10,000. */
    public static final List<Integer> DEFAULT_COUNTS = List.of(100, 1000, 5000, 10_000);

    /**
     * @param quick  shorter windows ({@code perf/run --quick --only scale})
     * @param counts instance counts, {@link #DEFAULT_COUNTS} when empty
     * @return the sizes: a full run of the default counts takes about 15 minutes on 2 cores
     */
    public static ScaleSettings of(boolean quick, List<Integer> counts) {
        List<Integer> n = counts.isEmpty() ? DEFAULT_COUNTS : List.copyOf(counts);
        return quick
                ? new ScaleSettings(n, Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(15), 500,
                        200, 4, 64, 100, 1_048_576, 1000, 64, Duration.ofSeconds(60))
                : new ScaleSettings(n, Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofSeconds(30), 500,
                        200, 4, 64, 100, 1_048_576, 1000, 64, Duration.ofSeconds(120));
    }
}
