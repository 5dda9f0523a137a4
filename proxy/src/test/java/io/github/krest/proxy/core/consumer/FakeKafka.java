package io.github.krest.proxy.core.consumer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.github.krest.proxy.core.CommittedOffset;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.proxy.kafka.PartitionWindows;
import io.github.krest.proxy.record.ConsumedRecord;
import io.github.krest.state.PartitionRef;

/**
 * A Kafka cluster in memory for unit tests of the consumer protocol: topics with partition logs, a consumer group's
 * committed offsets, and, per replica, a {@link ConsumerBackend} ({@link #replica()}) that reads by offset as krest's
 * shared read windows do: at most {@link #FETCH_MAX_RECORDS} records per take, an offset before the log's start
 * ({@link #deleteRecordsBefore}) or past its end out of range, and a wait that an append ends.
 *
 * <p>Test controls: {@link #holdCommits()} keeps commits pending until {@link #completeHeldCommits()};
 * {@link #blockNextFetch()} stops the next fetch at its start until the test lets it go; {@link #failNextFetch}
 * makes it throw.
 */
final class FakeKafka {
    /** Most records one fetch returns, as Kafka's {@code max.poll.records} bounds a consumer's poll. */
    static final int FETCH_MAX_RECORDS = 5;

    private final Object appended = new Object();
    private final Map<String, List<List<ConsumedRecord>>> topics = new ConcurrentHashMap<>();
    private final Map<String, Map<PartitionRef, CommittedOffset>> committed = new ConcurrentHashMap<>();
    private final Map<PartitionRef, Long> logStart = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private final List<CompletableFuture<Void>> heldCommits = new ArrayList<>();
    private final List<Runnable> heldCommitWrites = new ArrayList<>();
    private boolean holdingCommits;
    private volatile FetchBlock nextFetchBlock;
    private volatile RuntimeException nextFetchFailure;
    private final List<FetchBlock> blocks = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** @param clock epoch-ms clock of the replicas (their deadlines) */
    FakeKafka(LongSupplier clock) {
        this.clock = clock;
    }

    /** A fetch stopped at its start: {@link #entered} when it got there, and it goes on after {@link #release()}. */
    static final class FetchBlock {
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch proceed = new CountDownLatch(1);

        /** Waits until a fetch reached the block. */
        void awaitEntered() throws InterruptedException {
            if (!entered.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("no fetch reached the block");
            }
        }

        /** Lets the blocked fetch go on. */
        void release() {
            proceed.countDown();
        }
    }

