package io.github.krest.perf;

import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Latency percentiles of one side of the single-record scenario, in ms, measured from each send's intended time.
 *
 * @param label  e.g. "krest v2" or "native producer"
 * @param count  recorded sends
 * @param errors failed sends (not in the percentiles)
 * @param p50    median, ms
 * @param p90    ms
 * @param p99    ms
 * @param p999   ms
 * @param max    ms
 * @param curve  (percentile, ms) points of the whole distribution, for the percentile chart
 */
public record LatencyResult(String label, long count, long errors, double p50, double p90, double p99, double p999,
                            double max, List<double[]> curve) {

    /**
     * @param label     what was measured
     * @param histogram latencies in microseconds
     * @param errors    failed sends
     * @return the percentiles of the histogram
     */
    public static LatencyResult of(String label, Histogram histogram, long errors) {
        List<double[]> curve = new ArrayList<>();
        for (HistogramIterationValue v : histogram.percentiles(5)) {
            if (v.getPercentileLevelIteratedTo() >= 100.0) {
                break;
            }
            curve.add(new double[] {v.getPercentileLevelIteratedTo(), v.getValueIteratedTo() / 1000.0});
        }
        return new LatencyResult(label, histogram.getTotalCount(), errors, ms(histogram, 50), ms(histogram, 90),
                ms(histogram, 99), ms(histogram, 99.9), histogram.getMaxValue() / 1000.0, curve);
    }

    private static double ms(Histogram histogram, double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }
}
