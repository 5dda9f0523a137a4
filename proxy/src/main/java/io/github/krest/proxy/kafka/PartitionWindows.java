package io.github.krest.proxy.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.record.ConsumedRecord;
import io.github.krest.proxy.record.ProduceRecord;
import io.github.krest.state.PartitionRef;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * This replica's shared read windows: what consumer instances poll from (docs/architecture.md, "Shared read
 * windows"). A window holds the records of one partition over a contiguous offset range {@code [start, end)}, as a
 * Kafka consumer returned them, and any number of instances take from it, each from its own position (which stays in
 * the state store, as before). A window at the tail of a partition is fed by one fetch, whatever the number of
 * instances reading there: N instances reading the same partitions cost what the partitions cost, not N readers.
 *
 * <p>Shape and bounds:
 * <ul>
 *   <li>windows are keyed by caller ({@link KafkaIdentity#cacheKey()} under principal propagation, else one key
 *       for the service principal), topic, partition and slot: a partition has up to
 *       {@code consumer.read.windows.per.partition} windows per caller, at different positions, so that instances far
 *       behind the tail do not move the window the tail's readers share;</li>
 *   <li>each slot number has one fetcher per caller: a {@code KafkaConsumer} (assign mode, no group, no
 *       auto-commit, {@code auto.offset.reset=none}) and a platform thread that fetches every partition of that slot
 *       which has demand, so a replica holds at most (slots × callers) consumers and their broker connections;</li>
 *   <li>a window keeps at most {@code consumer.read.window.bytes} of records that a reader has gone past (the oldest
 *       go first) and fetches ahead of its furthest reader while less than half of that lies ahead; all windows
 *       together keep at most {@code consumer.read.windows.max.bytes} of records read (over it, the least recently
 *       read windows lose their oldest records first, and no window reads ahead). Records no reader has reached are
 *       never dropped, so each bound may be exceeded by what one fetch brings (at most
 *       {@code max.partition.fetch.bytes} per window, Kafka's 1 MiB by default). A window not read for
 *       {@code consumer.cache.idle.ms} is dropped, and a fetcher without windows is closed after as long.</li>
 * </ul>
 *
 * <p>Choosing a window for a read from offset {@code o}: the window whose range covers {@code o} ({@code start <= o <=
 * end}; {@code o == end} waits at its tail); else a free slot, which starts a window at {@code o}; else a window that
 * nobody waits on and nobody read for {@value #REPOSITION_IDLE_MS} ms, moved to {@code o}; else the least recently
 * read window, moved to {@code o} (its readers then choose again). A window never skips a record: a read returns the
 * records from {@code o} on in offset order, and a gap in offsets (compaction, transaction markers) is one Kafka
 * itself returned.
 */
public final class PartitionWindows implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PartitionWindows.class.getName());
    /** A window not read for this long, in ms, and without waiters, may be moved to another position. */
    static final long REPOSITION_IDLE_MS = 1_000;
    /** A window fetches ahead of its readers only while read within this many ms. */
    private static final long PREFETCH_IDLE_MS = 2_000;
    /** Heap a cached record costs besides its key, value and headers, in bytes (a rough measure, for the bounds). */
    private static final long RECORD_OVERHEAD_BYTES = 160;
    /** Longest single fetch of a fetcher's consumer, in ms; a new demand wakes it earlier. */
    private static final long FETCH_POLL_MS = 500;
    /** How long a reader whose window another reader moved pauses before it reads again, in ms. */
    private static final long MOVED_PAUSE_MS = 5;
    private static final int WAITING = 0;
    private static final int READY = 1;
    private static final int MOVED = 2;

    private final KrestConfig config;
    private final PrincipalPropagation propagation;
    private final String replicaId;
    private final int slots;
    private final long windowBytes;
    private final long totalBytes;
    private final long idleMs;
    private final LongSupplier clock;
    private final ConcurrentHashMap<PartitionKey, Slots> partitions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<FetcherKey, Fetcher> fetchers = new ConcurrentHashMap<>();
    private final AtomicLong cachedBytes = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();
    private final Object trimming = new Object();
    private final Thread janitor;
    private volatile boolean closed;

    /** A partition as one caller reads it. */
    private record PartitionKey(String caller, String topic, int partition) {
    }

    /** One caller's fetcher of one slot number. */
    private record FetcherKey(String caller, int slot) {
    }

    /**
     * What a read took from a window.
     *
     * @param records the records from the read's offset on, in offset order, at most the bytes asked for (but at
     *                least one when there is one, however large: the caller decides what to do with it)
     * @param next the offset to read from next: after the last record returned, or past a gap the window knows to
     *             hold no record (then larger than the read's offset with no records)
     * @param behind whether more records are known to follow {@code next} (in the window, or on the broker at the
     *               window's last fetch)
     * @param outOfRange whether the read's offset is outside the partition's log (deleted by retention, or past its
     *                   end): the caller moves the position by its {@code auto.offset.reset} and reads again
     */
    public record Take(List<ConsumedRecord> records, long next, boolean behind, boolean outOfRange) {
    }

    /**
     * @param config krest configuration ({@code client.*}, {@code consumer.*}, {@code consumer.read.window.bytes},
     *               {@code consumer.read.windows.max.bytes}, {@code consumer.read.windows.per.partition},
     *               {@code consumer.cache.idle.ms}, {@code kafka.principal.propagation})
     * @param replicaId this replica's id, part of client ids
     */
    public PartitionWindows(KrestConfig config, String replicaId) {
        this(config, replicaId, System::currentTimeMillis);
    }

    PartitionWindows(KrestConfig config, String replicaId, LongSupplier clock) {
        this.config = config;
        this.propagation = PrincipalPropagation.of(config.getString(KrestConfig.KAFKA_PRINCIPAL_PROPAGATION));
        this.replicaId = replicaId;
        this.slots = config.getInt(KrestConfig.CONSUMER_READ_WINDOWS_PER_PARTITION);
        this.windowBytes = config.getLong(KrestConfig.CONSUMER_READ_WINDOW_BYTES);
        this.totalBytes = config.getLong(KrestConfig.CONSUMER_READ_WINDOWS_MAX_BYTES);
        this.idleMs = config.getLong(KrestConfig.CONSUMER_CACHE_IDLE_MS);
        this.clock = clock;
        this.janitor = Thread.ofVirtual().name("krest-windows-janitor").start(this::sweepLoop);
    }

    /**
     * Takes records of a partition from an offset, without waiting: from the window that covers the offset, or from
     * a window moved there (which has no records yet: then {@link #await} until it has).
     *
     * @param identity the caller; under principal propagation its own windows and fetchers, as itself in Kafka
     * @param partition the partition
     * @param from the next offset the reader wants
     * @param maxBytes most key + value bytes to return (one record more when the first alone is larger)
     * @return what was taken
     * @throws io.github.krest.proxy.error.RestException 401/40101 when propagation is on and the caller has no
     *         credential it can use
     * @throws RuntimeException what Kafka answered the window's last fetch (e.g. an authorization failure); the
     *         window starts afresh on the next read
     */
    public Take take(KafkaIdentity identity, PartitionRef partition, long from, long maxBytes) {
        Window window = select(identity, partition, from);
        return window.take(from, maxBytes, clock.getAsLong());
    }

    /**
     * Waits until any of the partitions has records at or after its offset (or a change a read must see: a failure,
     * an offset out of range, a window moved), or until the deadline.
     *
     * @param identity the caller
     * @param from per partition, the offset the reader wants next
     * @param deadlineMs epoch ms
     * @throws InterruptedException when interrupted while waiting
     */
    public void await(KafkaIdentity identity, Map<PartitionRef, Long> from, long deadlineMs)
            throws InterruptedException {
        Semaphore signal = new Semaphore(0);
        List<Window> registered = new ArrayList<>(from.size());
        try {
            for (Map.Entry<PartitionRef, Long> e : from.entrySet()) {
                Window window = select(identity, e.getKey(), e.getValue());
                int state = window.register(e.getValue(), signal);
                if (state == READY) {
                    return;
                }
                if (state == MOVED) {
                    // another reader moved the window between choosing it and now (every slot of the partition
                    // is in use at other offsets): pause briefly rather than spin, then the caller reads again
                    Thread.sleep(Math.max(0, Math.min(MOVED_PAUSE_MS, deadlineMs - clock.getAsLong())));
                    return;
                }
                registered.add(window);
            }
            long waitMs = deadlineMs - clock.getAsLong();
            if (waitMs > 0) {
                signal.tryAcquire(waitMs, TimeUnit.MILLISECONDS);
            }
        } finally {
            for (Window window : registered) {
                window.unregister(signal);
            }
        }
    }

    /** @return how many windows this replica holds now */
    public int windowCount() {
        int count = 0;
        for (Slots s : partitions.values()) {
            count += s.count();
        }
        return count;
    }

    /** @return how many fetchers (Kafka consumers) this replica holds now */
    public int fetcherCount() {
        return fetchers.size();
    }

    /** @return the bytes of records all windows hold now (with the per-record overhead the bounds count) */
    public long cachedBytes() {
        return cachedBytes.get();
    }

    private Window select(KafkaIdentity identity, PartitionRef partition, long from) {
        String caller = propagation == PrincipalPropagation.NONE ? "" : identity.cacheKey();
        PartitionKey key = new PartitionKey(caller, partition.topic(), partition.partition());
        while (true) {
            Slots s = partitions.computeIfAbsent(key, k -> new Slots(k, slots));
            synchronized (s) {
                // removed: the sweep dropped this partition's slots between the look-up and now: look up again
                if (!s.removed) {
                    return choose(s, caller, identity, partition, from);
                }
            }
        }
    }

    /** Step 1 to 4 of choosing a window (see the class comment); the caller holds {@code s}'s monitor. */
    private Window choose(Slots s, String caller, KafkaIdentity identity, PartitionRef partition, long from) {
        long now = clock.getAsLong();
        Window free = null;
        int freeSlot = -1;
        Window lru = null;
        for (int i = 0; i < s.windows.length; i++) {
            Window w = s.windows[i];
            if (w == null) {
                if (freeSlot < 0) {
                    freeSlot = i;
                }
                continue;
            }
            if (w.covers(from)) {
                return w;
            }
            if (free == null && w.repositionable(now)) {
                free = w;
            }
            if (lru == null || w.lastReadMs() < lru.lastReadMs()) {
                lru = w;
            }
        }
        Window moved;
        if (freeSlot >= 0 && free == null) {
            moved = new Window(partition, now);
            // attached first: a caller without a usable credential (401) leaves no window behind
            attach(caller, freeSlot, identity, moved);
            s.windows[freeSlot] = moved;
        } else {
            moved = free != null ? free : lru;
        }
        moved.moveTo(from, now);
        // the fetcher seeks a moved window at its next turn
        moved.fetcher.wake();
        return moved;
    }

    /** Gives a new window to its fetcher, atomically with the sweep that closes fetchers left without windows. */
    private void attach(String caller, int slot, KafkaIdentity identity, Window w) {
        // the caller's SASL settings only when a window is made, not on every read
        Map<String, Object> sasl = propagation == PrincipalPropagation.NONE ? Map.of()
                : KafkaClients.saslProperties(propagation, identity);
        fetchers.compute(new FetcherKey(caller, slot), (k, f) -> {
            Fetcher fetcher = f != null && !f.closing ? f : new Fetcher(k, sasl);
            fetcher.add(w);
            return fetcher;
        });
    }

    /** Drops idle windows and fetchers, once a second. */
    private void sweepLoop() {
        while (!closed) {
            try {
                Thread.sleep(Math.min(1_000, Math.max(10, idleMs / 2)));
            } catch (InterruptedException e) {
                return;
            }
            try {
                sweep(clock.getAsLong());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Read window sweep failed", e);
            }
        }
    }

    /** Drops windows unread for consumer.cache.idle.ms and fetchers left without windows as long. */
    void sweep(long now) {
        for (Slots s : partitions.values()) {
            synchronized (s) {
                for (int i = 0; i < s.windows.length; i++) {
                    Window w = s.windows[i];
                    if (w != null && w.idleSince(now) >= idleMs) {
                        s.windows[i] = null;
                        w.drop();
                    }
                }
                if (s.count() == 0) {
                    s.removed = true;
                    partitions.remove(s.key, s);
                }
            }
        }
        for (FetcherKey key : fetchers.keySet()) {
            fetchers.computeIfPresent(key, (k, f) -> {
                if (f.idleSince(now) >= idleMs) {
                    f.closing = true;
                    f.wake();
                    return null;
                }
                return f;
            });
        }
    }

    /** Over consumer.read.windows.max.bytes: the least recently read windows lose their oldest records. */
    private void trimToBudget() {
        if (cachedBytes.get() <= totalBytes) {
            return;
        }
        synchronized (trimming) {
            List<Window> all = new ArrayList<>();
            for (Slots s : partitions.values()) {
                synchronized (s) {
                    for (Window w : s.windows) {
                        if (w != null) {
                            all.add(w);
                        }
                    }
                }
            }
            all.sort(Comparator.comparingLong(Window::lastReadMs));
            long target = totalBytes - totalBytes / 10;
            for (Window w : all) {
                if (cachedBytes.get() <= target) {
                    return;
                }
                w.trimTo(Math.max(0, w.bytes() - (cachedBytes.get() - target)));
            }
        }
    }

    /** The windows of one partition for one caller; its monitor guards choosing and moving them. */
    private static final class Slots {
        private final PartitionKey key;
        private final Window[] windows;
        /** Set (under the monitor) when the sweep took these slots out of the map. */
        private boolean removed;

        Slots(PartitionKey key, int slots) {
            this.key = key;
            this.windows = new Window[slots];
        }

        int count() {
            int n = 0;
            for (Window w : windows) {
                if (w != null) {
                    n++;
                }
            }
            return n;
        }
    }

    /**
     * One partition's records over {@code [start, end)}. Its monitor guards its state; the fetcher appends, readers
     * take. {@code epoch} counts moves, so that a fetch begun before a move is not appended after it.
     */
    private final class Window {
        private final TopicPartition tp;
        private Fetcher fetcher;
        private final ArrayList<ConsumedRecord> records = new ArrayList<>();
        /** Bytes of records[0..i) (cumulative, so that the bytes from any offset on cost a subtraction). */
        private final ArrayList<Long> cumulative = new ArrayList<>();
        private int head;
        private long start = -1;
        private long end = -1;
        private long epoch;
        private long furthestRead = -1;
        private long lastReadMs;
        private int waiters;
        private final Set<Semaphore> signals = new HashSet<>();
        private boolean behind;
        private boolean outOfRange;
        private RuntimeException failure;
        /** Set under the monitor; volatile because fetchers prune their dropped windows without it. */
        private volatile boolean dropped;
        /** Whether the fetcher fetches this window now (as it decided at its last turn). */
        private volatile boolean fetching;

        Window(PartitionRef partition, long now) {
            this.tp = new TopicPartition(partition.topic(), partition.partition());
            this.lastReadMs = now;
        }

        /**
         * Whether a read from {@code from} belongs here. A window found out of range still covers its range, so that
         * its readers learn it (and move by their {@code auto.offset.reset}) instead of moving the window back to
         * the same offset, which would find it out of range again, forever.
         */
        synchronized boolean covers(long from) {
            return start >= 0 && start <= from && from <= end;
        }

        synchronized boolean repositionable(long now) {
            return outOfRange || failure != null || (waiters == 0 && now - lastReadMs >= REPOSITION_IDLE_MS);
        }

        synchronized long lastReadMs() {
            return lastReadMs;
        }

        synchronized long idleSince(long now) {
            return waiters > 0 ? 0 : now - lastReadMs;
        }

        synchronized long bytes() {
            return total() - base();
        }

        /** @return the bytes of every record in {@code records}, dropped ones ({@code [0, head)}) included */
        private long total() {
            return cumulativeBefore(records.size());
        }

        private long base() {
            return cumulativeBefore(head);
        }

        /** Empties the window and starts it at {@code from}: the fetcher seeks there at its next turn. */
        synchronized void moveTo(long from, long now) {
            clear();
            start = from;
            end = from;
            furthestRead = from;
            epoch++;
            behind = false;
            outOfRange = false;
            failure = null;
            lastReadMs = now;
            wakeReaders();
        }

        private void clear() {
            long held = bytes();
            records.clear();
            cumulative.clear();
            head = 0;
            cachedBytes.addAndGet(-held);
        }

        synchronized void drop() {
            dropped = true;
            clear();
            // a reader still holding the window finds its offset outside it, and chooses again
            start = -1;
            end = -1;
            wakeReaders();
        }

        synchronized Take take(long from, long maxBytes, long now) {
            lastReadMs = now;
            if (failure != null) {
                RuntimeException f = failure;
                // the next read starts afresh (a credential may have been fixed, an ACL granted)
                failure = null;
                start = -1;
                throw f;
            }
            if (outOfRange) {
                return new Take(List.of(), from, false, true);
            }
            if (from < start || from > end) {
                // moved by another reader between select() and here: nothing for this offset; read again
                return new Take(List.of(), from, false, false);
            }
            int i = indexOf(from);
            long taken = 0;
            List<ConsumedRecord> out = new ArrayList<>();
            while (i < records.size()) {
                ConsumedRecord r = records.get(i);
                long size = r.size();
                if (!out.isEmpty() && taken + size > maxBytes) {
                    break;
                }
                out.add(r);
                taken += size;
                i++;
                if (taken >= maxBytes) {
                    break;
                }
            }
            long next = out.isEmpty() ? end : out.get(out.size() - 1).offset() + 1;
            if (next > furthestRead) {
                furthestRead = next;
            }
            if (!fetching && wantsFetch(now)) {
                fetcher.wake();
            }
            return new Take(out, next, next < end || behind, false);
        }

        /** @return the index of the first record at or after {@code offset} (records.size() when none) */
        private int indexOf(long offset) {
            int lo = head;
            int hi = records.size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (records.get(mid).offset() < offset) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        /**
         * Registers a reader waiting for records at or after {@code from}.
         *
         * @return {@link #WAITING}; {@link #READY} when there is no need to wait (records there already, a failure,
         *         an offset out of range); {@link #MOVED} when the window no longer covers {@code from}
         */
        synchronized int register(long from, Semaphore signal) {
            if (dropped || from < start || from > end) {
                return MOVED;
            }
            if (failure != null || outOfRange || from < end) {
                return READY;
            }
            waiters++;
            signals.add(signal);
            if (!fetching) {
                fetcher.wake();
            }
            return WAITING;
        }

        synchronized void unregister(Semaphore signal) {
            if (signals.remove(signal)) {
                waiters--;
            }
        }

        private void wakeReaders() {
            for (Semaphore s : signals) {
                s.release();
            }
        }

        /** Whether the fetcher should fetch this window: someone waits at its tail, or it reads ahead. */
        synchronized boolean wantsFetch(long now) {
            if (dropped || start < 0 || outOfRange || failure != null) {
                return false;
            }
            if (waiters > 0) {
                return true;
            }
            if (cachedBytes.get() >= totalBytes) {
                // over the budget: no reading ahead, only fetches that a waiting reader asks for
                return false;
            }
            // indexOf(furthestRead) is head when no reader went past start: then all records lie ahead
            long ahead = total() - cumulativeBefore(indexOf(furthestRead));
            return now - lastReadMs < PREFETCH_IDLE_MS && ahead < windowBytes / 2;
        }

        private long cumulativeBefore(int index) {
            return index == 0 ? 0 : cumulative.get(index - 1);
        }

        /** Appends what a fetch begun at {@code fetchEpoch} returned, when the window did not move since. */
        void append(List<ConsumerRecord<byte[], byte[]>> fetched, long fetchEpoch, long lag) {
            long added = 0;
            synchronized (this) {
                if (dropped || fetchEpoch != epoch || start < 0) {
                    return;
                }
                for (ConsumerRecord<byte[], byte[]> r : fetched) {
                    if (r.offset() < end) {
                        continue;
                    }
                    ConsumedRecord record = PartitionReaders.consumed(r);
                    long size = record.size() + RECORD_OVERHEAD_BYTES + headerBytes(record);
                    long before = total();
                    records.add(record);
                    cumulative.add(before + size);
                    added += size;
                    end = r.offset() + 1;
                }
                behind = lag > 0;
                cachedBytes.addAndGet(added);
                trimTo(windowBytes);
                wakeReaders();
            }
            if (added > 0) {
                trimToBudget();
            }
        }

        /** The fetcher's position moved past offsets without records (markers, aborted records): so does end. */
        synchronized void advanceTo(long position, long fetchEpoch) {
            if (!dropped && fetchEpoch == epoch && start >= 0 && position > end) {
                end = position;
                wakeReaders();
            }
        }

        synchronized void outOfRange(long fetchEpoch) {
            if (fetchEpoch == epoch) {
                outOfRange = true;
                wakeReaders();
            }
        }

        synchronized void fail(RuntimeException e, long fetchEpoch) {
            if (fetchEpoch == epoch) {
                failure = e;
                wakeReaders();
            }
        }

        /**
         * Drops the oldest records that a reader has already gone past ({@code furthestRead}) until at most
         * {@code bytes} remain. Records no reader has reached stay: dropping them would make the window fetch them
         * again for the reader it was started for, and the window stops fetching ahead instead
         * ({@link #wantsFetch}).
         */
        synchronized void trimTo(long bytes) {
            if (bytes() <= bytes) {
                return;
            }
            long base = base();
            int from = head;
            long last = total();
            while (head < records.size() && records.get(head).offset() < furthestRead && last - base() > bytes) {
                head++;
            }
            if (head > from) {
                start = head < records.size() ? records.get(head).offset() : end;
                cachedBytes.addAndGet(-(base() - base));
            }
            if (head > 1024 && head > records.size() / 2) {
                long shift = base();
                records.subList(0, head).clear();
                cumulative.subList(0, head).clear();
                cumulative.replaceAll(c -> c - shift);
                head = 0;
            }
        }

        private static long headerBytes(ConsumedRecord r) {
            long n = 0;
            for (ProduceRecord.Header h : r.headers()) {
                n += h.name().length() + (h.value().isPresent() ? h.value().get().length : 0);
            }
            return n;
        }
    }

    /**
     * One caller's Kafka consumer for one slot number, and the platform thread that runs it: it assigns the windows
     * of its slot, seeks those that moved, fetches those with demand (the others are paused) and appends what comes
     * back. Readers never touch the consumer; they wake the thread ({@link KafkaConsumer#wakeup()}) when a window
     * needs it.
     */
    private final class Fetcher {
        private final Set<Window> windows = ConcurrentHashMap.newKeySet();
        private final Consumer<byte[], byte[]> consumer;
        private final Thread thread;
        private final Semaphore idle = new Semaphore(0);
        private volatile long emptySinceMs;
        private volatile boolean closing;
        /** Window to the epoch the consumer's position belongs to (this thread only). */
        private final Map<Window, Long> positioned = new HashMap<>();
        private Set<TopicPartition> assigned = Set.of();

        Fetcher(FetcherKey key, Map<String, Object> sasl) {
            Map<String, Object> props = KafkaClients.readerProperties(config, "none");
            if (!sasl.isEmpty()) {
                KafkaClients.asCaller(props, sasl);
            }
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, "krest-window-" + replicaId + "-" + key.slot() + "-"
                    + sequence.incrementAndGet());
            this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.emptySinceMs = clock.getAsLong();
            this.thread = Thread.ofPlatform().daemon().name("krest-window-fetcher-" + key.slot() + "-"
                    + sequence.get()).start(this::run);
        }

        void add(Window w) {
            w.fetcher = this;
            windows.add(w);
        }

        long idleSince(long now) {
            windows.removeIf(w -> w.dropped);
            return windows.isEmpty() ? now - emptySinceMs : 0;
        }

        void wake() {
            idle.release();
            consumer.wakeup();
        }

        private void run() {
            try {
                while (!closing && !closed) {
                    turn();
                }
            } finally {
                try {
                    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
                } catch (RuntimeException ignored) {
                    // closing is best effort
                }
            }
        }

        private void turn() {
            long now = clock.getAsLong();
            windows.removeIf(w -> w.dropped);
            if (windows.isEmpty()) {
                emptySinceMs = Math.min(emptySinceMs, now);
            } else {
                emptySinceMs = Long.MAX_VALUE;
            }
            // a caller's windows of one partition are in different slots (other fetchers), so a partition maps to
            // one window here
            Map<TopicPartition, Window> byPartition = new HashMap<>();
            for (Window w : windows) {
                byPartition.put(w.tp, w);
            }
            Set<TopicPartition> wanted = Set.copyOf(byPartition.keySet());
            positioned.keySet().retainAll(windows);
            List<TopicPartition> fetch = new ArrayList<>();
            List<TopicPartition> pause = new ArrayList<>();
            Map<TopicPartition, Long> epochs = new HashMap<>();
            try {
                if (!wanted.equals(assigned)) {
                    consumer.assign(wanted);
                    assigned = wanted;
                }
                for (Window w : byPartition.values()) {
                    long seekTo = -1;
                    long epoch;
                    boolean wants;
                    synchronized (w) {
                        epoch = w.epoch;
                        Long at = positioned.get(w);
                        if ((at == null || at != epoch) && w.start >= 0) {
                            seekTo = w.end;
                        }
                        wants = w.wantsFetch(now);
                        w.fetching = wants;
                    }
                    if (seekTo >= 0) {
                        consumer.seek(w.tp, seekTo);
                        positioned.put(w, epoch);
                    }
                    epochs.put(w.tp, epoch);
                    (wants && positioned.containsKey(w) ? fetch : pause).add(w.tp);
                }
                consumer.pause(pause);
                consumer.resume(fetch);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "Read window fetcher could not assign", e);
                fail(byPartition.values(), epochs, e);
                return;
            }
            if (fetch.isEmpty()) {
                try {
                    idle.tryAcquire(FETCH_POLL_MS, TimeUnit.MILLISECONDS);
                    idle.drainPermits();
                } catch (InterruptedException e) {
                    closing = true;
                }
                return;
            }
            idle.drainPermits();
            ConsumerRecords<byte[], byte[]> fetched;
            try {
                fetched = consumer.poll(Duration.ofMillis(FETCH_POLL_MS));
            } catch (WakeupException e) {
                return;
            } catch (OffsetOutOfRangeException e) {
                for (TopicPartition tp : e.partitions()) {
                    Window w = byPartition.get(tp);
                    if (w != null) {
                        w.outOfRange(epochs.get(tp));
                        positioned.remove(w);
                    }
                }
                return;
            } catch (TopicAuthorizationException e) {
                List<Window> failed = new ArrayList<>();
                for (Window w : byPartition.values()) {
                    if (e.unauthorizedTopics().contains(w.tp.topic())) {
                        failed.add(w);
                    }
                }
                fail(failed.isEmpty() ? byPartition.values() : failed, epochs, e);
                return;
            } catch (RuntimeException e) {
                fail(byPartition.values(), epochs, e);
                return;
            }
            for (TopicPartition tp : fetched.partitions()) {
                Window w = byPartition.get(tp);
                if (w != null) {
                    w.append(fetched.records(tp), epochs.get(tp), consumer.currentLag(tp).orElse(0));
                }
            }
            for (TopicPartition tp : fetch) {
                if (!fetched.partitions().contains(tp)) {
                    try {
                        byPartition.get(tp).advanceTo(consumer.position(tp, Duration.ZERO), epochs.get(tp));
                    } catch (RuntimeException unknown) {
                        // no position yet: nothing to learn
                    }
                }
            }
        }

        private void fail(Iterable<Window> failed, Map<TopicPartition, Long> epochs, RuntimeException e) {
            for (Window w : failed) {
                Long epoch = epochs.get(w.tp);
                if (epoch != null) {
                    w.fail(e, epoch);
                }
                positioned.remove(w);
            }
        }
    }

    /** Stops every fetcher and drops every window. */
    @Override
    public void close() {
        closed = true;
        janitor.interrupt();
        for (Fetcher f : fetchers.values()) {
            f.closing = true;
            f.wake();
        }
        for (Fetcher f : fetchers.values()) {
            try {
                f.thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        fetchers.clear();
        partitions.clear();
    }
}
