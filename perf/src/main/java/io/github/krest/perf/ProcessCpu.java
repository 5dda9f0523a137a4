package io.github.krest.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time used so far by a set of processes (Linux {@code /proc/<pid>/stat}, user + system), so that a scenario
 * can report the replicas' CPU per record: unlike throughput, that figure hardly moves when other work shares the
 * machine, which makes it the better yardstick of an optimisation on a busy host.
 */
final class ProcessCpu {
    /** USER_HZ: the unit of utime and stime in /proc/<pid>/stat; 100 on every mainstream Linux. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final List<Long> pids;

    ProcessCpu(List<Long> pids) {
        this.pids = List.copyOf(pids);
    }

    /** Start of a HotSpot JIT compiler thread's name as Linux shows it (comm holds at most 15 characters). */
    private static final List<String> COMPILER_THREADS = List.of("C1 CompilerThre", "C2 CompilerThre");

    /**
     * @param pids other processes (krest's replicas)
     * @return this JVM (the driver) and {@code pids}
     */
    static ProcessCpu driverAnd(List<Long> pids) {
        List<Long> all = new java.util.ArrayList<>(pids);
        all.addFirst(ProcessHandle.current().pid());
        return new ProcessCpu(all);
    }

    /**
     * @return CPU seconds the processes' JIT compiler threads ({@code /proc/<pid>/task/<tid>}, named "C1/C2
     *         CompilerThread") used so far; 0 off Linux
     */
    double compilerSeconds() {
        double total = 0;
        for (long pid : pids) {
            try (var threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : threads.toList()) {
                    if (isCompiler(task)) {
                        total += statSeconds(task);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux, or the process ended
            }
        }
        return total;
    }

    /** @return no processes: {@link #seconds()} is always 0 */
    static ProcessCpu none() {
        return new ProcessCpu(List.of());
    }

    boolean isEmpty() {
        return pids.isEmpty();
    }

    /** @return CPU seconds (user + system) the processes used so far; a vanished process counts 0 */
    double seconds() {
        double total = 0;
        for (long pid : pids) {
            total += statSeconds(Path.of("/proc", Long.toString(pid)));
        }
        return total;
    }

    /** @return whether the thread whose /proc directory this is compiles for the JIT; false when it is gone */
    private static boolean isCompiler(Path task) {
        try {
            String comm = Files.readString(task.resolve("comm")).trim();
            return COMPILER_THREADS.stream().anyMatch(comm::startsWith);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** @return utime + stime of the process or thread whose /proc directory this is, s; 0 when it is gone */
    private static double statSeconds(Path procDir) {
        try {
            return parse(Files.readString(procDir.resolve("stat")));
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process or thread ended
            return 0;
        }
    }

    /** @return utime + stime of one /proc/<pid>/stat line, in seconds */
    static double parse(String stat) {
        // the command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ", -1);
        // after the name: state(3) ... utime is field 14 and stime field 15 of the line, i.e. f[11] and f[12]
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    }
}
