package io.github.krest.perf;

import java.time.Duration;

/**
 * Sizes of one perf run.
 *
 * @param mode               "quick" or "full"
 * @param warmup             load before each measured window, not counted
 * @param measure            measured window of each throughput scenario
 * @param produceClients     concurrent clients of the produce scenarios
 * @param recordsPerRequest  records per v2 produce request
 * @param valueBytes         value size of every produced record, in bytes
 * @param consumeRecords     records pre-filled into the consume topic (over its partitions)
 * @param partitions         partitions of every topic the run creates
 * @param latencyRate        requests (and native sends) per second of the single-record latency scenario
 * @param latencyDuration    measured window of the latency scenario, after {@code warmup}
 * @param memoryInstances    consumer instances created by the memory scenario
 */
public record Settings(String mode, Duration warmup, Duration measure, int produceClients, int recordsPerRequest,
                       int valueBytes, int consumeRecords, int partitions, int latencyRate, Duration latencyDuration,
                       int memoryInstances) {

    /** @return the sizes of {@code perf/run --quick}: under 5 minutes on 2 cores, cluster start included */
    public static Settings quick() {
        return new Settings("quick", Duration.ofSeconds(4), Duration.ofSeconds(10), 4, 500, 1024, 60_000, 3, 1000,
                Duration.ofSeconds(10), 1000);
    }

    /** @return the sizes of {@code perf/run}: under 30 minutes on 2 cores */
    public static Settings full() {
        return new Settings("full", Duration.ofSeconds(30), Duration.ofSeconds(60), 4, 500, 1024, 300_000, 3, 1000,
                Duration.ofSeconds(60), 1000);
    }
}
