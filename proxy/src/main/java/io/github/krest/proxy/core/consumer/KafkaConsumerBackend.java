package io.github.krest.proxy.core.consumer;

import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.krest.proxy.core.CommittedOffset;
import io.github.krest.proxy.core.KafkaOffsets;
import io.github.krest.proxy.core.session.KafkaSession;
import io.github.krest.proxy.core.session.KafkaSessions;
import io.github.krest.proxy.kafka.ConsumerReaders;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.proxy.record.ConsumedRecord;
import io.github.krest.proxy.record.ProduceRecord;
import io.github.krest.state.PartitionRef;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * The real {@link ConsumerBackend}: topic metadata and offsets through the Kafka session of the caller (or of the
 * service principal, {@link KafkaSessions}), and readers from this replica's cache of assign-mode Kafka consumers
 * ({@link ConsumerReaders}), which a poll moves with {@code assign} and {@code seek}, never {@code subscribe}.
 */
final class KafkaConsumerBackend implements ConsumerBackend {
    private final KafkaSessions sessions;
    private final ConsumerReaders readers;

    /**
     * @param sessions the Kafka clients and services of the service principal and of each caller
     * @param readers this replica's reader cache
     */
    KafkaConsumerBackend(KafkaSessions sessions, ConsumerReaders readers) {
        this.sessions = sessions;
        this.readers = readers;
    }

    @Override
    public boolean propagating() {
        return sessions.propagating();
    }

    @Override
    public Cluster cluster(KafkaIdentity caller) {
        return new SessionCluster(sessions.session(caller));
    }

    @Override
    public Cluster service() {
        return new SessionCluster(sessions.service());
    }

    @Override
    public Reader reader(String group, String instance, KafkaIdentity caller, String autoOffsetReset) {
        return new KafkaReader(readers.reader(new ConsumerReaders.Key(group, instance), caller, autoOffsetReset));
    }

    @Override
    public void dropReader(String group, String instance) {
        readers.invalidate(new ConsumerReaders.Key(group, instance));
    }

    /** One identity's metadata and offsets services. */
    private record SessionCluster(KafkaSession session) implements Cluster {
        @Override
        public List<String> topicNames() {
            return session.metadata().topicNames();
        }

        @Override
        public Optional<Integer> partitionCount(String topic) {
            return session.metadata().partitionCount(topic);
        }

        @Override
        public void requireGroupRead(String group) {
            session.offsets().requireGroupRead(group);
        }

        @Override
        public Map<PartitionRef, CommittedOffset> committed(String group, Collection<PartitionRef> partitions) {
            return session.offsets().committed(group, partitions);
        }

        @Override
        public CompletableFuture<Void> commit(String group, Map<PartitionRef, CommittedOffset> offsets) {
            return session.offsets().commit(group, offsets);
        }

        @Override
        public Map<PartitionRef, Long> earliest(Collection<PartitionRef> partitions) {
            return session.offsets().earliest(partitions);
        }

        @Override
        public Map<PartitionRef, Long> latest(Collection<PartitionRef> partitions) {
            return session.offsets().latest(partitions);
        }

        @Override
        public Map<PartitionRef, Long> forTimestamps(Map<PartitionRef, Long> timestamps) {
            return session.offsets().forTimestamps(timestamps);
        }
    }

    /** A cached Kafka consumer and where it will fetch next ({@link ConsumerReaders.Reader#expectedPositions()}). */
    private record KafkaReader(ConsumerReaders.Reader reader) implements Reader {
        @Override
        public boolean tryLock(long timeoutMs) throws InterruptedException {
            return reader.lock().tryLock(timeoutMs, TimeUnit.MILLISECONDS);
        }

        @Override
        public void unlock() {
            reader.lock().unlock();
        }

        @Override
        public void moveTo(List<PartitionRef> partitions, Map<PartitionRef, Long> positions) {
            Consumer<byte[], byte[]> consumer = reader.consumer();
            Set<TopicPartition> wanted = partitions.stream().map(KafkaOffsets::tp).collect(Collectors.toSet());
            if (!consumer.assignment().equals(wanted)) {
                consumer.assign(wanted);
                reader.expectedPositions().keySet().retainAll(partitions);
            }
            for (PartitionRef p : partitions) {
                Long position = positions.get(p);
                if (!position.equals(reader.expectedPositions().get(p))) {
                    consumer.seek(KafkaOffsets.tp(p), position);
                    reader.expectedPositions().put(p, position);
                }
            }
        }

        @Override
        public Map<PartitionRef, List<ConsumedRecord>> fetch(Duration timeout) {
            ConsumerRecords<byte[], byte[]> records = reader.consumer().poll(timeout);
            if (records.isEmpty()) {
                return Map.of();
            }
            // in the order ConsumerRecords iterates partitions; each record is copied into a ConsumedRecord only when
            // the read loop takes it, so that the part of a fetch past max_bytes costs nothing
            Map<PartitionRef, List<ConsumedRecord>> result = new LinkedHashMap<>();
            for (TopicPartition tp : records.partitions()) {
                List<ConsumerRecord<byte[], byte[]>> fetched = records.records(tp);
                result.put(new PartitionRef(tp.topic(), tp.partition()), new AbstractList<>() {
                    @Override
                    public ConsumedRecord get(int index) {
                        return consumed(fetched.get(index));
                    }

                    @Override
                    public int size() {
                        return fetched.size();
                    }
                });
            }
            return result;
        }

        @Override
        public boolean behind(List<PartitionRef> partitions) {
            for (PartitionRef p : partitions) {
                if (reader.consumer().currentLag(KafkaOffsets.tp(p)).orElse(0) > 0) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void notePositions(List<PartitionRef> partitions) {
            for (PartitionRef p : partitions) {
                try {
                    reader.expectedPositions().put(p, reader.consumer().position(KafkaOffsets.tp(p), Duration.ZERO));
                } catch (RuntimeException unknown) {
                    // a reset is pending: seek from the stored position next time
                    reader.expectedPositions().remove(p);
                }
            }
        }

        private static ConsumedRecord consumed(ConsumerRecord<byte[], byte[]> r) {
            Header[] raw = r.headers().toArray();
            List<ProduceRecord.Header> headers = raw.length == 0 ? List.of() : new ArrayList<>(raw.length);
            for (Header h : raw) {
                headers.add(new ProduceRecord.Header(h.key(), Optional.ofNullable(h.value())));
            }
            return new ConsumedRecord(r.topic(), r.partition(), r.offset(), r.timestamp(),
                    Optional.ofNullable(r.key()), Optional.ofNullable(r.value()), headers);
        }
    }
}
