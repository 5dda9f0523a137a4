package io.github.krest.state.redis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.github.krest.testing.FreePorts;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A real Redis Cluster of {@code redis-server} processes on free loopback ports (no persistence), for one test
 * class: the nodes meet each other, the 16,384 slots are split into equal ranges, one per master (nodes
 * {@code 0..masters-1}), each master gets its replicas (the nodes after the masters, in order), and {@link #start}
 * returns once every node reports {@code cluster_state:ok} and knows every node, and every replica's link to its
 * master is up. {@link #startSecured} adds TLS (clients and the cluster bus) and an ACL user to every node.
 * Built with plain cluster commands (CLUSTER MEET, ADDSLOTS) rather than {@code redis-cli --cluster create}, so the
 * embedded-redis binary (no redis-cli) serves as well as Debian's.
 */
public final class RedisClusterProcess implements AutoCloseable {
    private static final int SLOTS = 16_384;

    private final List<RedisServerProcess> nodes;
    private final List<Integer> tlsPorts;
    private final int masters;
    private final Security security;

    private RedisClusterProcess(List<RedisServerProcess> nodes, List<Integer> tlsPorts, int masters,
                                Security security) {
        this.nodes = nodes;
        this.tlsPorts = tlsPorts;
        this.masters = masters;
        this.security = security;
    }

    /**
     * TLS and an ACL user for every node of a {@link #startSecured} cluster.
     *
     * @param certificateAndKey a PEM file with the nodes' key and certificate chain (one for all nodes: it must name
     *                          127.0.0.1); the nodes also present it to each other on the cluster bus
     * @param caCertificate     a PEM file of the CA the nodes trust on the cluster bus
     * @param user              the only enabled ACL user (every command, key and channel); the default user is off
     * @param password          its password
     */
    public record Security(Path certificateAndKey, Path caCertificate, String user, String password) {
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
        return start(masters, replicas, null);
    }

    /**
     * Like {@link #start(int, int)}, with every node also on a TLS port ({@code tls-cluster} and
     * {@code tls-replication} on, client certificates not required) and with {@code security}'s user as its only
     * user; the plain ports stay open for {@link #admin}, which logs in as that user. A Redis built without TLS
     * (the embedded-redis fallback) cannot start these nodes.
     *
     * @param masters  how many masters, {@code >= 1}
     * @param replicas replicas per master, {@code >= 0}
     * @param security the nodes' certificate and user
     * @return the running cluster; {@link #tlsUrl} is its {@code redis.url}
     * @throws IllegalStateException if a node does not start or the cluster does not converge within 20 s
     */
    public static RedisClusterProcess startSecured(int masters, int replicas, Security security) {
        return start(masters, replicas, Objects.requireNonNull(security, "security"));
    }

    private static RedisClusterProcess start(int masters, int replicas, Security security) {
        List<RedisServerProcess> nodes = new ArrayList<>();
        List<Integer> tlsPorts = new ArrayList<>();
        RedisClusterProcess cluster = new RedisClusterProcess(nodes, tlsPorts, masters, security);
        try {
            int size = masters * (1 + replicas);
            for (int i = 0; i < size; i++) {
                List<String> options = new ArrayList<>();
                if (security != null) {
                    int tlsPort = FreePorts.nextWith(RedisServerProcess.CLUSTER_BUS_OFFSET);
                    tlsPorts.add(tlsPort);
                    String pem = security.certificateAndKey().toString();
                    options.addAll(List.of("--tls-port", Integer.toString(tlsPort), "--tls-cluster", "yes",
                            "--tls-replication", "yes", "--tls-cert-file", pem, "--tls-key-file", pem,
                            "--tls-ca-cert-file", security.caCertificate().toString(), "--tls-auth-clients", "no",
                            "--user", security.user(), "on", ">" + security.password(), "~*", "&*", "+@all",
                            "--user", "default", "off",
                            "--masteruser", security.user(), "--masterauth", security.password()));
                }
                nodes.add(RedisServerProcess.startClusterNode(options));
            }
            for (int i = 0; i < size; i++) {
                try (Jedis node = cluster.admin(i)) {
                    if (i < masters) {
                        node.clusterAddSlots(IntStream.range(cluster.firstSlot(i), cluster.firstSlot(i + 1))
                                .toArray());
                    }
                    if (i > 0) {
                        // the cluster bus listens at the client port + 10000, the TLS one with tls-cluster
                        node.clusterMeet("127.0.0.1", security == null ? nodes.getFirst().port()
                                : tlsPorts.getFirst());
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

    /**
     * @return the nodes' TLS ports as {@code rediss://user:password@127.0.0.1:port}, comma-separated: the
     *         {@code redis.url} of a {@link #startSecured} cluster
     * @throws IllegalStateException if the cluster was started without TLS
     */
    public String tlsUrl() {
        if (security == null) {
            throw new IllegalStateException("this cluster was started without TLS");
        }
        return String.join(",", tlsPorts.stream().map(port -> "rediss://" + security.user() + ":"
                + security.password() + "@127.0.0.1:" + port).toList());
    }

    /** @return the number of nodes, masters and replicas */
    public int size() {
        return nodes.size();
    }

    /** @return the number of masters the cluster started with (nodes {@code 0..masters-1}) */
    public int masters() {
        return masters;
    }

    /**
     * @return a plain (not cluster-aware, not TLS) connection to node {@code i}, logged in as the
     *         {@link Security} user if there is one, for inspecting or flushing that node
     */
    public Jedis admin(int i) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder();
        if (security != null) {
            config.user(security.user()).password(security.password());
        }
        return new Jedis(new HostAndPort("127.0.0.1", nodes.get(i).port()), config.build());
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
