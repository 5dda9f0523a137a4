package io.github.krest.proxy.core.consumer;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.github.krest.proxy.core.CommittedOffset;
import io.github.krest.proxy.core.session.KafkaSession;
import io.github.krest.proxy.core.session.KafkaSessions;
import io.github.krest.proxy.kafka.KafkaIdentity;
import io.github.krest.proxy.kafka.PartitionWindows;
import io.github.krest.state.PartitionRef;

/**
 * The real {@link ConsumerBackend}: topic metadata and offsets through the Kafka session of the caller (or of the
 * service principal, {@link KafkaSessions}), and records from this replica's shared read windows
 * ({@link PartitionWindows}), whose assign-mode Kafka consumers never {@code subscribe}.
 */
final class KafkaConsumerBackend implements ConsumerBackend {
    private final KafkaSessions sessions;
    private final PartitionWindows windows;

    /**
     * @param sessions the Kafka clients and services of the service principal and of each caller
     * @param windows this replica's shared read windows
     */
    KafkaConsumerBackend(KafkaSessions sessions, PartitionWindows windows) {
        this.sessions = sessions;
        this.windows = windows;
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
    public PartitionWindows.Take take(KafkaIdentity caller, PartitionRef partition, long from, long maxBytes) {
        return windows.take(caller, partition, from, maxBytes);
    }

    @Override
    public void await(KafkaIdentity caller, Map<PartitionRef, Long> from, long deadlineMs)
            throws InterruptedException {
        windows.await(caller, from, deadlineMs);
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
}
