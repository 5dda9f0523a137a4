package io.github.krest.proxy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.github.krest.proxy.cluster.DeliveryLog.Position;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.V2ConsumerClient.Instance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two v2 instances of one consumer group, both used through nginx round-robin over three replicas, share the
 * topic's partitions as Kafka group members would: each receives records, no partition is delivered to both, and
 * together they receive every record exactly once. Afterwards {@code GET {base_uri}/assignments} of each lists
 * disjoint partitions that cover the whole topic.
 *
 * <p>The instances poll in turn, each poll limited by {@code max_bytes} to a few records, so each polls many times
 * and round-robin puts both on every replica. Both subscribe before anything is produced or polled, so the group's
 * first assignment already has both members and no partition legitimately moves (a moved partition would be
 * redelivered from the committed offset, and this group commits nothing).
 */
class ConsumerGroupSplitIT {
    private static final int PARTITIONS = 4;
    private static final int RECORDS = 200;
    /** Key and value bytes per poll: a few of this test's records, so each instance polls many times. */
    private static final long MAX_BYTES = 256;

    private static KrestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = KrestCluster.start("ConsumerGroupSplitIT", KrestCluster.options());
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void twoInstancesOfOneGroupSplitThePartitions() {
        String topic = TestKafka.createTopic("split-" + System.nanoTime(), PARTITIONS);
        String group = "split-group-" + System.nanoTime();
        KrestHttp lb = cluster.lb();
        ClusterConsumerClient consumers = new ClusterConsumerClient(lb, MAX_BYTES);

        Instance first = consumers.create(group, "c1");
        Instance second = consumers.create(group, "c2");
        consumers.subscribe(first, topic);
        consumers.subscribe(second, topic);

        Map<Position, String> produced = new TreeMap<>(new V2ProduceClient(lb).produce(topic, 0, RECORDS, PARTITIONS));

        DeliveryLog all = new DeliveryLog(topic);
        DeliveryLog byFirst = new DeliveryLog(topic);
        DeliveryLog bySecond = new DeliveryLog(topic);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (all.size() < RECORDS) {
            if (System.nanoTime() > deadline) {
                fail(all.size() + " of " + RECORDS + " records after 60 s; c1 has partitions " + byFirst.partitions()
                        + ", c2 " + bySecond.partitions());
            }
            for (Instance instance : new Instance[] {first, second}) {
                KrestHttp.Response r = consumers.poll(instance);
                assertEquals(200, r.status(), () -> instance.name() + ": " + r.body());
                all.add(r.json(), "the group");
                (instance.equals(first) ? byFirst : bySecond).add(r.json(), instance.name());
            }
        }

        assertEquals(produced, all.byPosition(), "every record exactly once across the group");
        assertFalse(byFirst.partitions().isEmpty(), "c1 received records");
        assertFalse(bySecond.partitions().isEmpty(), "c2 received records");
        assertTrue(Collections.disjoint(byFirst.partitions(), bySecond.partitions()),
                "no partition delivered to both: c1 " + byFirst.partitions() + ", c2 " + bySecond.partitions());

        Set<Integer> firstAssigned = consumers.assignments(first, topic);
        Set<Integer> secondAssigned = consumers.assignments(second, topic);
        assertTrue(Collections.disjoint(firstAssigned, secondAssigned),
                "assignments overlap: c1 " + firstAssigned + ", c2 " + secondAssigned);
        Set<Integer> union = new TreeSet<>(firstAssigned);
        union.addAll(secondAssigned);
        assertEquals(Set.of(0, 1, 2, 3), union, "assignments cover the topic: c1 " + firstAssigned + ", c2 "
                + secondAssigned);
        assertTrue(firstAssigned.containsAll(byFirst.partitions()), "c1 received only its partitions");
        assertTrue(secondAssigned.containsAll(bySecond.partitions()), "c2 received only its partitions");

        consumers.delete(first);
        consumers.delete(second);
    }
}
