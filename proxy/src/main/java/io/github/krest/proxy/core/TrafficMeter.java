package io.github.krest.proxy.core;

/**
 * Where the core services report the records they move, for metrics; implemented by {@code observe.KrestMetrics}.
 * Calls are cheap and never throw.
 */
public interface TrafficMeter {
    /** Counts nothing. */
    TrafficMeter NONE = new TrafficMeter() {
        @Override
        public void produced(long records, long bytes) {
        }

        @Override
        public void consumed(long records, long bytes) {
        }
    };

    /**
     * Records acknowledged by Kafka.
     *
     * @param records how many
     * @param bytes their key + value + header bytes
     */
    void produced(long records, long bytes);

    /**
     * Records returned to a v2 consumer (after their positions were stored).
     *
     * @param records how many
     * @param bytes their key + value + header bytes
     */
    void consumed(long records, long bytes);
}
