package io.github.krest.perf;

/**
 * A throughput scenario measured against its baseline in the same run.
 *
 * @param key            the JSON key of the ratio, e.g. {@code produce_ratio}
 * @param title          what was measured, one line
 * @param krestLabel     what {@code krestPerSec} is, e.g. "krest v2, 1 replica"
 * @param krestPerSec    records per second through krest
 * @param baselineLabel  what {@code baselinePerSec} is, e.g. "native producer"
 * @param baselinePerSec records per second of the baseline
 * @param errors         failed requests or records on either side (a run with errors is not comparable)
 * @param krestCpuMsPer1000 CPU the krest replicas used per 1,000 records, ms (0 when not measured): unlike the
 *                          ratio, hardly affected by other load on the machine
 * @param krestWarmupS   how long krest's side warmed up, s (ClosedLoop.Warmup)
 * @param baselineWarmupS how long the baseline warmed up, s
 */
public record ThroughputResult(String key, String title, String krestLabel, double krestPerSec, String baselineLabel,
                               double baselinePerSec, long errors, double krestCpuMsPer1000, double krestWarmupS,
                               double baselineWarmupS) {

    /** @return krest ÷ baseline, 0 when the baseline measured nothing */
    public double ratio() {
        return baselinePerSec > 0 ? krestPerSec / baselinePerSec : 0;
    }
}
