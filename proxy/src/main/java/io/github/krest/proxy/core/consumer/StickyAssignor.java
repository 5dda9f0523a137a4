package io.github.krest.proxy.core.consumer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.github.krest.state.PartitionRef;

/**
 * Assigns a REST consumer group's partitions to its members, moving as few partitions as possible (like Kafka's
 * sticky assignor): a member keeps every previous partition it is still subscribed to, new and orphaned partitions
 * go to the least loaded eligible member, and partitions move from the most to the least loaded member only while
 * their counts differ by more than one. Deterministic: the same input gives the same output on every replica.
 */
public final class StickyAssignor {
    private StickyAssignor() {
    }

    /**
     * @param eligible member name to the partitions it may own (those of the topics it subscribes to)
     * @param previous the stored assignment, member name to partitions; may name members that left
     * @return member name to its partitions (sorted), an entry for every member of {@code eligible}
     */
    public static Map<String, List<PartitionRef>> assign(Map<String, Set<PartitionRef>> eligible,
                                                         Map<String, List<PartitionRef>> previous) {
        Map<String, NavigableSet<PartitionRef>> result = new TreeMap<>();
        Set<PartitionRef> taken = new HashSet<>();
        for (String member : new TreeSet<>(eligible.keySet())) {
            TreeSet<PartitionRef> owned = new TreeSet<>();
            for (PartitionRef p : previous.getOrDefault(member, List.of())) {
                if (eligible.get(member).contains(p) && taken.add(p)) {
                    owned.add(p);
                }
            }
            result.put(member, owned);
        }
        TreeSet<PartitionRef> all = new TreeSet<>();
        eligible.values().forEach(all::addAll);
        for (PartitionRef p : all) {
            if (!taken.contains(p)) {
                String target = leastLoaded(result, eligible, p);
                result.get(target).add(p);
            }
        }
        balance(result, eligible);
        Map<String, List<PartitionRef>> out = new TreeMap<>();
        result.forEach((member, partitions) -> out.put(member, List.copyOf(partitions)));
        return out;
    }

    private static String leastLoaded(Map<String, NavigableSet<PartitionRef>> result,
                                      Map<String, Set<PartitionRef>> eligible, PartitionRef p) {
        return result.entrySet().stream()
                .filter(e -> eligible.get(e.getKey()).contains(p))
                .min(Comparator.comparingInt((Map.Entry<String, NavigableSet<PartitionRef>> e) -> e.getValue().size())
                        .thenComparing(Map.Entry::getKey))
                .orElseThrow()
                .getKey();
    }

    private static void balance(Map<String, NavigableSet<PartitionRef>> result,
                                Map<String, Set<PartitionRef>> eligible) {
        boolean moved = true;
        while (moved) {
            moved = false;
            List<String> bySize = new ArrayList<>(result.keySet());
            bySize.sort(Comparator.comparingInt((String m) -> result.get(m).size()).thenComparing(m -> m));
            outer:
            for (int hi = bySize.size() - 1; hi > 0; hi--) {
                String donor = bySize.get(hi);
                for (int lo = 0; lo < hi; lo++) {
                    String receiver = bySize.get(lo);
                    if (result.get(donor).size() - result.get(receiver).size() <= 1) {
                        continue;
                    }
                    for (PartitionRef p : result.get(donor).descendingSet()) {
                        if (eligible.get(receiver).contains(p)) {
                            result.get(donor).remove(p);
                            result.get(receiver).add(p);
                            moved = true;
                            break outer;
                        }
                    }
                }
            }
        }
    }
}
