package io.github.krest.proxy.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;

/**
 * The v2 consumers' keys: instance life and session timeouts, poll waits and sizes, auto-commit, the cache of Kafka
 * consumers (readers), and the bound on concurrent polls.
 *
 * <p>One fragment of {@link KrestConfig#DEFINITION}, defined the way Kafka's {@code SslConfigs.addClientSslSupport}
 * adds its keys to a client's {@code ConfigDef}; callers name the keys through their {@link KrestConfig} aliases.
 */
final class ConsumerConfigs {

    static final String CONSUMER_INSTANCE_TIMEOUT_MS = "consumer.instance.timeout.ms";
    static final String CONSUMER_REQUEST_TIMEOUT_MS = "consumer.request.timeout.ms";
    static final String CONSUMER_REQUEST_TIMEOUT_MAX_MS = "consumer.request.timeout.max.ms";
    static final String CONSUMER_STREAM_MAX_DURATION_MS = "consumer.stream.max.duration.ms";
    static final String CONSUMER_REQUEST_MAX_BYTES = "consumer.request.max.bytes";
    static final String FETCH_MIN_BYTES = "fetch.min.bytes";
    static final String CONSUMER_SESSION_TIMEOUT_MS = "consumer.session.timeout.ms";
    static final String AUTO_COMMIT_INTERVAL_MS = "auto.commit.interval.ms";
    static final String CONSUMER_CACHE_MAX_SIZE = "consumer.cache.max.size";
    static final String CONSUMER_CACHE_IDLE_MS = "consumer.cache.idle.ms";
    static final String CONSUMER_READ_WINDOW_BYTES = "consumer.read.window.bytes";
    static final String CONSUMER_READ_WINDOWS_MAX_BYTES = "consumer.read.windows.max.bytes";
    static final String CONSUMER_READ_WINDOWS_PER_PARTITION = "consumer.read.windows.per.partition";
    static final String CONSUMER_MAX_CONCURRENT_POLLS = "consumer.max.concurrent.polls";
    static final String CONSUMER_MAX_CONCURRENT_POLLS_WAIT_MS = "consumer.max.concurrent.polls.wait.ms";

    private ConsumerConfigs() {
    }

