package io.github.krest.proxy.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * How long and how hard {@link SoakIT} runs, from system properties (set by {@code perf/soak}, or on the Maven
 * command line as {@code -Dkrest.soak=full}):
 *
 * <ul>
 *   <li>{@code krest.soak}: {@code quick} (the default, what the default test run does: each fault type once,
 *       2 to 3 minutes of load) or {@code full} (20 minutes of load or a little more, each fault type twice);</li>
 *   <li>{@code krest.soak.results}: a directory to write {@code <date>-soak.json} and {@code .md} into (the run's
 *       own output directory gets them always).</li>
 * </ul>
 *
 * @param mode {@code quick} or {@code full}
 * @param warmup load before the first fault
 * @param faultInterval time from one fault's start to the next one's, at least
 * @param settle time from the moment a fault's component is whole again to the next fault (or the end of the
 *     load), at least: a fault that takes long delays the next, so that each is seen to be recovered from
 * @param faults how many faults, each type in turn ({@link SoakFault#values()} order)
 * @param dwell how long a killed or stopped replica or broker stays down before it is started again
 * @param requestInterval the shortest time between two requests of one client (each producing client and each
 *     consumer): the load is steady, not as fast as the machine allows
 * @param stallLimit the longest a fault may stop every produce, or every consumer, before the run fails
 * @param drainTimeout how long, after the producers stop, the consumers get to read the rest
 * @param results where to write the dated result files, if anywhere
 */
record SoakSettings(String mode, Duration warmup, Duration faultInterval, Duration settle, int faults, Duration dwell,
                    Duration requestInterval, Duration stallLimit, Duration drainTimeout, Optional<Path> results) {
    static final String MODE_PROPERTY = "krest.soak";
    static final String RESULTS_PROPERTY = "krest.soak.results";

    /** @return the settings the system properties name */
    static SoakSettings fromSystemProperties() {
        String mode = System.getProperty(MODE_PROPERTY, "quick").trim().toLowerCase(Locale.ROOT);
        Optional<Path> results = Optional.ofNullable(System.getProperty(RESULTS_PROPERTY))
                .filter(p -> !p.isBlank()).map(Path::of);
        return switch (mode) {
            case "quick" -> new SoakSettings(mode, Duration.ofSeconds(10), Duration.ofSeconds(15),
                    Duration.ofSeconds(6), SoakFault.values().length, Duration.ofSeconds(4), Duration.ofMillis(100),
                    Duration.ofSeconds(30), Duration.ofSeconds(90), results);
            case "full" -> new SoakSettings(mode, Duration.ofSeconds(60), Duration.ofSeconds(95),
                    Duration.ofSeconds(30), 2 * SoakFault.values().length, Duration.ofSeconds(10),
                    Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofSeconds(120), results);
            default -> throw new IllegalArgumentException(MODE_PROPERTY + " must be quick or full, not " + mode);
        };
    }

    /**
     * @return the least load time: the warm-up and one interval per fault (the last one's window included); faults
     *     that take long to recover from lengthen it
     */
    Duration loadDuration() {
        return warmup.plus(faultInterval.multipliedBy(faults));
    }
}
