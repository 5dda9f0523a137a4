package io.github.krest.perf;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything one perf run measured.
 *
 * @param date           when the run started
 * @param host           host name, part of the result file names
 * @param machine        cores, CPU model, JDK and OS, as one line each
 * @param settings       sizes of the run
 * @param placement      where the processes ran: {@value #SHARED}, or the CPU sets of {@code perf/run --isolate}
 *                       (replicas on their own cores, everything else on the others)
 * @param throughput     throughput scenarios in run order (a failed scenario is missing)
 * @param krestLatency   single-record latency through krest, if measured
 * @param nativeLatency  the native producer's send-to-ack latency at the same rate, if measured
 * @param memory         memory per consumer instance, if measured
 * @param scale          the scale scenario (many instances through the load balancer), if run
 * @param notes          failures and remarks, one line each
 */
public record RunReport(Instant date, String host, Machine machine, Settings settings, String placement,
                        List<ThroughputResult> throughput, Optional<LatencyResult> krestLatency,
                        Optional<LatencyResult> nativeLatency, Optional<MemoryResult> memory, Optional<ScaleResult> scale,
                        List<String> notes) {
    /** The placement of a run where every process may run on every core. */
    public static final String SHARED = "shared";

    /** @return whether the replicas ran on cores of their own ({@code perf/run --isolate}) */
    public boolean isolated() {
        return !placement.equals(SHARED);
    }

    /**
     * The machine a run ran on.
     *
     * @param cores available processors
     * @param cpu   CPU model name
     * @param jdk   the driver's JDK (krest's replicas run the same one)
     * @param os    operating system name and version
     */
    public record Machine(int cores, String cpu, String jdk, String os) {
    }
}
