package io.github.krest.proxy.core.consumer;

import static io.github.krest.proxy.core.consumer.ProtocolFixture.at;
import static io.github.krest.proxy.core.consumer.ProtocolFixture.poll;
import static io.github.krest.proxy.core.consumer.ProtocolFixture.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.github.krest.proxy.core.CommittedOffset;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.state.PartitionRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rebalancing a REST consumer group through the state store (docs/architecture.md, step 2 of a poll, and "Commits
 * and handover"): members share the partitions stickily, a silent member is dropped after the session timeout, the
 * positions an auto-commit member loses are handed over to the next owner before their commit reaches Kafka, and
 * topic changes are noticed once the metadata max age passed.
 */
class GroupRebalanceTest {
    private static final String GROUP = "rebalance";
    private static final KafkaIdentity ANYONE = KafkaIdentity.ANONYMOUS;

    private final ProtocolFixture fixture = new ProtocolFixture();
    private final ProtocolFixture.Replica a = fixture.replica("a");
    private final ProtocolFixture.Replica b = fixture.replica("b");

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void membersShareTheTopicAndKeepWhatTheyHadWhenAnotherJoins() {
        fixture.kafka.createTopic("t", 4);
        member(a, "x", "t", true);
        assertEquals(partitions("t", 0, 1, 2, 3), assignment(a, "x"));

        member(b, "y", "t", true);
        List<PartitionRef> x2 = assignment(a, "x");
        List<PartitionRef> y2 = assignment(b, "y");
        assertEquals(2, x2.size());
        assertEquals(2, y2.size());
        assertEquals(Set.copyOf(partitions("t", 0, 1, 2, 3)), union(x2, y2));

        member(a, "z", "t", true);
        List<PartitionRef> x3 = assignment(b, "x");
        List<PartitionRef> y3 = assignment(a, "y");
        List<PartitionRef> z3 = assignment(b, "z");
        assertEquals(Set.copyOf(partitions("t", 0, 1, 2, 3)), union(x3, y3, z3));
        assertEquals(4, x3.size() + y3.size() + z3.size(), "no partition twice");
        assertTrue(x2.containsAll(x3) && y2.containsAll(y3), "members keep partitions they had: " + x2 + " " + x3
                + ", " + y2 + " " + y3);
    }

    @Test
    void aSilentMemberIsDroppedAfterTheSessionTimeout() {
        fixture.kafka.createTopic("t", 4);
        member(a, "x", "t", true);
        member(a, "y", "t", true);
        assertEquals(2, assignment(a, "y").size());

        fixture.advance(ProtocolFixture.SETTINGS.sessionTimeoutMs() + 1);
        assertEquals(partitions("t", 0, 1, 2, 3), assignment(b, "y"), "x fell silent: y has everything");
        assertEquals(2, assignment(a, "x").size(), "x rejoins when it polls again");
        assertEquals(2, assignment(b, "y").size());
    }

    @Test
    void anAutoCommitMembersRevokedPositionsAreHandedOverBeforeTheirCommitReachesKafka() {
        fixture.kafka.createTopic("t", 2);
        member(a, "x", "t", true);
        member(a, "y", "t", true);
        PartitionRef px = assignment(a, "x").getFirst();
        PartitionRef py = assignment(a, "y").getFirst();
        fixture.kafka.append("t", px.partition(), 10);
        fixture.kafka.append("t", py.partition(), 10);
        assertEquals(range(px.partition(), 0, 10), at(poll(a.service(), GROUP, "x", 1_000)));
        assertEquals(range(py.partition(), 0, 10), at(poll(a.service(), GROUP, "y", 1_000)));
        fixture.kafka.append("t", px.partition(), 1);

        fixture.kafka.holdCommits();
        fixture.advance(ProtocolFixture.SETTINGS.sessionTimeoutMs() + 1);
        assertEquals(List.of(px.partition() + ":10"), at(poll(b.service(), GROUP, "y", 1_000)),
                "y continues at x's position on the partition it took over");
        assertEquals(Map.of(), fixture.kafka.committed(GROUP), "while no commit reached Kafka yet");

        fixture.kafka.completeHeldCommits();
        assertEquals(new CommittedOffset(10, ""), fixture.kafka.committed(GROUP).get(px),
                "x's revoked position still reaches Kafka, for its tools and lag");
    }

    @Test
    void aMemberWithoutAutoCommitHandsNothingOver() {
        fixture.kafka.createTopic("t", 2);
        member(a, "x", "t", false);
        member(a, "y", "t", false);
        PartitionRef px = assignment(a, "x").getFirst();
        fixture.kafka.append("t", px.partition(), 3);
        assertEquals(range(px.partition(), 0, 3), at(poll(a.service(), GROUP, "x", 1_000)));

        fixture.advance(ProtocolFixture.SETTINGS.sessionTimeoutMs() + 1);
        assertEquals(range(px.partition(), 0, 3), at(poll(b.service(), GROUP, "y", 1_000)),
                "nothing committed, nothing handed over: y starts at auto.offset.reset");
        assertEquals(Map.of(), fixture.kafka.committed(GROUP));
    }

    @Test
    void newPartitionsAndTopicsAreAssignedOnceTheMetadataMaxAgePassed() {
        fixture.kafka.createTopic("t", 1);
        fixture.kafka.createTopic("p-1", 1);
        member(a, "x", "t", true);
        ProtocolFixture.create(a.service(), GROUP, "w", "earliest", true);
        a.service().subscribe(GROUP, "w", ANYONE, List.of(), Optional.of("p-.*"));
        assertEquals(partitions("t", 0), assignment(a, "x"));
        assertEquals(partitions("p-1", 0), assignment(a, "w"));
        assertEquals(List.of("p-1"), a.service().subscription(GROUP, "w", ANYONE));

        fixture.kafka.addPartition("t");
        fixture.kafka.createTopic("p-2", 1);
        assertEquals(partitions("t", 0), assignment(a, "x"), "not looked for within the metadata max age");
        fixture.advance(ProtocolFixture.SETTINGS.metadataMaxAgeMs() + 1);
        assertEquals(partitions("t", 0, 1), assignment(a, "x"));
        List<PartitionRef> both = new ArrayList<>(partitions("p-1", 0));
        both.addAll(partitions("p-2", 0));
        assertEquals(both, assignment(a, "w"));
        assertEquals(List.of("p-1", "p-2"), a.service().subscription(GROUP, "w", ANYONE));
    }

    private static void member(ProtocolFixture.Replica replica, String name, String topic, boolean autoCommit) {
        ProtocolFixture.create(replica.service(), GROUP, name, "earliest", autoCommit);
        replica.service().subscribe(GROUP, name, ANYONE, List.of(topic), Optional.empty());
    }

    private static List<PartitionRef> assignment(ProtocolFixture.Replica replica, String name) {
        return replica.service().assignment(GROUP, name, ANYONE);
    }

    private static List<PartitionRef> partitions(String topic, int... partitions) {
        List<PartitionRef> result = new ArrayList<>();
        for (int p : partitions) {
            result.add(new PartitionRef(topic, p));
        }
        return result;
    }

    @SafeVarargs
    private static Set<PartitionRef> union(List<PartitionRef>... lists) {
        Set<PartitionRef> result = new HashSet<>();
        for (List<PartitionRef> list : lists) {
            result.addAll(list);
        }
        return result;
    }
}
