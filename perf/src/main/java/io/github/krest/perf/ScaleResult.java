package io.github.krest.perf;

import java.util.List;

/**
 * What the scale scenario measured: one step per shape and active instance count.
 *
 * @param settings its sizes
 * @param steps    in run order; a step that failed carries what it measured and a note
 * @param notes    what was not run and why
 */
public record ScaleResult(ScaleSettings settings, List<Step> steps, List<String> notes) {

    /**
     * One shape at one instance count, over the measured window.
     *
     * @param shape              "fanout" (a group per instance, all reading one topic's tail) or "groups" (groups
     *                           of {@link ScaleSettings#groupSize()} splitting a topic's partitions)
     * @param instances          instances asked for
     * @param groups             consumer groups they were in
     * @param partitions         partitions of the topic read
     * @param created            instances created and subscribed
     * @param createErrors       failed create or subscribe requests
     * @param createS            time spent creating and subscribing, s
     * @param warmupS            polling before the window, s
     * @param polledBeforeWindow instances that had an answer before the window began (all of them, unless the
     *                           warm-up ran out)
     * @param windowS            the measured window, s
     * @param pollsPerS          polls answered 200 per second, all replicas, as the driver saw them
     * @param recordsPerS        records received per second, all instances
     * @param pollP50Ms          median poll time at the driver, ms (through nginx)
     * @param pollP99Ms          99th percentile, ms
     * @param errors             polls in the window answered with an error status (but 429) or failed otherwise
     * @param timeouts           polls in the window without an answer after the client's timeout
     * @param throttled          polls in the window answered 429 (more than the replica's
     *                           {@code consumer.max.concurrent.polls} at once); the instance then waits its
     *                           Retry-After (1 s) before polling again
     * @param replicas           per replica, in replica order
     * @param brokerConnections  established connections to the broker (all clients), most seen in the window
     * @param redisUsedMemoryMb  Redis {@code used_memory} at the window's end, MiB
     * @param redisOpsPerS       Redis commands processed per second over the window
     * @param deleteErrors       instances that could not be deleted after the step
     * @param replicasDied       replicas (1-based) that were not running at the step's end
     * @param delivery           what the groups were given over the whole step, checked for records given twice
     *                           or skipped ({@link Delivery})
     * @param stepS              the whole step, creation to deletion, s
     * @param note               what went wrong, empty when nothing did
     */
    public record Step(String shape, int instances, int groups, int partitions, int created, long createErrors,
                       double createS, double warmupS, int polledBeforeWindow, double windowS, double pollsPerS,
                       double recordsPerS, double pollP50Ms, double pollP99Ms, long errors, long timeouts,
                       long throttled, List<Replica> replicas, int brokerConnections, double redisUsedMemoryMb, double redisOpsPerS,
                       long deleteErrors, List<Integer> replicasDied, Delivery.Result delivery, double stepS,
                       String note) {
    }

    /**
     * One replica during a step's window. Polls, their times and records are attributed from nginx's access log
     * (see {@link NginxLog}); records in proportion to the bytes of the polls each replica answered.
     *
     * @param replica           1-based, as bin/krest-cluster numbers them
     * @param heapMb            live objects at the window's end (the instances still polling; {@code jcmd GC.class_histogram}), MiB
     * @param threads           the JVM's threads, most seen in the window
     * @param brokerConnections its established connections to the broker, most seen in the window
     * @param pollsPerS         polls it answered 200 per second
     * @param pollP50Ms         median of their nginx request times, ms
     * @param pollP99Ms         99th percentile, ms
     * @param recordsPerS       records it returned per second
     * @param failedPolls       polls it answered with another status (429 included)
     */
    public record Replica(int replica, double heapMb, int threads, int brokerConnections, double pollsPerS,
                          double pollP50Ms, double pollP99Ms, double recordsPerS, long failedPolls) {
    }
}