    /** Creates a topic with empty partitions. */
    void createTopic(String topic, int partitions) {
        List<List<ConsumedRecord>> logs = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            logs.add(new ArrayList<>());
        }
        topics.put(topic, logs);
    }

    /** Adds a partition to a topic, as {@code kafka-topics --alter --partitions} does. */
    void addPartition(String topic) {
        synchronized (appended) {
            topics.get(topic).add(new ArrayList<>());
        }
    }

    /**
     * Appends records whose values are {@code "p<partition>-<offset>"} and whose timestamps are their offsets.
     *
     * @return the offset of the last one
     */
    long append(String topic, int partition, int count) {
        return append(topic, partition, count, 0);
    }

    /** As {@link #append(String, int, int)}, each record with a key of {@code keyBytes} bytes. */
    long append(String topic, int partition, int count, int keyBytes) {
        synchronized (appended) {
            List<ConsumedRecord> log = topics.get(topic).get(partition);
            for (int i = 0; i < count; i++) {
                long offset = log.size();
                log.add(new ConsumedRecord(topic, partition, offset, offset,
                        keyBytes == 0 ? Optional.empty() : Optional.of(new byte[keyBytes]),
                        Optional.of(("p" + partition + "-" + offset).getBytes(StandardCharsets.UTF_8)), List.of()));
            }
            appended.notifyAll();
            return log.size() - 1L;
        }
    }

    /** Deletes a partition's records before {@code offset}, as retention or {@code kafka-delete-records} does. */
    void deleteRecordsBefore(String topic, int partition, long offset) {
        synchronized (appended) {
            logStart.put(new PartitionRef(topic, partition), offset);
        }
    }

    /** @return the group's committed offsets now */
    Map<PartitionRef, CommittedOffset> committed(String group) {
        return Map.copyOf(committed.getOrDefault(group, Map.of()));
    }

    /** From now on commits stay pending (not yet in Kafka) until {@link #completeHeldCommits()}. */
    void holdCommits() {
        synchronized (heldCommits) {
            holdingCommits = true;
        }
    }

    /** Stores the held commits, completes them, and stops holding. */
    void completeHeldCommits() {
        List<CompletableFuture<Void>> futures;
        synchronized (heldCommits) {
            holdingCommits = false;
            heldCommitWrites.forEach(Runnable::run);
            heldCommitWrites.clear();
            futures = List.copyOf(heldCommits);
            heldCommits.clear();
        }
        futures.forEach(f -> f.complete(null));
    }

    /** @return a block the next fetch of any replica stops at */
    FetchBlock blockNextFetch() {
        FetchBlock block = new FetchBlock();
        blocks.add(block);
        nextFetchBlock = block;
        return block;
    }

    /** The next fetch of any replica throws {@code failure}, as a Kafka consumer's poll may. */
    void failNextFetch(RuntimeException failure) {
        nextFetchFailure = failure;
    }

    /** Lets every blocked fetch go on (at the end of a test, whatever it asserted). */
    void releaseBlockedFetches() {
        nextFetchBlock = null;
        blocks.forEach(FetchBlock::release);
    }

    /** @return a new replica's view of this cluster */
    Replica replica() {
        return new Replica();
    }

    /** One replica's {@link ConsumerBackend}: the shared cluster, read by offset as krest's read windows do. */
    final class Replica implements ConsumerBackend {
        @Override
        public boolean propagating() {
            return false;
        }

        @Override
        public Cluster cluster(KafkaIdentity caller) {
            return cluster;
        }

        @Override
        public Cluster service() {
            return cluster;
        }

        @Override
        public PartitionWindows.Take take(KafkaIdentity caller, PartitionRef partition, long from, long maxBytes) {
            FetchBlock block = nextFetchBlock;
            if (block != null && block.entered.getCount() > 0) {
                nextFetchBlock = null;
                block.entered.countDown();
                FakeKafka.await(block.proceed);
            }
            RuntimeException failure = nextFetchFailure;
            if (failure != null) {
                nextFetchFailure = null;
                throw failure;
            }
            synchronized (appended) {
                List<ConsumedRecord> log = log(partition);
                long earliest = logStart.getOrDefault(partition, 0L);
                if (from < earliest || from > log.size()) {
                    return new PartitionWindows.Take(List.of(), from, false, true);
                }
                List<ConsumedRecord> out = new ArrayList<>();
                long bytes = 0;
                long next = from;
                while (next < log.size() && out.size() < FETCH_MAX_RECORDS) {
                    ConsumedRecord r = log.get((int) next);
                    if (!out.isEmpty() && bytes + r.size() > maxBytes) {
                        break;
                    }
                    out.add(r);
                    bytes += r.size();
                    next++;
                }
                return new PartitionWindows.Take(out, next, next < log.size(), false);
            }
        }

        @Override
        public void await(KafkaIdentity caller, Map<PartitionRef, Long> from, long deadlineMs)
                throws InterruptedException {
            synchronized (appended) {
                while (true) {
                    for (Map.Entry<PartitionRef, Long> e : from.entrySet()) {
                        if (log(e.getKey()).size() > e.getValue()) {
                            return;
                        }
                    }
                    long waitMs = deadlineMs - clock.getAsLong();
                    if (waitMs <= 0) {
                        return;
                    }
                    appended.wait(Math.min(waitMs, 50));
                }
            }
        }
    }

    private final ConsumerBackend.Cluster cluster = new ConsumerBackend.Cluster() {
        @Override
        public List<String> topicNames() {
            return List.copyOf(new TreeMap<>(topics).keySet());
        }

        @Override
        public Optional<Integer> partitionCount(String topic) {
            synchronized (appended) {
                return Optional.ofNullable(topics.get(topic)).map(List::size);
            }
        }

        @Override
        public void requireGroupRead(String group) {
        }

        @Override
        public Map<PartitionRef, CommittedOffset> committed(String group, Collection<PartitionRef> partitions) {
            Map<PartitionRef, CommittedOffset> all = FakeKafka.this.committed(group);
            Map<PartitionRef, CommittedOffset> result = new HashMap<>();
            partitions.forEach(p -> Optional.ofNullable(all.get(p)).ifPresent(c -> result.put(p, c)));
            return result;
        }

        @Override
        public CompletableFuture<Void> commit(String group, Map<PartitionRef, CommittedOffset> offsets) {
            if (offsets.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            Map<PartitionRef, CommittedOffset> copy = Map.copyOf(offsets);
            Runnable write = () -> committed.computeIfAbsent(group, g -> new ConcurrentHashMap<>()).putAll(copy);
            synchronized (heldCommits) {
                if (holdingCommits) {
                    CompletableFuture<Void> pending = new CompletableFuture<>();
                    heldCommits.add(pending);
                    heldCommitWrites.add(write);
                    return pending;
                }
            }
            write.run();
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Map<PartitionRef, Long> earliest(Collection<PartitionRef> partitions) {
            Map<PartitionRef, Long> result = new HashMap<>();
            partitions.forEach(p -> result.put(p, logStart.getOrDefault(p, 0L)));
            return result;
        }

        @Override
        public Map<PartitionRef, Long> latest(Collection<PartitionRef> partitions) {
            Map<PartitionRef, Long> result = new HashMap<>();
            synchronized (appended) {
                partitions.forEach(p -> result.put(p, (long) log(p).size()));
            }
            return result;
        }

        @Override
        public Map<PartitionRef, Long> forTimestamps(Map<PartitionRef, Long> timestamps) {
            Map<PartitionRef, Long> result = new HashMap<>();
            synchronized (appended) {
                timestamps.forEach((p, ts) -> result.put(p, log(p).stream().filter(r -> r.timestamp() >= ts)
                        .mapToLong(ConsumedRecord::offset).findFirst().orElse(log(p).size())));
            }
            return result;
        }
    };

    private List<ConsumedRecord> log(PartitionRef p) {
        return topics.get(p.topic()).get(p.partition());
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("a blocked fetch was never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