    /**
     * Defines the consumer keys: type, default, validator and doc line of each.
     *
     * @param def the definition to add to
     * @return {@code def}
     */
    static ConfigDef addConsumerSupport(ConfigDef def) {
        return def
            .define(CONSUMER_INSTANCE_TIMEOUT_MS, ConfigDef.Type.LONG, 300_000L, Range.atLeast(1000), Importance.MEDIUM,
                    "How long a v2 consumer instance lives without a request, in ms; then every replica "
                            + "answers 404/40403 for it (and auto-commit instances commit their positions).")
            .define(CONSUMER_REQUEST_TIMEOUT_MS, ConfigDef.Type.LONG, 1_000L, Range.atLeast(1), Importance.MEDIUM,
                    "Default longest wait of GET .../records for records, in ms (an instance may set its own "
                            + "consumer.request.timeout.ms). A poll answers as soon as records are available.")
            .define(CONSUMER_REQUEST_TIMEOUT_MAX_MS, ConfigDef.Type.LONG, 30_000L, Range.atLeast(1), Importance.LOW,
                    "krest: largest ?timeout= accepted by GET .../records, in ms; the query may lengthen or "
                            + "shorten the wait up to this (Confluent's may only shorten it).")
            .define(CONSUMER_STREAM_MAX_DURATION_MS, ConfigDef.Type.LONG, 300_000L, Range.atLeast(1_000),
                    Importance.LOW,
                    "krest: longest life of a record stream (GET .../records with Accept: text/event-stream), in "
                            + "ms; ?duration= may shorten it. Then the stream ends and the client reconnects, to "
                            + "whichever replica the load balancer picks, at the stored positions.")
            .define(CONSUMER_REQUEST_MAX_BYTES, ConfigDef.Type.LONG, 67_108_864L, Range.atLeast(1), Importance.MEDIUM,
                    "Most key + value bytes returned by one GET .../records; ?max_bytes= may lower it.")
            .define(FETCH_MIN_BYTES, ConfigDef.Type.LONG, -1L, Range.between(-1, 10_000_000), Importance.LOW,
                    "Bytes a poll gathers before answering early (an instance may set its own); -1: answer as "
                            + "soon as any record is available. Not passed to Kafka (use consumer.fetch.min.bytes).")
            .define(CONSUMER_SESSION_TIMEOUT_MS, ConfigDef.Type.LONG, 45_000L, Range.atLeast(100), Importance.MEDIUM,
                    "krest: a subscribed instance that has not polled for this long, in ms, loses its partitions "
                            + "to the live members of its group.")
            .define(AUTO_COMMIT_INTERVAL_MS, ConfigDef.Type.LONG, 5_000L, Range.atLeast(0), Importance.LOW,
                    "How often, in ms, instances with auto.commit.enable=true commit their positions (checked "
                            + "on poll); they also commit when deleted or expired.")
            .define(CONSUMER_CACHE_MAX_SIZE, ConfigDef.Type.INT, 1_000, Range.atLeast(1), Importance.LOW,
                    "krest: most Kafka consumers this replica keeps for reads by offset (GET /topics/{t}/"
                            + "partitions/{p}/records); the least recently used is closed, which costs a seek on "
                            + "its next read. Consumer instances read through shared windows instead ("
                            + CONSUMER_READ_WINDOW_BYTES + ").")
            .define(CONSUMER_CACHE_IDLE_MS, ConfigDef.Type.LONG, 60_000L, Range.atLeast(1), Importance.LOW,
                    "krest: a cached reader, or a read window, unused for this long, in ms, is closed.")
            .define(CONSUMER_READ_WINDOW_BYTES, ConfigDef.Type.LONG, 16L * 1024 * 1024, Range.atLeast(1024),
                    Importance.LOW, "krest: most bytes of records one shared read window keeps (instances reading "
                            + "a partition near the same offsets share one window and its fetches); it reads ahead "
                            + "of its readers up to half of this.")
            .define(CONSUMER_READ_WINDOWS_MAX_BYTES, ConfigDef.Type.LONG, 256L * 1024 * 1024,
                    Range.atLeast(1024), Importance.LOW, "krest: most bytes of records all read windows of this "
                            + "replica keep together; over it, the least recently read windows drop their oldest "
                            + "records.")
            .define(CONSUMER_READ_WINDOWS_PER_PARTITION, ConfigDef.Type.INT, 4, Range.between(2, 64),
                    Importance.LOW, "krest: most read windows (each at its own offset range) per partition and "
                            + "caller on one replica; each window number has one Kafka consumer per caller, so "
                            + "this also bounds the consumers (and broker connections) instance polls use.")
            .define(CONSUMER_MAX_CONCURRENT_POLLS, ConfigDef.Type.INT, 4_096, Range.atLeast(1), Importance.LOW,
                    "krest: most v2 GET .../records polls one replica serves at once; more wait up to "
                            + CONSUMER_MAX_CONCURRENT_POLLS_WAIT_MS + ", then answer 429 with Retry-After. "
                            + "A poll waiting for records costs a parked virtual thread (the read windows are "
                            + "shared); one writing its answer holds up to its max_bytes of JSON, which heap must "
                            + "allow for. (Confluent bounds its consumer.threads pool instead.)")
            .define(CONSUMER_MAX_CONCURRENT_POLLS_WAIT_MS, ConfigDef.Type.LONG, 500L, Range.atLeast(0), Importance.LOW,
                    "krest: how long a poll waits for a free slot of " + CONSUMER_MAX_CONCURRENT_POLLS
                            + " before answering 429, in ms.");
    }
}
