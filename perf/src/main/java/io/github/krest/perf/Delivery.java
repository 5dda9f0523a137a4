package io.github.krest.perf;

import java.util.Arrays;

/**
 * What a scale step's consumer groups were given, checked against krest's delivery guarantee: within a consumer
 * group, each record of a partition once and none skipped, from the first record the group was given to the last.
 * Records before a group's first are not expected (its instances start at the tail, {@code auto.offset.reset}
 * latest). A poll whose answer the driver never read (its timeout, or an error status) may have moved the group's
 * positions past records it never saw (the v2 API's at-most-once window: a poll's positions are stored before its
 * answer is written), so such a group's missing records are counted apart.
 *
 * <p>Thread-safe: each instance's poller calls {@link #given} and {@link #unanswered} as its polls end.
 */
final class Delivery {
    private final int partitions;
    private final Offsets[] offsets;
    private final boolean[] hadUnanswered;

    /**
     * @param groups     consumer groups of the step, numbered 0..groups-1
     * @param partitions partitions of the topic they read
     */
    Delivery(int groups, int partitions) {
        this.partitions = partitions;
        this.offsets = new Offsets[groups * partitions];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = new Offsets();
        }
        this.hadUnanswered = new boolean[groups];
    }

    /** A record of {@code partition} at {@code offset} reached an instance of {@code group}. */
    void given(int group, int partition, long offset) {
        offsets[group * partitions + partition].add(offset);
    }

    /** A poll of an instance of {@code group} got no answer the driver read (timeout or error status). */
    void unanswered(int group) {
        synchronized (hadUnanswered) {
            hadUnanswered[group] = true;
        }
    }

    /**
     * @return the totals over every group and partition; call once the pollers have stopped
     */
    Result result() {
        long records = 0;
        long duplicates = 0;
        long missing = 0;
        long missingAnswered = 0;
        for (int i = 0; i < offsets.length; i++) {
            long[] sorted = offsets[i].sorted();
            records += sorted.length;
            long holes = 0;
            for (int k = 1; k < sorted.length; k++) {
                long step = sorted[k] - sorted[k - 1];
                if (step == 0) {
                    duplicates++;
                } else {
                    holes += step - 1;
                }
            }
            missing += holes;
            boolean unanswered;
            synchronized (hadUnanswered) {
                unanswered = hadUnanswered[i / partitions];
            }
            if (!unanswered) {
                missingAnswered += holes;
            }
        }
        return new Result(records, duplicates, missing, missingAnswered);
    }

    /**
     * @param records         records the groups were given, duplicates included
     * @param duplicates      records a group was given more than once (each extra copy counts)
     * @param missing         records between a group's first and last of a partition that it was never given
     * @param missingAnswered of those, in groups each of whose polls got an answer the driver read: the ones no
     *                        lost answer explains, which must be 0
     */
    record Result(long records, long duplicates, long missing, long missingAnswered) {
    }

    /** One group's offsets of one partition, in arrival order. */
    private static final class Offsets {
        private long[] values = new long[16];
        private int size;

        synchronized void add(long offset) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = offset;
        }

        synchronized long[] sorted() {
            long[] copy = Arrays.copyOf(values, size);
            Arrays.sort(copy);
            return copy;
        }
    }
}
