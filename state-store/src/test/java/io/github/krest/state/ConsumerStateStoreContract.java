package io.github.krest.state;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The behaviour every {@link ConsumerStateStore} must have (docs/architecture.md). Subclasses supply a
 * fresh, empty store per test.
 *
 * <p>Time starts at the real clock ({@code T0}) and only moves forward, so the Redis store's real key expiry never
 * precedes the logical expiry these tests control through {@code nowMs}.
 */
public abstract class ConsumerStateStoreContract {

    protected static final String G = "orders";
    protected static final long TTL = 60_000;
    protected static final long LEASE = 5_000;
    protected static final long SESSION = 10_000;
    protected static final PartitionRef T0P0 = new PartitionRef("t", 0);
    protected static final PartitionRef T0P1 = new PartitionRef("t", 1);
    protected static final PartitionRef T0P2 = new PartitionRef("t", 2);

    protected ConsumerStateStore store;
    protected long t0;

    /** @return a new store over empty state */
    protected abstract ConsumerStateStore newStore();

    @BeforeEach
    void openStore() {
        t0 = System.currentTimeMillis();
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected ConsumerInstance instance(String group, String name, long createdMs) {
        return new ConsumerInstance(group, name, new InstanceConfig("binary", "earliest", true, -1, 5_000), "",
                createdMs, Subscription.none());
    }

    protected ConsumerInstance create(String name) {
        ConsumerInstance instance = instance(G, name, t0);
        store.createInstance(instance, TTL);
        return instance;
    }

    /** Creates an instance with {@code auto.commit.enable=false}. */
    private void createWithoutAutoCommit(String name) {
        store.createInstance(new ConsumerInstance(G, name, new InstanceConfig("binary", "earliest", false, -1, 5_000),
                "", t0, Subscription.none()), TTL);
    }

    private PollLease begin(String name, long nowMs) {
        return store.beginPoll(G, name, "", "replica-a", nowMs, LEASE, SESSION, TTL);
    }

    /** Subscribes the members, stores an assignment and returns the new generation. */
    private long rebalance(Map<String, List<PartitionRef>> assignment) {
        GroupMembership membership = store.membership(G);
        long generation = store.assignment(G).generation() + 1;
        assertTrue(store.storeAssignment(G, membership.fingerprint(), generation, assignment).stored());
        return generation;
    }

    private PollLease assigned(String name, List<PartitionRef> partitions, long nowMs) {
        create(name);
        store.updateSubscription(G, name, Subscription.partitions(partitions), nowMs, TTL);
        return begin(name, nowMs);
    }

    @Test
    void createdInstanceCanBeReadAndListed() {
        ConsumerInstance created = create("a");

        assertEquals(Optional.of(created), store.instance(G, "a", t0 + 1));
        assertEquals(List.of(G), store.groups());
        List<InstanceDescription> listed = store.instances(G, t0 + 1);
        assertEquals(1, listed.size());
        assertEquals(created, listed.get(0).instance());
        assertEquals(t0 + TTL, listed.get(0).expiresAtMs());
        assertEquals(t0, listed.get(0).lastCommitMs());
        assertEquals(Optional.empty(), store.instance(G, "b", t0));
        assertEquals(Optional.empty(), store.instance("other", "a", t0));
    }

    @Test
    void duplicateCreateIsRejected() {
        create("a");

        InstanceExistsException e = assertThrows(InstanceExistsException.class,
                () -> store.createInstance(instance(G, "a", t0 + 10), TTL));
        assertEquals(G, e.group());
        assertEquals("a", e.name());
        store.createInstance(instance("other-group", "a", t0), TTL);
    }

    @Test
    void createRequiresNoSubscription() {
        ConsumerInstance subscribed = instance(G, "a", t0).withSubscription(Subscription.topics(List.of("t")));
        assertThrows(IllegalArgumentException.class, () -> store.createInstance(subscribed, TTL));
    }

    @Test
    void instanceExpiresAfterTtlUnlessTouched() {
        store.createInstance(instance(G, "a", t0), 1_000);
        store.touch(G, "a", t0 + 500, 1_000);

        assertTrue(store.instance(G, "a", t0 + 1_499).isPresent());
        long expired = t0 + 1_500;
        assertEquals(Optional.empty(), store.instance(G, "a", expired));
        assertThrows(InstanceNotFoundException.class, () -> store.touch(G, "a", expired, 1_000));
        assertThrows(InstanceNotFoundException.class,
                () -> store.beginPoll(G, "a", "", "r", expired, LEASE, SESSION, 1_000));
        assertThrows(InstanceNotFoundException.class, () -> store.positions(G, "a", expired));
        assertThrows(InstanceNotFoundException.class, () -> store.deleteInstance(G, "a", expired));
        assertThrows(InstanceNotFoundException.class, () -> store.recordCommit(G, "a", expired));
        assertThrows(InstanceNotFoundException.class,
                () -> store.updateSubscription(G, "a", Subscription.none(), expired, 1_000));
        assertEquals(List.of(), store.instances(G, expired));

        store.createInstance(instance(G, "a", expired), TTL);
        assertTrue(store.instance(G, "a", expired).isPresent());
    }

    @Test
    void beginPollExtendsTheInstancesLife() {
        store.createInstance(instance(G, "a", t0), 1_000);
        store.updateSubscription(G, "a", Subscription.partitions(List.of(T0P0)), t0, 1_000);
        PollLease lease = store.beginPoll(G, "a", "", "r", t0 + 900, LEASE, SESSION, 1_000);
        store.endPoll(G, "a", lease.fencingToken(), Map.of());

        assertTrue(store.instance(G, "a", t0 + 1_899).isPresent());
        assertFalse(store.instance(G, "a", t0 + 1_900).isPresent());
    }

    @Test
    void subscriptionModeRulesFollowKafkaConsumer() {
        create("a");
        Subscription topics = Subscription.topics(List.of("t", "u"));
        Subscription manual = Subscription.partitions(List.of(T0P0));

        store.updateSubscription(G, "a", topics, t0, TTL);
        assertEquals(topics, store.instance(G, "a", t0).orElseThrow().subscription());
        SubscriptionConflictException conflict = assertThrows(SubscriptionConflictException.class,
                () -> store.updateSubscription(G, "a", manual, t0, TTL));
        assertEquals(SubscriptionMode.SUBSCRIBE, conflict.current());
        assertEquals(SubscriptionMode.ASSIGN, conflict.requested());
        assertEquals(topics, store.instance(G, "a", t0).orElseThrow().subscription());

        store.updateSubscription(G, "a", Subscription.pattern("t.*"), t0, TTL);
        assertEquals(Subscription.pattern("t.*"), store.instance(G, "a", t0).orElseThrow().subscription());
        store.updateSubscription(G, "a", Subscription.none(), t0, TTL);
        store.updateSubscription(G, "a", manual, t0, TTL);
        assertEquals(manual, store.instance(G, "a", t0).orElseThrow().subscription());
        assertThrows(SubscriptionConflictException.class, () -> store.updateSubscription(G, "a", topics, t0, TTL));
        store.updateSubscription(G, "a", Subscription.partitions(List.of(T0P1)), t0, TTL);
        assertEquals(List.of(T0P1), store.instance(G, "a", t0).orElseThrow().subscription().partitions());
    }

    @Test
    void subscribeJoinsAndUnsubscribeLeavesTheMembership() {
        create("a");
        create("b");
        assertEquals(new GroupMembership(G, Map.of(), ""), store.membership(G));

        store.updateSubscription(G, "a", Subscription.topics(List.of("t")), t0, TTL);
        GroupMembership one = store.membership(G);
        store.updateSubscription(G, "b", Subscription.pattern("t.*"), t0, TTL);
        GroupMembership two = store.membership(G);
        assertEquals(Map.of("a", Subscription.topics(List.of("t")), "b", Subscription.pattern("t.*")),
                two.members());
        assertNotEquals("", one.fingerprint());
        assertNotEquals(one.fingerprint(), two.fingerprint());

        store.updateSubscription(G, "b", Subscription.none(), t0, TTL);
        assertEquals(one, store.membership(G));
        store.updateSubscription(G, "b", Subscription.partitions(List.of(T0P0)), t0, TTL);
        assertEquals(one, store.membership(G), "assigned instances are not members");
    }

    @Test
    void subscribedInstanceRebalancesBeforeItLeases() {
        create("a");
        store.updateSubscription(G, "a", Subscription.topics(List.of("t")), t0, TTL);

        PollLease first = begin("a", t0 + 1);
        assertTrue(first.rebalanceNeeded());
        assertEquals(0, first.fencingToken());
        assertEquals(0, first.generation());
        assertEquals(List.of(), first.partitions());

        long generation = rebalance(Map.of("a", List.of(T0P1, T0P0)));
        PollLease second = begin("a", t0 + 2);
        assertFalse(second.rebalanceNeeded());
        assertTrue(second.fencingToken() > 0);
        assertEquals(generation, second.generation());
        assertEquals(List.of(T0P0, T0P1), second.partitions());
        assertEquals(Map.of(), second.positions());
        assertEquals("a", second.instance().name());

        assertTrue(store.endPoll(G, "a", second.fencingToken(), Map.of(T0P0, 5L, T0P1, 7L)));
        assertEquals(Map.of(T0P0, 5L, T0P1, 7L), store.positions(G, "a", t0 + 3));
        assertEquals(Map.of(T0P0, 5L, T0P1, 7L), begin("a", t0 + 4).positions());
    }

    @Test
    void leaseIsExclusiveUntilReleasedOrLapsed() {
        PollLease first = assigned("a", List.of(T0P0), t0);

        LeaseBusyException busy = assertThrows(LeaseBusyException.class,
                () -> store.beginPoll(G, "a", "", "replica-b", t0 + 1, LEASE, SESSION, TTL));
        assertEquals("replica-a", busy.holderReplicaId());
        assertEquals(t0 + LEASE, busy.expiresAtMs());

        assertTrue(store.endPoll(G, "a", first.fencingToken(), Map.of(T0P0, 3L)));
        assertFalse(store.endPoll(G, "a", first.fencingToken(), Map.of(T0P0, 4L)), "released token is void");
        PollLease second = begin("a", t0 + 2);
        assertTrue(second.fencingToken() > first.fencingToken());
        assertEquals(Map.of(T0P0, 3L), second.positions());
    }

    @Test
    void leaseLastsTheRequestsWaitPlusTheMarginAndWithoutOneTheInstancesRequestTimeout() {
        create("a");
        // no wait given: the instance's request timeout (5 s) plus the margin; nobody ends this lease (its
        // replica died mid-poll), so the instance is free once it lapses
        PollLease abandoned = store.beginPoll(G, "a", "", "replica-a", t0, OptionalLong.empty(), 500, SESSION, TTL);
        LeaseBusyException busy = assertThrows(LeaseBusyException.class, () -> store.beginPoll(G, "a", "",
                "replica-b", t0 + 5_499, OptionalLong.of(1_000), 500, SESSION, TTL));
        assertEquals(t0 + 5_500, busy.expiresAtMs());
        PollLease next = store.beginPoll(G, "a", "", "replica-b", t0 + 5_500, OptionalLong.of(1_000), 500, SESSION,
                TTL);
        assertTrue(next.fencingToken() > abandoned.fencingToken());

        // a wait given: that wait, whatever the instance's timeout
        busy = assertThrows(LeaseBusyException.class, () -> store.beginPoll(G, "a", "", "replica-c", t0 + 6_999,
                OptionalLong.empty(), 500, SESSION, TTL));
        assertEquals(t0 + 7_000, busy.expiresAtMs());
        assertTrue(store.beginPoll(G, "a", "", "replica-c", t0 + 7_000, OptionalLong.empty(), 500, SESSION, TTL)
                .fencingToken() > next.fencingToken());
    }

    @Test
    void staleTokenWritesNothingAfterTakeover() {
        PollLease stale = assigned("a", List.of(T0P0), t0);

        PollLease takeover = store.beginPoll(G, "a", "", "replica-b", t0 + LEASE, LEASE, SESSION, TTL);
        assertTrue(takeover.fencingToken() > stale.fencingToken());

        assertFalse(store.endPoll(G, "a", stale.fencingToken(), Map.of(T0P0, 100L)));
        assertEquals(Map.of(), store.positions(G, "a", t0 + LEASE));
        assertTrue(store.endPoll(G, "a", takeover.fencingToken(), Map.of(T0P0, 50L)));
        assertEquals(Map.of(T0P0, 50L), store.positions(G, "a", t0 + LEASE));
    }

    @Test
    void endPollWritesOnlyOwnedPartitions() {
        PollLease lease = assigned("a", List.of(T0P0), t0);

        assertTrue(store.endPoll(G, "a", lease.fencingToken(), Map.of(T0P0, 1L, T0P1, 2L)));
        assertEquals(Map.of(T0P0, 1L), store.positions(G, "a", t0));
    }

    @Test
    void endPollRejectsNegativeOffsets() {
        PollLease lease = assigned("a", List.of(T0P0), t0);
        assertThrows(IllegalArgumentException.class,
                () -> store.endPoll(G, "a", lease.fencingToken(), Map.of(T0P0, -1L)));
    }

    @Test
    void otherPrincipalGetsNotFound() {
        store.createInstance(new ConsumerInstance(G, "a", new InstanceConfig("json", "latest", false, 1, 1_000),
                "User:alice", t0, Subscription.none()), TTL);

        assertThrows(InstanceNotFoundException.class,
                () -> store.beginPoll(G, "a", "User:bob", "r", t0, LEASE, SESSION, TTL));
        assertTrue(store.beginPoll(G, "a", "User:alice", "r", t0, LEASE, SESSION, TTL).fencingToken() > 0);
    }

    @Test
    void memberWithoutHeartbeatIsDroppedAndItsPositionsGoWithTheNextAssignment() {
        create("a");
        create("b");
        store.updateSubscription(G, "a", Subscription.topics(List.of("t")), t0, TTL);
        store.updateSubscription(G, "b", Subscription.topics(List.of("t")), t0, TTL);
        rebalance(Map.of("a", List.of(T0P0), "b", List.of(T0P1)));
        PollLease b = begin("b", t0);
        store.endPoll(G, "b", b.fencingToken(), Map.of(T0P1, 42L));

        long later = t0 + SESSION + 1;
        PollLease a = begin("a", later);
        assertTrue(a.rebalanceNeeded());
        assertEquals(List.of("a"), List.copyOf(store.membership(G).members().keySet()));
        assertTrue(store.instance(G, "b", later).isPresent(), "a dropped member is still an instance");

        GroupMembership membership = store.membership(G);
        AssignmentUpdate update = store.storeAssignment(G, membership.fingerprint(),
                store.assignment(G).generation() + 1, Map.of("a", List.of(T0P0, T0P1)));
        assertTrue(update.stored());
        assertEquals(Map.of("b", Map.of(T0P1, 42L)), update.revokedPositions());
        assertEquals(Map.of(), store.positions(G, "b", later));

        PollLease rejoined = begin("b", later + 1);
        assertTrue(rejoined.rebalanceNeeded(), "a dropped member that polls again rejoins");
        assertEquals(List.of("a", "b"), List.copyOf(store.membership(G).members().keySet()));
    }

    @Test
    void memberWithRecentHeartbeatStays() {
        create("a");
        create("b");
        store.updateSubscription(G, "a", Subscription.topics(List.of("t")), t0, TTL);
        store.updateSubscription(G, "b", Subscription.topics(List.of("t")), t0, TTL);
        rebalance(Map.of("a", List.of(T0P0), "b", List.of(T0P1)));

        PollLease a = begin("a", t0 + SESSION);
        assertFalse(a.rebalanceNeeded());
        assertEquals(2, store.membership(G).members().size());
    }

    @Test
    void storeAssignmentIsACompareAndSet() {
        create("a");
        assertFalse(store.storeAssignment(G, "", 1, Map.of()).stored(), "no members, nothing to assign");
        store.updateSubscription(G, "a", Subscription.topics(List.of("t")), t0, TTL);
        GroupMembership membership = store.membership(G);
        Map<String, List<PartitionRef>> proposal = Map.of("a", List.of(T0P0));

        assertEquals(AssignmentUpdate.REJECTED, store.storeAssignment(G, "stale", 1, proposal));
        assertFalse(store.storeAssignment(G, membership.fingerprint(), 0, proposal).stored());
        assertTrue(store.storeAssignment(G, membership.fingerprint(), 1, proposal).stored());
        assertFalse(store.storeAssignment(G, membership.fingerprint(), 1, proposal).stored(),
                "a concurrent rebalance with the same generation loses");
        assertEquals(new GroupAssignment(1, membership.fingerprint(), proposal), store.assignment(G));

        create("b");
        store.updateSubscription(G, "b", Subscription.topics(List.of("t")), t0, TTL);
        assertFalse(store.storeAssignment(G, membership.fingerprint(), 2, proposal).stored(),
                "membership changed since it was read");
        assertEquals(GroupAssignment.EMPTY, store.assignment("unknown"));
    }

    @Test
    void lostPartitionsLoseTheirPositions() {
        create("a");
        store.updateSubscription(G, "a", Subscription.topics(List.of("t")), t0, TTL);
        rebalance(Map.of("a", List.of(T0P0, T0P1)));
        PollLease a = begin("a", t0);
        store.endPoll(G, "a", a.fencingToken(), Map.of(T0P0, 10L, T0P1, 20L));

        create("b");
        store.updateSubscription(G, "b", Subscription.topics(List.of("t")), t0 + 1, TTL);
        assertTrue(begin("b", t0 + 1).rebalanceNeeded());
        GroupMembership membership = store.membership(G);
        AssignmentUpdate update = store.storeAssignment(G, membership.fingerprint(), 2,
                Map.of("a", List.of(T0P0), "b", List.of(T0P1)));

        assertEquals(Map.of("a", Map.of(T0P1, 20L)), update.revokedPositions());
        assertEquals(Map.of(T0P0, 10L), store.positions(G, "a", t0 + 2));
        assertEquals(Map.of(), store.positions(G, "b", t0 + 2), "a gained partition has no position of b's own");
        PollLease b = begin("b", t0 + 2);
        assertEquals(List.of(T0P1), b.partitions());
        assertEquals(Map.of(T0P1, 20L), b.positions(), "the auto-commit member handed its position over");
    }

    @Test
    void handoverGoesToTheNextOwnerUntilItStoresAPositionAndOnlyFromAutoCommitInstances() {
        create("a");
        createWithoutAutoCommit("m");
        store.updateSubscription(G, "a", Subscription.topics(List.of("t")), t0, TTL);
        rebalance(Map.of("a", List.of(T0P0, T0P1)));
        PollLease a = begin("a", t0);
        store.endPoll(G, "a", a.fencingToken(), Map.of(T0P0, 10L, T0P1, 20L));

        store.updateSubscription(G, "m", Subscription.topics(List.of("t")), t0 + 1, TTL);
        rebalance(Map.of("a", List.of(T0P0), "m", List.of(T0P1)));
        PollLease m = begin("m", t0 + 2);
        assertEquals(Map.of(T0P1, 20L), m.positions());
        assertTrue(store.endPoll(G, "m", m.fencingToken(), Map.of()), "releasing without positions");
        PollLease again = begin("m", t0 + 3);
        assertEquals(Map.of(T0P1, 20L), again.positions(), "a lease released without positions keeps the handover");
        assertTrue(store.endPoll(G, "m", again.fencingToken(), Map.of(T0P1, 23L)));

        AssignmentUpdate back = store.storeAssignment(G, store.membership(G).fingerprint(), 3,
                Map.of("a", List.of(T0P0, T0P1), "m", List.of()));
        assertEquals(Map.of("m", Map.of(T0P1, 23L)), back.revokedPositions());
        PollLease returned = begin("a", t0 + 4);
        assertEquals(Map.of(T0P0, 10L), returned.positions(),
                "m stored its own position, which ended the handover, and m does not auto-commit: T0P1 resolves "
                        + "from Kafka's committed offset");
    }

    @Test
    void releaseHandoverEndsOnlyTheEntriesKafkaHolds() {
        PollLease a = assigned("a", List.of(T0P0, T0P1), t0);
        store.endPoll(G, "a", a.fencingToken(), Map.of(T0P0, 10L, T0P1, 20L));
        store.deleteInstance(G, "a", t0 + 1);

        store.releaseHandover(G, Map.of(T0P0, 9L, T0P1, 20L));
        store.releaseHandover("unknown-group", Map.of(T0P0, 10L));
        PollLease b = assigned("b", List.of(T0P0, T0P1), t0 + 2);
        assertEquals(Map.of(T0P0, 10L), b.positions(), "T0P1 was committed; T0P0's entry holds another offset");
    }

    @Test
    void deletedUnsubscribedAndSweptAutoCommitInstancesHandTheirPositionsOver() {
        PollLease deleted = assigned("deleted", List.of(T0P0), t0);
        store.endPoll(G, "deleted", deleted.fencingToken(), Map.of(T0P0, 7L));
        PollLease unsubscribed = assigned("unsubscribed", List.of(T0P1), t0);
        store.endPoll(G, "unsubscribed", unsubscribed.fencingToken(), Map.of(T0P1, 8L));
        store.createInstance(instance(G, "expired", t0), 1_000);
        store.updateSubscription(G, "expired", Subscription.partitions(List.of(T0P2)), t0, 1_000);
        PollLease expired = store.beginPoll(G, "expired", "", "r", t0, LEASE, SESSION, 1_000);
        store.endPoll(G, "expired", expired.fencingToken(), Map.of(T0P2, 9L));
        createWithoutAutoCommit("manual");
        store.updateSubscription(G, "manual", Subscription.partitions(List.of(new PartitionRef("u", 0))), t0, TTL);
        PollLease manual = begin("manual", t0);
        store.endPoll(G, "manual", manual.fencingToken(), Map.of(new PartitionRef("u", 0), 5L));

        store.deleteInstance(G, "deleted", t0 + 1);
        store.updateSubscription(G, "unsubscribed", Subscription.none(), t0 + 1, TTL);
        store.deleteInstance(G, "manual", t0 + 1);
        assertEquals(1, store.sweepExpired("r", t0 + 2_000, 1_000, SESSION).size());

        store.createInstance(instance(G, "next", t0 + 2_000), TTL);
        store.updateSubscription(G, "next", Subscription.partitions(List.of(T0P0, T0P1, T0P2,
                new PartitionRef("u", 0))), t0 + 2_000, TTL);
        assertEquals(Map.of(T0P0, 7L, T0P1, 8L, T0P2, 9L), begin("next", t0 + 2_000).positions());
    }

    @Test
    void positionsOfRevokedPartitionsAreNotWrittenByAnInFlightPoll() {
        create("a");
        store.updateSubscription(G, "a", Subscription.topics(List.of("t")), t0, TTL);
        rebalance(Map.of("a", List.of(T0P0, T0P1)));
        PollLease inFlight = begin("a", t0);

        create("b");
        store.updateSubscription(G, "b", Subscription.topics(List.of("t")), t0 + 1, TTL);
        rebalance(Map.of("a", List.of(T0P0), "b", List.of(T0P1)));

        assertTrue(store.endPoll(G, "a", inFlight.fencingToken(), Map.of(T0P0, 10L, T0P1, 20L)));
        assertEquals(Map.of(T0P0, 10L), store.positions(G, "a", t0 + 2));
    }

    @Test
    void changingTheSubscriptionReturnsDroppedPositions() {
        PollLease lease = assigned("a", List.of(T0P0, T0P1), t0);
        store.endPoll(G, "a", lease.fencingToken(), Map.of(T0P0, 1L, T0P1, 2L));

        assertEquals(Map.of(T0P0, 1L),
                store.updateSubscription(G, "a", Subscription.partitions(List.of(T0P1, T0P2)), t0, TTL));
        assertEquals(Map.of(T0P1, 2L), store.positions(G, "a", t0));
        assertEquals(Map.of(T0P1, 2L), store.updateSubscription(G, "a", Subscription.none(), t0, TTL));
        assertEquals(Map.of(), store.positions(G, "a", t0));
    }

    @Test
    void unsubscribedMemberLeavesTheAssignment() {
        create("a");
        store.updateSubscription(G, "a", Subscription.topics(List.of("t")), t0, TTL);
        rebalance(Map.of("a", List.of(T0P0)));
        store.updateSubscription(G, "a", Subscription.none(), t0, TTL);

        assertEquals(List.of(), store.assignment(G).partitionsOf("a"));
        store.updateSubscription(G, "a", Subscription.partitions(List.of(T0P0)), t0, TTL);
        PollLease lease = begin("a", t0);
        assertEquals(List.of(T0P0), lease.partitions());
        store.endPoll(G, "a", lease.fencingToken(), Map.of(T0P0, 9L));
        assertEquals(Map.of(T0P0, 9L), store.positions(G, "a", t0));
    }

    @Test
    void deleteReturnsLastPositionsAndVoidsTheLease() {
        PollLease first = assigned("a", List.of(T0P0), t0);
        store.endPoll(G, "a", first.fencingToken(), Map.of(T0P0, 77L));
        PollLease held = begin("a", t0 + 1);

        RemovedInstance removed = store.deleteInstance(G, "a", t0 + 2);
        assertEquals("a", removed.instance().name());
        assertEquals(Map.of(T0P0, 77L), removed.positions());
        assertFalse(store.endPoll(G, "a", held.fencingToken(), Map.of(T0P0, 99L)));
        assertEquals(Optional.empty(), store.instance(G, "a", t0 + 3));
        assertThrows(InstanceNotFoundException.class, () -> store.deleteInstance(G, "a", t0 + 3));

        store.createInstance(instance(G, "a", t0 + 4), TTL);
        assertEquals(Map.of(), store.positions(G, "a", t0 + 4), "a recreated instance starts afresh");
    }

    @Test
    void deletedMemberLeavesMembershipAndAssignment() {
        create("a");
        create("b");
        store.updateSubscription(G, "a", Subscription.topics(List.of("t")), t0, TTL);
        store.updateSubscription(G, "b", Subscription.topics(List.of("t")), t0, TTL);
        rebalance(Map.of("a", List.of(T0P0), "b", List.of(T0P1)));

        store.deleteInstance(G, "b", t0 + 1);
        assertEquals(List.of("a"), List.copyOf(store.membership(G).members().keySet()));
        assertEquals(List.of(), store.assignment(G).partitionsOf("b"));
        assertTrue(begin("a", t0 + 2).rebalanceNeeded());
    }

    @Test
    void concurrentBeginPollGrantsTheLeaseToExactlyOne() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String name = "c" + round;
                create(name);
                store.updateSubscription(G, name, Subscription.partitions(List.of(T0P0)), t0, TTL);
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<Long>> attempts = new ArrayList<>();
                for (String replica : List.of("r1", "r2")) {
                    Callable<Long> attempt = () -> {
                        start.await(5, TimeUnit.SECONDS);
                        try {
                            return store.beginPoll(G, name, "", replica, t0 + 1, LEASE, SESSION, TTL)
                                    .fencingToken();
                        } catch (LeaseBusyException e) {
                            return 0L;
                        }
                    };
                    attempts.add(pool.submit(attempt));
                }
                long winners = 0;
                for (Future<Long> attempt : attempts) {
                    winners += attempt.get(10, TimeUnit.SECONDS) > 0 ? 1 : 0;
                }
                assertEquals(1, winners, "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void commitTimeIsRecorded() {
        PollLease first = assigned("a", List.of(T0P0), t0);
        assertEquals(t0, first.lastCommitMs());
        store.endPoll(G, "a", first.fencingToken(), Map.of());

        store.recordCommit(G, "a", t0 + 10);
        PollLease second = begin("a", t0 + 20);
        assertEquals(t0 + 10, second.lastCommitMs());
        assertEquals(t0 + 10, store.instances(G, t0 + 20).get(0).lastCommitMs());
    }

    @Test
    void instancesAreListedWithTheirPartitions() {
        create("sub");
        create("man");
        create("idle");
        store.updateSubscription(G, "sub", Subscription.topics(List.of("t")), t0, TTL);
        store.updateSubscription(G, "man", Subscription.partitions(List.of(T0P2)), t0, TTL);
        rebalance(Map.of("sub", List.of(T0P0, T0P1)));

        List<InstanceDescription> listed = store.instances(G, t0 + 1);
        assertEquals(List.of("idle", "man", "sub"), listed.stream().map(d -> d.instance().name()).toList());
        assertEquals(List.of(), listed.get(0).partitions());
        assertEquals(List.of(T0P2), listed.get(1).partitions());
        assertEquals(List.of(T0P0, T0P1), listed.get(2).partitions());
    }

    @Test
    void sweepRemovesExpiredInstancesOnceUnderALock() {
        long lock = 10_000;
        store.createInstance(instance(G, "short", t0), 1_000);
        store.updateSubscription(G, "short", Subscription.partitions(List.of(T0P0)), t0, 1_000);
        PollLease lease = store.beginPoll(G, "short", "", "r", t0, LEASE, SESSION, 1_000);
        store.endPoll(G, "short", lease.fencingToken(), Map.of(T0P0, 12L));
        create("long");
        store.createInstance(instance("gone", "x", t0), 1_000);

        List<RemovedInstance> swept = store.sweepExpired("r1", t0 + 2_000, lock, SESSION);
        assertEquals(2, swept.size());
        RemovedInstance shortLived = swept.stream().filter(r -> r.instance().name().equals("short")).findFirst()
                .orElseThrow();
        assertEquals(Map.of(T0P0, 12L), shortLived.positions());
        assertEquals(List.of("long"), store.instances(G, t0 + 2_000).stream().map(d -> d.instance().name()).toList());
        assertEquals(List.of(G), store.groups(), "an emptied group leaves the index");

        store.createInstance(instance(G, "later", t0 + 2_000), 1);
        assertEquals(List.of(), store.sweepExpired("r2", t0 + 2_500, lock, SESSION), "r1 holds the lock");
        assertEquals(List.of("later"), store.sweepExpired("r2", t0 + 2_000 + lock, lock, SESSION).stream()
                .map(r -> r.instance().name()).toList());
        assertEquals(List.of(), store.sweepExpired("r1", t0 + 2_000 + 2 * lock, lock, SESSION),
                "each instance once");
    }

    @Test
    void sweepDropsTimedOutMembers() {
        create("a");
        store.updateSubscription(G, "a", Subscription.topics(List.of("t")), t0, TTL);

        store.sweepExpired("r", t0 + SESSION + 1, 1_000, SESSION);
        assertEquals(Map.of(), store.membership(G).members());
        assertTrue(store.instance(G, "a", t0 + SESSION + 1).isPresent());
    }

    @Test
    void closedStoreRefusesWork() {
        store.close();
        assertThrows(IllegalStateException.class, () -> store.instance(G, "a", t0));
        store.close();
    }
}
