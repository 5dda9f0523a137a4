package io.github.krest.proxy.cluster;

import java.time.Duration;

/**
 * The faults {@link SoakIT} injects, in this order and then again from the top. Each leaves the deployment whole
 * again before it returns (the component restarted and, for Kafka and Redis, its replicas in sync), so that the
 * next fault meets the redundancy a production deployment has.
 *
 * <p>Replica faults alternate between replicas 2 and 3, so that replica 1 serves through the whole run and its
 * heap, threads and open files at the end show any leak. Broker faults go round the three brokers.
 */
enum SoakFault {
    /** SIGKILL of a krest replica (no shutdown at all), started again after the dwell time. */
    REPLICA_KILL("replica SIGKILL, then start"),
    /** The Sentinel-watched Redis master stopped (SIGTERM) and started again in place, with its data. */
    REDIS_RESTART("Redis master restart"),
    /** SIGKILL of a Kafka broker (no controlled shutdown), started again after the dwell time. */
    BROKER_KILL("broker SIGKILL, then start"),
    /** A krest replica stopped gracefully (SIGTERM, waits for its exit) and started at once: a rolling restart. */
    REPLICA_RESTART("replica graceful restart"),
    /** The Redis master SIGKILLed: the Sentinels promote the replica; the old master returns as its replica. */
    SENTINEL_FAILOVER("Sentinel failover (master SIGKILL)"),
    /** A Kafka broker stopped gracefully (SIGTERM, controlled shutdown), started again after the dwell time. */
    BROKER_STOP("broker graceful stop, then start");

    private static final Duration CATCH_UP = Duration.ofMinutes(2);

    private final String label;

    SoakFault(String label) {
        this.label = label;
    }

    /** @return what the fault does, for reports */
    String label() {
        return label;
    }

    /** @return the fault number {@code n} (0-based) of a run: the types in turn */
    static SoakFault nth(int n) {
        return values()[n % values().length];
    }

    /**
     * Injects this fault and waits until the deployment is whole again.
     *
     * @param n the fault's number in the run (0-based), which picks the replica or broker
     * @param dwell how long a killed or stopped component stays down
     * @return what was hit, e.g. {@code replica-2} or {@code broker 1}
     */
    String inject(KrestCluster krest, KafkaProcessCluster kafka, int n, Duration dwell) {
        int round = n / values().length;
        // replica index 1 or 2 (replica-2, replica-3), the other one next round; brokers 1, 2, then 3, 1, ...
        int replica = 1 + (round + (this == REPLICA_RESTART ? 1 : 0)) % 2;
        int broker = 1 + (round * 2 + (this == BROKER_STOP ? 1 : 0)) % 3;
        return switch (this) {
            case REPLICA_KILL -> {
                krest.killReplica(replica);
                ClusterProcesses.sleep(dwell.toMillis());
                krest.restartReplica(replica);
                yield "replica-" + (replica + 1);
            }
            case REPLICA_RESTART -> {
                int exit = krest.stopReplica(replica);
                krest.restartReplica(replica);
                yield "replica-" + (replica + 1) + " (exit " + exit + ")";
            }
            case REDIS_RESTART -> {
                krest.restartRedis();
                yield "master on port " + krest.redisMasterPort();
            }
            case SENTINEL_FAILOVER -> {
                int before = krest.redisMasterPort();
                int after = krest.failoverRedis();
                yield "master on port " + before + ", replica on port " + after + " promoted";
            }
            case BROKER_KILL, BROKER_STOP -> {
                kafka.awaitFullyReplicated(CATCH_UP);
                if (this == BROKER_KILL) {
                    kafka.kill(broker);
                } else {
                    kafka.stop(broker);
                }
                ClusterProcesses.sleep(dwell.toMillis());
                kafka.restart(broker);
                kafka.awaitFullyReplicated(CATCH_UP);
                yield "broker " + broker;
            }
            default -> throw new IllegalStateException(name());
        };
    }
}
