package io.github.krest.state.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A real Redis Cluster of {@code redis-server} processes on free loopback ports (no persistence), for one test
 * class: the nodes meet each other, the 16,384 slots are split into equal ranges, one per master (nodes
 * {@code 0..masters-1}), each master gets its replicas (the nodes after the masters, in order), and {@link #start}
 * returns once every node reports {@code cluster_state:ok} and knows every node, and every replica's link to its
 * master is up.
 * Built with plain cluster commands (CLUSTER MEET, ADDSLOTS) rather than {@code redis-cli --cluster create}, so the
 * embedded-redis binary (no redis-cli) serves as well as Debian's.
 */
public final class RedisClusterProcess implements AutoCloseable {
    private static final int SLOTS = 16_384;

    private final List<RedisServerProcess> nodes;
    private final int masters;

    private RedisClusterProcess(List<RedisServerProcess> nodes, int masters) {
        this.nodes = nodes;
        this.masters = masters;
    }

    /**
     * @param masters how many nodes, each the master of an equal share of the slots, {@code >= 1}
     * @return the running cluster, without replicas
     * @throws IllegalStateException if it does not converge within 20 s
     */
    public static RedisClusterProcess start(int masters) {
        return start(masters, 0);
    }

    /**
     * @param masters  how many masters, each of an equal share of the slots, {@code >= 1}
     * @param replicas replicas per master, {@code >= 0}: node {@code masters + m * replicas + r} replicates master m
     * @return the running cluster
     * @throws IllegalStateException if it does not converge within 20 s
     */
    public static RedisClusterProcess start(int masters, int replicas) {
        List<RedisServerProcess> nodes = new ArrayList<>();
        RedisClusterProcess cluster = new RedisClusterProcess(nodes, masters);
        try {
            int size = masters * (1 + replicas);
            for (int i = 0; i < size; i++) {
                nodes.add(RedisServerProcess.startClusterNode());
            }
            for (int i = 0; i < size; i++) {
                try (Jedis node = cluster.admin(i)) {
                    if (i < masters) {
                        node.clusterAddSlots(IntStream.range(cluster.firstSlot(i), cluster.firstSlot(i + 1))
                                .toArray());
                    }
                    if (i > 0) {
                        node.clusterMeet("127.0.0.1", nodes.getFirst().port());
                    }
                }
            }
            cluster.awaitConverged(size);
            for (int i = masters; i < size; i++) {
                String master;
                try (Jedis node = cluster.admin((i - masters) / replicas)) {
                    master = node.clusterMyId();
                }
                try (Jedis node = cluster.admin(i)) {
                    node.clusterReplicate(master);
                }
            }
            cluster.awaitConverged(size);
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void awaitConverged(int size) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            boolean ok = true;
            for (int i = 0; i < nodes.size() && ok; i++) {
                try (Jedis node = admin(i)) {
                    String info = node.clusterInfo();
                    ok = info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + size + "\r");
                    String replication = node.info("replication");
                    ok &= !replication.contains("role:slave") || replication.contains("master_link_status:up");
                }
            }
            if (ok) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the Redis Cluster did not converge in 20 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** @return the first slot of master {@code i}'s range (of master {@code masters}: one past the last slot) */
    private int firstSlot(int i) {
        return i * SLOTS / masters;
    }

    /**
     * @param key a key (its hash tag decides its slot, as in Redis)
     * @return the index of the master that {@link #start} gave the key's slot; a failover later moves it
     */
    public int initialMasterOf(String key) {
        int slot = JedisClusterCRC16.getSlot(key);
        int master = 0;
        while (slot >= firstSlot(master + 1)) {
            master++;
        }
        return master;
    }

    /** @return the nodes as {@code redis://127.0.0.1:port}, comma-separated: a cluster {@code redis.url} */
    public String url() {
        return String.join(",", nodes.stream().map(RedisServerProcess::url).toList());
    }

    /** @return the number of nodes, masters and replicas */
    public int size() {
        return nodes.size();
    }

    /** @return the number of masters the cluster started with (nodes {@code 0..masters-1}) */
    public int masters() {
        return masters;
    }

    /** @return a plain (not cluster-aware) connection to node {@code i}, for inspecting or flushing that node */
    public Jedis admin(int i) {
        return new Jedis("127.0.0.1", nodes.get(i).port());
    }

    /** @return node {@code i}'s process, to stop or restart it */
    public RedisServerProcess node(int i) {
        return nodes.get(i);
    }

    /** Deletes every key on every node that is a master now (the replicas follow). */
    public void flushAll() {
        for (int i = 0; i < nodes.size(); i++) {
            try (Jedis node = admin(i)) {
                if (node.info("replication").contains("role:master")) {
                    node.flushAll();
                }
            }
        }
    }

    @Override
    public void close() {
        nodes.forEach(RedisServerProcess::close);
    }
}
