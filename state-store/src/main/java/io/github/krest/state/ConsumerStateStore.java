package io.github.krest.state;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where krest keeps the state of v2 REST consumers, so that any proxy replica can serve any consumer request
 * (docs/architecture.md). Replicas keep only caches; every fact a request depends on is read from,
 * and written back to, this store.
 *
 * <h2>Model</h2>
 * <ul>
 *   <li>An <b>instance</b> ({@link ConsumerInstance}) lives until {@code ttlMs} after its last use. An instance
 *       whose deadline passed is treated as absent by every operation at once; its data stays until
 *       {@link #sweepExpired} removes it (and hands its positions over for an auto-commit).</li>
 *   <li>SUBSCRIBE-mode instances are the <b>members</b> of their group. {@link #beginPoll} records a heartbeat;
 *       members whose last heartbeat is more than {@code sessionTimeoutMs} old are dropped. A member that polls
 *       again rejoins.</li>
 *   <li>The <b>assignment</b> maps members to partitions. It is computed by the caller from
 *       {@link #membership} and stored with a compare-and-set on the membership fingerprint
 *       ({@link #storeAssignment}).</li>
 *   <li><b>Positions</b> are the next offsets to deliver per owned partition. They are written only under a
 *       <b>lease</b> ({@link #beginPoll} .. {@link #endPoll}), which makes one request at a time the user of an
 *       instance; a fencing token rejects the writes of a holder whose lease was taken over.</li>
 *   <li>The <b>handover</b>: positions an instance with {@code auto.commit.enable} gives up (a rebalance revokes
 *       its partitions, it changes its subscription, it is deleted or swept) are kept per group and partition in
 *       the same atomic step that drops them, and {@link #beginPoll} offers them to the partition's next owner
 *       that has no position of its own. The caller commits those positions to Kafka too, but the next owner may
 *       start before that commit lands (or on another replica, or the commit may fail): the handover makes it
 *       continue where the last owner stopped regardless. An entry ends when an owner stores a position for its
 *       partition ({@link #endPoll}), when {@link #releaseHandover} learns that Kafka holds it as the committed
 *       offset, or with the group.</li>
 * </ul>
 *
 * <h2>Time</h2>
 * All times are epoch milliseconds from the caller's clock, passed as {@code nowMs}; durations are milliseconds.
 * Implementations never read a clock to decide expiry, so tests control time. (The Redis implementation also
 * sets key TTLs so that abandoned data disappears on its own.)
 *
 * <h2>Seeking</h2>
 * {@code positions}, {@code positions/beginning} and {@code positions/end} are leased operations like a poll:
 * {@code beginPoll}, resolve the offsets, {@code endPoll} with the new positions.
 *
 * <h2>Errors</h2>
 * Every operation may throw {@link StateStoreUnavailableException} (retriable; the operation may or may not have
 * been applied) and, after {@link #close()}, {@link IllegalStateException}. Arguments are validated with
 * {@link IllegalArgumentException} / {@link NullPointerException}. No method returns {@code null}.
 *
 * <p>Implementations: {@code memory.InMemoryConsumerStateStore} (one replica) and
 * {@code redis.RedisConsumerStateStore} (shared). Both are thread-safe.
 */
public interface ConsumerStateStore extends AutoCloseable {

    /**
     * Creates an instance, atomically unique per group across all replicas. A same-named instance that expired
     * but was not swept yet is replaced (its positions are dropped without a commit).
     *
     * @param instance the instance; its {@code createdMs} is the current time and its subscription must be
     *                 {@link Subscription#none()}
     * @param ttlMs    the instance timeout: it expires at {@code createdMs + ttlMs} unless used; {@code > 0}
     * @throws InstanceExistsException  if a live instance with this name exists in the group
     * @throws IllegalArgumentException if the subscription is not NONE or {@code ttlMs <= 0}
     */
    void createInstance(ConsumerInstance instance, long ttlMs);

    /**
     * Reads an instance without extending its life.
     *
     * @param group the group id
     * @param name  the instance name
     * @param nowMs the current time
     * @return the instance, empty if it does not exist or has expired
     */
    Optional<ConsumerInstance> instance(String group, String name, long nowMs);

    /**
     * Extends an instance's life to {@code nowMs + ttlMs} (any request on it does). Does not heartbeat: only
     * polls keep a member in its group.
     *
     * @param group the group id
     * @param name  the instance name
     * @param nowMs the current time
     * @param ttlMs the instance timeout, {@code > 0}
     * @throws InstanceNotFoundException if it does not exist or has expired
     */
    void touch(String group, String name, long nowMs, long ttlMs);

    /**
     * Deletes an instance with its membership, positions and lease (an outstanding {@link #endPoll} then returns
     * false). Its entry in the assignment is removed; the group rebalances on its next poll. An auto-commit
     * instance's positions are handed over (see the class comment).
     *
     * @param group the group id
     * @param name  the instance name
     * @param nowMs the current time
     * @return the removed instance and its last positions, for an auto-commit
     * @throws InstanceNotFoundException if it does not exist or has expired (an expired instance is left to
     *                                   {@link #sweepExpired})
     */
    RemovedInstance deleteInstance(String group, String name, long nowMs);

    /**
     * Changes what an instance consumes and extends its life, with {@code KafkaConsumer}'s mode rules:
     * NONE may become anything; SUBSCRIBE may be replaced by another SUBSCRIBE (topics or pattern) and ASSIGN by
     * another ASSIGN; any mode may become NONE (unsubscribe); SUBSCRIBE to ASSIGN or back is a conflict.
     * <ul>
     *   <li>to SUBSCRIBE: the instance joins (or stays in) the membership with a heartbeat at {@code nowMs}; the
     *       changed fingerprint makes the next poll rebalance. Positions are kept until that rebalance.</li>
     *   <li>to ASSIGN: positions of partitions no longer assigned are dropped.</li>
     *   <li>to NONE: the instance leaves the membership and the assignment, all positions are dropped.</li>
     * </ul>
     * Dropped positions of an auto-commit instance are handed over (see the class comment).
     *
     * @param group        the group id
     * @param name         the instance name
     * @param subscription the new subscription
     * @param nowMs        the current time
     * @param ttlMs        the instance timeout, {@code > 0}
     * @return the positions dropped by the change, for an auto-commit; empty if none
     * @throws InstanceNotFoundException     if the instance does not exist or has expired
     * @throws SubscriptionConflictException if the change switches between SUBSCRIBE and ASSIGN
     */
    Map<PartitionRef, Long> updateSubscription(String group, String name, Subscription subscription, long nowMs,
                                               long ttlMs);

    /**
     * Begins a poll (or seek) of an instance, in one atomic step (docs/architecture.md, poll step 1):
     * <ol>
     *   <li>the instance must exist, be alive and belong to {@code principal};</li>
     *   <li>its life is extended to {@code nowMs + ttlMs}; a SUBSCRIBE-mode instance heartbeats at {@code nowMs}
     *       (rejoining the membership if it had been dropped);</li>
     *   <li>members whose last heartbeat is older than {@code nowMs - sessionTimeoutMs} are dropped (their
     *       positions go with the next {@link #storeAssignment}, which revokes all their partitions);</li>
     *   <li>if this is a SUBSCRIBE-mode instance and the membership fingerprint differs from the stored
     *       assignment's, the result has {@code rebalanceNeeded} and no lease is taken;</li>
     *   <li>otherwise the instance's lease is acquired until {@code nowMs} plus the request's wait plus
     *       {@code leaseMarginMs}, with a new fencing token (strictly increasing per group while the group has
     *       instances), or {@link LeaseBusyException} is thrown if another holder's lease has not lapsed.</li>
     * </ol>
     *
     * <p>The wait is {@code waitMs}, or the instance's own request timeout ({@link InstanceConfig#requestTimeoutMs})
     * when that is empty: a poll without {@code ?timeout=} waits as long as its instance was created to, which the
     * caller learns only from this call. A lease whose holder never ends it (its replica died, or could not reach
     * the store to end it) keeps the instance from every other request until it lapses, so it lasts no longer than
     * the request it covers.
     *
     * @param group            the group id
     * @param name             the instance name
     * @param principal        the requesting principal, compared exactly with the creator's (empty string when
     *                         authentication is off)
     * @param replicaId        identifies the caller's replica, for diagnostics ({@link LeaseBusyException})
     * @param nowMs            the current time
     * @param waitMs           the longest the request waits, {@code > 0}; empty: the instance's request timeout
     * @param leaseMarginMs    added to the wait: the time the request may take beyond it, {@code >= 0}
     * @param sessionTimeoutMs how old a member's heartbeat may get before it is dropped; {@code > 0}
     * @param ttlMs            the instance timeout, {@code > 0}
     * @return the lease, or a {@code rebalanceNeeded} result without one; its positions are the instance's own,
     *         else the group's handed-over ones, for the partitions it owns
     * @throws InstanceNotFoundException if the instance does not exist, has expired, or belongs to another
     *                                   principal
     * @throws LeaseBusyException        if another request holds the lease
     */
    PollLease beginPoll(String group, String name, String principal, String replicaId, long nowMs,
                        OptionalLong waitMs, long leaseMarginMs, long sessionTimeoutMs, long ttlMs);

    /**
     * {@link #beginPoll(String, String, String, String, long, OptionalLong, long, long, long)} with a lease of a
     * fixed length.
     *
     * @param leaseMs how long the lease holds: the longest the request may take plus a margin; {@code > 0}
     */
    default PollLease beginPoll(String group, String name, String principal, String replicaId, long nowMs,
                                long leaseMs, long sessionTimeoutMs, long ttlMs) {
        return beginPoll(group, name, principal, replicaId, nowMs, OptionalLong.of(leaseMs), 0, sessionTimeoutMs,
                ttlMs);
    }

    /**
     * Ends a poll (or seek): if {@code fencingToken} is still the instance's lease, writes the positions and
     * releases the lease; otherwise writes nothing (docs/architecture.md: a record is returned only if its position
     * was stored first). Positions of partitions the instance no longer owns (a rebalance revoked them meanwhile)
     * are not written. Writing a partition's position ends its handover entry, if any.
     *
     * <p>The token holds until another {@code beginPoll} takes the lease over after it lapsed, the instance is
     * deleted or swept, or (Redis) the lease key expires {@code leaseMs} after acquisition.
     *
     * @param group        the group id
     * @param name         the instance name
     * @param fencingToken the token from {@link PollLease#fencingToken()}
     * @param positions    next offset to deliver per partition, {@code >= 0}; may be empty (just release)
     * @return true if the token held and the positions were written; false if nothing was written
     */
    boolean endPoll(String group, String name, long fencingToken, Map<PartitionRef, Long> positions);

    /**
     * Reads an instance's stored positions (for {@code POST .../offsets} with an empty body).
     *
     * @param group the group id
     * @param name  the instance name
     * @param nowMs the current time
     * @return next offset to deliver per owned partition that has one
     * @throws InstanceNotFoundException if the instance does not exist or has expired
     */
    Map<PartitionRef, Long> positions(String group, String name, long nowMs);

    /**
     * Reads a group's current membership, the input of an assignment.
     *
     * @param group the group id
     * @return its SUBSCRIBE-mode members (including any not yet dropped for a missed heartbeat) and their
     *         fingerprint; no members if the group is unknown
     */
    GroupMembership membership(String group);

    /**
     * Reads a group's stored assignment, the previous assignment for a sticky assignor.
     *
     * @param group the group id
     * @return the assignment, {@link GroupAssignment#EMPTY} if none was stored
     */
    GroupAssignment assignment(String group);

    /**
     * Stores a new assignment if the membership is still the one it was computed from, is not empty, and no newer
     * assignment was stored meanwhile. On success, every member's positions for partitions it lost (including all
     * partitions of members missing from {@code partitions}) are dropped and returned, and those of auto-commit
     * members handed over (see the class comment), in the same atomic step.
     *
     * @param group               the group id
     * @param expectedFingerprint the {@link GroupMembership#fingerprint()} the assignment was computed from
     * @param newGeneration       the new generation, greater than the stored one (normally stored + 1)
     * @param partitions          member name to its partitions; members should be the membership's members
     * @return whether it was stored, and the revoked positions
     */
    AssignmentUpdate storeAssignment(String group, String expectedFingerprint, long newGeneration,
                                     Map<String, List<PartitionRef>> partitions);

    /**
     * Ends the handover entries that Kafka now holds as the group's committed offsets: after a commit of handed-over
     * positions succeeded, the next owner reads the same offsets from Kafka. An entry with another offset (a later
     * owner gave the partition up further on) stays.
     *
     * @param group     the group id
     * @param committed partition to the offset Kafka confirmed as committed, {@code >= 0}
     */
    void releaseHandover(String group, Map<PartitionRef, Long> committed);

    /**
     * Records that an instance's positions were committed to Kafka (auto-commit bookkeeping: the poll that finds
     * {@code auto.commit.interval.ms} elapsed since {@link PollLease#lastCommitMs()} commits first).
     *
     * @param group    the group id
     * @param name     the instance name
     * @param commitMs when the commit happened, also the current time for the expiry check
     * @throws InstanceNotFoundException if the instance does not exist or has expired
     */
    void recordCommit(String group, String name, long commitMs);

    /**
     * Lists groups for the admin API and the sweeper.
     *
     * @return ids of groups that may have instances, sorted; a group leaves the list when a sweep finds it empty
     */
    List<String> groups();

    /**
     * Lists a group's live instances with their partitions, for the admin API.
     *
     * @param group the group id
     * @param nowMs the current time
     * @return the live instances sorted by name; empty if none
     */
    List<InstanceDescription> instances(String group, long nowMs);

    /**
     * Removes expired instances (with their positions, lease and membership; an auto-commit instance's positions
     * are handed over) and members whose heartbeat timed out, in every group, at most once per {@code lockMs} across all replicas: the caller takes a short lock,
     * and returns at once with nothing if another sweep holds it (docs/architecture.md, "Expiry and sweeping").
     * Each expired instance is returned to exactly one sweeper.
     *
     * @param replicaId        identifies the caller's replica (lock holder)
     * @param nowMs            the current time
     * @param lockMs           how long the sweep lock holds; other replicas skip sweeping meanwhile; {@code > 0}
     * @param sessionTimeoutMs as in {@link #beginPoll}
     * @return the removed instances with their last positions, for an auto-commit; empty if none or not our turn
     */
    List<RemovedInstance> sweepExpired(String replicaId, long nowMs, long lockMs, long sessionTimeoutMs);

    /**
     * Checks that the store is reachable, for readiness checks. The default (an in-process store) always is.
     *
     * @throws StateStoreUnavailableException if it is not
     */
    default void ping() {
    }

    /** Releases connections; later calls throw {@link IllegalStateException}. Idempotent. */
    @Override
    void close();
}
