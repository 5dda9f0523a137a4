package io.github.krest.proxy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import io.github.krest.proxy.cluster.DeliveryLog.Position;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.V2ConsumerClient.Instance;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The consumer state store going away and coming back: Redis, with an fsync-always append-only file, is stopped
 * while a consumer is partway through a backlog, and started again on the same port. While it is down, polls answer
 * 200 or a 503 in krest's JSON error shape (never 40403, never an HTML page), and produce, which does not touch
 * Redis, keeps working through nginx. Afterwards the same consumer instance (not re-created) continues from its
 * stored positions: every record arrives exactly once and in order per partition, and the final commit shows in
 * Kafka.
 */
class RedisRestartIT {
    private static final int PARTITIONS = 3;
    private static final int BACKLOG = 90;
    private static final int DURING_OUTAGE = 30;
    private static final int AFTER_RESTART = 30;
    /** Key and value bytes per poll: a few of this test's records, so the backlog takes many polls. */
    private static final long MAX_BYTES = 256;
    private static final Duration OUTAGE = Duration.ofSeconds(4);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static KrestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = KrestCluster.start("RedisRestartIT", KrestCluster.options().withRedisAppendOnly());
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void consumerContinuesAfterRedisRestart() throws Exception {
        String topic = TestKafka.createTopic("redis-restart-" + System.nanoTime(), PARTITIONS);
        String group = "redis-restart-group-" + System.nanoTime();
        KrestHttp lb = cluster.lb();
        V2ProduceClient producer = new V2ProduceClient(lb);
        ClusterConsumerClient consumers = new ClusterConsumerClient(lb, MAX_BYTES);
        Map<Position, String> produced = new TreeMap<>();
        DeliveryLog delivered = new DeliveryLog(topic);

        Instance consumer = consumers.create(group, "c1");
        consumers.subscribe(consumer, topic);
        produced.putAll(producer.produce(topic, 0, BACKLOG, PARTITIONS));
        consumers.pollUntil(consumer, delivered, BACKLOG / 3, TIMEOUT, false);
        assertTrue(delivered.size() < BACKLOG, "max_bytes=" + MAX_BYTES + " must leave a backlog for the outage");

        cluster.stopRedis();
        // produce does not need the state store
        produced.putAll(producer.produce(topic, BACKLOG, DURING_OUTAGE, PARTITIONS));
        long outageEnd = System.nanoTime() + OUTAGE.toNanos();
        int polls = 0;
        while (System.nanoTime() < outageEnd) {
            KrestHttp.Response r = consumers.poll(consumer);
            polls++;
            if (r.status() == 200) {
                delivered.add(r.json(), consumer.name());
            } else {
                ClusterConsumerClient.assertUnavailableError(r);
                Thread.sleep(100);
            }
        }
        assertTrue(polls > 0, "no poll during the outage");
        cluster.startRedis();

        // the same instance, from its stored positions; 503s while krest notices Redis is back are fine
        consumers.pollUntil(consumer, delivered, BACKLOG + DURING_OUTAGE, TIMEOUT, true);
        produced.putAll(producer.produce(topic, BACKLOG + DURING_OUTAGE, AFTER_RESTART, PARTITIONS));
        consumers.pollUntil(consumer, delivered, BACKLOG + DURING_OUTAGE + AFTER_RESTART, TIMEOUT, true);

        assertEquals(produced, delivered.byPosition(), "every record exactly once");
        consumers.commit(consumer);
        Map<TopicPartition, Long> ends = KafkaOffsetReader.endOffsets(topic);
        assertEquals(ends, KafkaOffsetReader.awaitCommitted(group, ends), "committed offsets of group " + group);
        consumers.delete(consumer);
    }
}
