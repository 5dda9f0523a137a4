package io.github.krest.proxy.core;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.state.PartitionRef;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.StaleMemberEpochException;
import org.apache.kafka.common.errors.UnknownMemberIdException;

/**
 * A REST consumer group's offsets in Kafka, through the shared {@link Admin}: committed offsets (stored under the
 * group id, so Kafka's own tools show them and their lag), commits, and offset lookups (earliest, latest, by time).
 *
 * <p>Commits use {@code Admin.alterConsumerGroupOffsets}, which Kafka accepts while the group has no active native
 * members; when it has some, the commit answers 409/40903 saying so (docs/architecture.md, "Stateless consumers").
 */
public final class KafkaOffsets {
    private static final long TIMEOUT_S = 30;
    private final Admin admin;

    /** @param admin the shared admin client */
    public KafkaOffsets(Admin admin) {
        this.admin = admin;
    }

    /**
     * Checks that this identity may read a consumer group, and so commit under it, as Kafka's ACLs say: the group's
     * authorized operations must include {@code READ}. A group Kafka does not know yet passes once Kafka found its
     * coordinator, which needs {@code DESCRIBE} on it: Kafka cannot tell more without a commit.
     *
     * <p>Under {@code kafka.principal.propagation}, {@code POST /consumers/{group}} asks this first (Confluent v2
     * creates the instance and fails at the first commit instead).
     *
     * @param group group id
     * @throws RestException 403/40301 when the identity may not read the group; Kafka failures as Kafka exceptions
     */
    public void requireGroupRead(String group) {
        try {
            Set<AclOperation> allowed = KafkaFutures.get(admin.describeConsumerGroups(List.of(group),
                    new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true))
                    .describedGroups().get(group)).authorizedOperations();
            if (allowed != null && !allowed.contains(AclOperation.READ) && !allowed.contains(AclOperation.ALL)) {
                throw groupForbidden(group);
            }
        } catch (GroupIdNotFoundException unknownToKafka) {
            // DESCRIBE was allowed (FindCoordinator); READ shows at the first commit
        } catch (GroupAuthorizationException e) {
            throw groupForbidden(group);
        }
    }

    private static RestException groupForbidden(String group) {
        return new RestException(ErrorCode.KAFKA_AUTHORIZATION, "Not authorized to read consumer group " + group
                + ".");
    }

    /**
     * @param group group id
     * @param partitions partitions to look up
     * @return committed offsets of those that have one
     */
    public Map<PartitionRef, CommittedOffset> committed(String group, Collection<PartitionRef> partitions) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        ListConsumerGroupOffsetsSpec spec = new ListConsumerGroupOffsetsSpec()
                .topicPartitions(partitions.stream().map(KafkaOffsets::tp).toList());
        return committedOf(
                KafkaFutures.get(admin.listConsumerGroupOffsets(Map.of(group, spec)).partitionsToOffsetAndMetadata(group)));
    }

    /**
     * All committed offsets of a group (for the v3 lag endpoints).
     *
     * @param group group id
     * @return partition to committed offset; empty when the group has none or does not exist
     */
    public Map<PartitionRef, CommittedOffset> committed(String group) {
        return committedOf(KafkaFutures.get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()));
    }

    private static Map<PartitionRef, CommittedOffset> committedOf(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<PartitionRef, CommittedOffset> result = new HashMap<>();
        offsets.forEach((tp, om) -> {
            if (om != null) {
                result.put(ref(tp), new CommittedOffset(om.offset(), om.metadata() == null ? "" : om.metadata()));
            }
        });
        return result;
    }

    /**
     * Commits next offsets under the group id.
     *
     * @param group group id
     * @param offsets partition to next offset and metadata
     * @return completes when Kafka has stored them; fails with 409/40903 when the group has native members
     */
    public CompletableFuture<Void> commit(String group, Map<PartitionRef, CommittedOffset> offsets) {
        if (offsets.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Map<TopicPartition, OffsetAndMetadata> request = new HashMap<>();
        offsets.forEach((p, c) -> request.put(tp(p), new OffsetAndMetadata(c.offset(), c.metadata())));
        CompletableFuture<Void> result = new CompletableFuture<>();
        // The outcome goes to result; the future whenComplete returns would only fail if this callback threw.
        var unused = admin.alterConsumerGroupOffsets(group, request).all().whenComplete((v, e) -> {
            if (e == null) {
                result.complete(null);
            } else {
                result.completeExceptionally(translate(group, e));
            }
        });
        return result;
    }

    /**
     * Commits and waits.
     *
     * @param group group id
     * @param offsets partition to next offset
     */
    public void commitAndWait(String group, Map<PartitionRef, Long> offsets) {
        Map<PartitionRef, CommittedOffset> request = new HashMap<>();
        offsets.forEach((p, o) -> request.put(p, new CommittedOffset(o, "")));
        join(commit(group, request));
    }

    /** @return the earliest offset of each partition */
    public Map<PartitionRef, Long> earliest(Collection<PartitionRef> partitions) {
        return list(partitions, OffsetSpec.earliest());
    }

    /** @return the latest (next) offset of each partition */
    public Map<PartitionRef, Long> latest(Collection<PartitionRef> partitions) {
        return list(partitions, OffsetSpec.latest());
    }

    /**
     * The earliest offset whose timestamp is at or after the given time, per partition; the latest offset when no
     * record is that new (as {@code KafkaConsumer.offsetsForTimes} then seeking to end).
     *
     * @param timestamps partition to epoch ms
     * @return partition to offset
     */
    public Map<PartitionRef, Long> forTimestamps(Map<PartitionRef, Long> timestamps) {
        Map<PartitionRef, Long> result = new HashMap<>();
        timestamps.forEach((p, ts) -> result.putAll(list(List.of(p), OffsetSpec.forTimestamp(ts))));
        List<PartitionRef> none = result.entrySet().stream().filter(e -> e.getValue() < 0).map(Map.Entry::getKey)
                .toList();
        result.putAll(latest(none));
        return result;
    }

    private Map<PartitionRef, Long> list(Collection<PartitionRef> partitions, OffsetSpec spec) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(tp(p), spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> infos = KafkaFutures.get(admin.listOffsets(request).all());
        Map<PartitionRef, Long> result = new HashMap<>();
        infos.forEach((tp, info) -> result.put(ref(tp), info.offset()));
        return result;
    }

    private static RuntimeException translate(String group, Throwable e) {
        Throwable cause = e instanceof ExecutionException || e instanceof java.util.concurrent.CompletionException
                ? e.getCause() : e;
        if (cause instanceof UnknownMemberIdException || cause instanceof IllegalGenerationException
                || cause instanceof StaleMemberEpochException || cause instanceof FencedInstanceIdException) {
            return new RestException(ErrorCode.ILLEGAL_STATE, "Illegal state: consumer group " + group
                    + " has active native Kafka consumers, so krest cannot commit offsets for it. Use a group id "
                    + "that only krest consumer instances use.");
        }
        return cause instanceof RuntimeException re ? re : new RuntimeException(cause);
    }

    /**
     * Waits for a commit.
     *
     * @param future from {@link #commit}
     * @throws RuntimeException the commit's failure, or a Kafka timeout after 30 s
     */
    public static void join(CompletableFuture<Void> future) {
        try {
            future.get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException("Timed out committing offsets.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestException(ErrorCode.KAFKA_RETRIABLE, "Interrupted while committing offsets.");
        }
    }

    /**
     * @param p a partition of krest's state
     * @return the same partition as Kafka's clients name it
     */
    public static TopicPartition tp(PartitionRef p) {
        return new TopicPartition(p.topic(), p.partition());
    }

    static PartitionRef ref(TopicPartition tp) {
        return new PartitionRef(tp.topic(), tp.partition());
    }
}
