package io.github.krest.proxy.core.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.krest.state.PartitionRef;
import org.junit.jupiter.api.Test;

/**
 * The REST group assignor: every eligible partition is owned by exactly one member, loads differ by at most one
 * where subscriptions allow it, and partitions move only when they must.
 */
class StickyAssignorTest {

    private static Set<PartitionRef> partitions(String topic, int count) {
        Set<PartitionRef> set = new LinkedHashSet<>();
        for (int p = 0; p < count; p++) {
            set.add(new PartitionRef(topic, p));
        }
        return set;
    }

    private static void assertCovers(Map<String, List<PartitionRef>> assignment, Set<PartitionRef> all) {
        Set<PartitionRef> seen = new HashSet<>();
        assignment.values().forEach(ps -> ps.forEach(p -> assertTrue(seen.add(p), "assigned twice: " + p)));
        assertEquals(all, seen);
    }

    @Test
    void splitsEvenly() {
        Set<PartitionRef> t = partitions("t", 4);
        Map<String, List<PartitionRef>> a = StickyAssignor.assign(Map.of("a", t, "b", t), Map.of());
        assertCovers(a, t);
        assertEquals(2, a.get("a").size());
        assertEquals(2, a.get("b").size());
    }

    @Test
    void newMemberTakesOnlyTheSurplus() {
        Set<PartitionRef> t = partitions("t", 6);
        Map<String, List<PartitionRef>> before = StickyAssignor.assign(Map.of("a", t, "b", t), Map.of());
        Map<String, List<PartitionRef>> after = StickyAssignor.assign(Map.of("a", t, "b", t, "c", t), before);
        assertCovers(after, t);
        after.values().forEach(ps -> assertEquals(2, ps.size()));
        assertTrue(before.get("a").containsAll(after.get("a")), "a keeps what it keeps");
        assertTrue(before.get("b").containsAll(after.get("b")), "b keeps what it keeps");
    }

    @Test
    void leavingMembersPartitionsGoToTheOthers() {
        Set<PartitionRef> t = partitions("t", 6);
        Map<String, List<PartitionRef>> before = StickyAssignor.assign(Map.of("a", t, "b", t, "c", t), Map.of());
        Map<String, List<PartitionRef>> after = StickyAssignor.assign(Map.of("a", t, "b", t), before);
        assertCovers(after, t);
        assertTrue(after.get("a").containsAll(before.get("a")));
        assertTrue(after.get("b").containsAll(before.get("b")));
        assertEquals(3, after.get("a").size());
    }

    @Test
    void respectsSubscriptions() {
        Set<PartitionRef> x = partitions("x", 3);
        Set<PartitionRef> y = partitions("y", 1);
        Set<PartitionRef> both = new LinkedHashSet<>(x);
        both.addAll(y);
        Map<String, List<PartitionRef>> a = StickyAssignor.assign(Map.of("only-x", x, "both", both), Map.of());
        assertCovers(a, both);
        assertTrue(a.get("only-x").stream().allMatch(p -> p.topic().equals("x")));
        assertEquals(2, a.get("only-x").size());
    }

    @Test
    void dropsPreviousPartitionsNoLongerSubscribed() {
        Set<PartitionRef> x = partitions("x", 2);
        Map<String, List<PartitionRef>> previous = Map.of("a", List.of(new PartitionRef("gone", 0),
                new PartitionRef("x", 1)));
        Map<String, List<PartitionRef>> a = StickyAssignor.assign(Map.of("a", x), previous);
        assertEquals(List.of(new PartitionRef("x", 0), new PartitionRef("x", 1)), a.get("a"));
    }

    @Test
    void isDeterministic() {
        Set<PartitionRef> t = partitions("t", 7);
        Map<String, Set<PartitionRef>> members = Map.of("m1", t, "m2", t, "m3", t);
        assertEquals(StickyAssignor.assign(members, Map.of()), StickyAssignor.assign(members, Map.of()));
    }

    @Test
    void memberWithNothingEligibleGetsAnEmptyList() {
        Map<String, List<PartitionRef>> a = StickyAssignor.assign(Map.of("a", partitions("t", 1), "b", Set.of()),
                Map.of());
        assertEquals(List.of(), a.get("b"));
        assertEquals(1, a.get("a").size());
    }
}
