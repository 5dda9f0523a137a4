package io.github.krest.perf;

/**
 * Memory held for consumer instances: one replica's heap (after a full GC) and Redis's {@code used_memory}, before
 * and after creating {@code instances} instances that each polled once.
 *
 * @param instances     instances created
 * @param errors        failed requests while creating or polling them
 * @param heapBeforeMb  replica heap in use before, MiB
 * @param heapAfterMb   after, MiB
 * @param redisBeforeMb Redis used_memory before, MiB
 * @param redisAfterMb  after, MiB
 */
public record MemoryResult(int instances, long errors, double heapBeforeMb, double heapAfterMb, double redisBeforeMb,
                           double redisAfterMb) {

    /** @return replica heap growth per 1,000 instances, MiB */
    public double heapPer1000Mb() {
        return instances == 0 ? 0 : (heapAfterMb - heapBeforeMb) * 1000.0 / instances;
    }

    /** @return Redis memory growth per 1,000 instances, MiB */
    public double redisPer1000Mb() {
        return instances == 0 ? 0 : (redisAfterMb - redisBeforeMb) * 1000.0 / instances;
    }
}
