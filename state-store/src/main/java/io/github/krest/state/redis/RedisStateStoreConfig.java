package io.github.krest.state.redis;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link RedisConsumerStateStore} reaches Redis.
 *
 * @param url              {@code redis://[[user:]password@]host[:port][/db]}, or {@code rediss://...} for TLS
 *                         (JVM default trust store). Port defaults to 6379, db to 0. User and password are
 *                         percent-decoded; a user info without {@code :} is a password (Redis URI convention, as in
 *                         Jedis). With {@link Topology.Cluster}: one or more seed nodes of the Redis Cluster, comma-separated
 *                         ({@code redis://:pw@10.0.0.1:7000,redis://:pw@10.0.0.2:7000}), all with the same scheme,
 *                         user and password and database 0 (the only one a cluster has); the client learns the other
 *                         nodes from whichever seed answers. A comma inside a password is written {@code %2C}.
 *                         With {@link Topology.Sentinel}: the Redis Sentinels that watch the master, comma-separated
 *                         in the same way; the scheme, user, password and database are those of the master (and
 *                         TLS applies to the Sentinels too).
 * @param topology         one server, a Redis Cluster (slots spread over several masters), or a master watched by
 *                         Redis Sentinel
 * @param connectTimeoutMs how long opening a connection may take, in ms, {@code > 0}; also the longest wait for a
 *                         pooled connection. Keep it short: an unreachable Redis must fail requests fast.
 * @param socketTimeoutMs  how long one command may take, in ms, {@code > 0}; the scripts run in microseconds
 * @param maxConnections   connection pool size (per node on a cluster), {@code > 0}; one connection serves one
 *                         command at a time
 * @param expiryGraceMs    how long an instance's keys outlive its deadline, in ms, {@code >= 0}: the instance is
 *                         gone for every operation at its deadline, but its positions stay readable this long so a
 *                         sweep can commit them. Must exceed the sweep interval.
 */
public record RedisStateStoreConfig(String url, Topology topology, int connectTimeoutMs, int socketTimeoutMs,
                                    int maxConnections, long expiryGraceMs) {

    /** What {@code url} names. */
    public sealed interface Topology {
        /** One Redis server (perhaps a managed one that fails over behind its one address). */
        Topology SERVER = new Server();
        /** A Redis Cluster's seed nodes. */
        Topology CLUSTER = new Cluster();

        /** One server: {@code url} is its address. */
        record Server() implements Topology {
        }

        /** A Redis Cluster: {@code url} lists seed nodes. */
        record Cluster() implements Topology {
        }

        /**
         * A master and its replicas watched by Redis Sentinel: {@code url} lists the Sentinels, which name the
         * current master; the client follows it through a failover.
         *
         * @param master   the monitored master's name, as in {@code sentinel monitor <name> ...}
         * @param password the Sentinels' own password ({@code requirepass} in sentinel.conf), empty for none
         */
        record Sentinel(String master, Optional<String> password) implements Topology {
            public Sentinel {
                Objects.requireNonNull(master, "master");
                Objects.requireNonNull(password, "password");
                if (master.isBlank()) {
                    throw new IllegalArgumentException("the Sentinel master name is empty");
                }
            }

            @Override
            public String toString() {
                return "Sentinel[master=" + master + password.map(p -> ", password=***").orElse("") + "]";
            }
        }
    }

    /** Default {@code connectTimeoutMs}. */
    public static final int DEFAULT_CONNECT_TIMEOUT_MS = 500;
    /** Default {@code socketTimeoutMs}. */
    public static final int DEFAULT_SOCKET_TIMEOUT_MS = 2_000;
    /** Default {@code maxConnections}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    /** Default {@code expiryGraceMs}. */
    public static final long DEFAULT_EXPIRY_GRACE_MS = 120_000;

    private static final int DEFAULT_PORT = 6379;

    /**
     * @throws IllegalArgumentException if the URL is malformed, lists several nodes for one server, or its
     *                                  nodes disagree on scheme or credentials, or a number is out of range
     */
    public RedisStateStoreConfig {
        Objects.requireNonNull(topology, "topology");
        nodes(url, topology);
        if (connectTimeoutMs <= 0 || socketTimeoutMs <= 0 || maxConnections <= 0 || expiryGraceMs < 0) {
            throw new IllegalArgumentException("timeouts and pool size must be > 0, grace >= 0: connectTimeoutMs="
                    + connectTimeoutMs + ", socketTimeoutMs=" + socketTimeoutMs + ", maxConnections=" + maxConnections
                    + ", expiryGraceMs=" + expiryGraceMs);
        }
    }

    /**
     * @param url as in the record description
     * @return a config with the defaults
     * @throws IllegalArgumentException if the URL is malformed
     */
    public static RedisStateStoreConfig of(String url) {
        return of(url, Topology.SERVER);
    }

    /**
     * @param url as in the record description, a Redis Cluster's seed nodes
     * @return a cluster config with the defaults
     * @throws IllegalArgumentException if the URL is malformed or its nodes disagree
     */
    public static RedisStateStoreConfig ofCluster(String url) {
        return of(url, Topology.CLUSTER);
    }

    /**
     * @param url as in the record description
     * @param topology what the URL names
     * @return a config with the defaults
     * @throws IllegalArgumentException if the URL is malformed or its nodes disagree
     */
    public static RedisStateStoreConfig of(String url, Topology topology) {
        return new RedisStateStoreConfig(url, topology, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_SOCKET_TIMEOUT_MS,
                DEFAULT_MAX_CONNECTIONS, DEFAULT_EXPIRY_GRACE_MS);
    }

    /** @return whether the URL names a Redis Cluster */
    public boolean cluster() {
        return topology instanceof Topology.Cluster;
    }

    /**
     * Checks a URL without building a config, for configuration loaders that report errors their own way.
     *
     * @param url as in the record description
     * @param topology what it names
     * @throws IllegalArgumentException as the constructor does for the URL; the message never quotes it
     */
    public static void checkUrl(String url, Topology topology) {
        nodes(url, topology);
    }

    /**
     * @return every node the URL names (one for a server), unresolved, in order
     */
    public List<InetSocketAddress> nodes() {
        return nodes(url, topology).stream().map(e -> InetSocketAddress.createUnresolved(e.host, e.port)).toList();
    }

    /** @return the (first) node's host name or address (IPv6 without brackets) */
    public String host() {
        return nodes(url, topology).getFirst().host;
    }

    /** @return the (first) node's port */
    public int port() {
        return nodes(url, topology).getFirst().port;
    }

    /** @return the ACL user, empty for the default user */
    public Optional<String> user() {
        return nodes(url, topology).getFirst().user;
    }

    /** @return the password, empty for none */
    public Optional<String> password() {
        return nodes(url, topology).getFirst().password;
    }

    /** @return the logical database index */
    public int database() {
        return nodes(url, topology).getFirst().database;
    }

    /** @return whether to use TLS ({@code rediss://}) */
    public boolean tls() {
        return nodes(url, topology).getFirst().tls;
    }

    /** @return the nodes as {@code host:port[,host:port...]}, for messages (no credentials) */
    public String describeNodes() {
        return String.join(",", nodes(url, topology).stream().map(Endpoint::hostPort).toList());
    }

    /** Masks the password, so the config can be logged. */
    @Override
    public String toString() {
        List<String> urls = new ArrayList<>();
        for (Endpoint endpoint : nodes(url, topology)) {
            String credentials = endpoint.password.map(p -> endpoint.user.orElse("") + ":***@").orElse("");
            urls.add((endpoint.tls ? "rediss" : "redis") + "://" + credentials + endpoint.hostPort() + "/"
                    + endpoint.database);
        }
        return "RedisStateStoreConfig[url=" + String.join(",", urls) + ", topology=" + topology
                + ", connectTimeoutMs=" + connectTimeoutMs
                + ", socketTimeoutMs=" + socketTimeoutMs + ", maxConnections=" + maxConnections
                + ", expiryGraceMs=" + expiryGraceMs + "]";
    }

    private record Endpoint(String host, int port, Optional<String> user, Optional<String> password, int database,
                            boolean tls) {
        String hostPort() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private static List<Endpoint> nodes(String url, Topology topology) {
        Objects.requireNonNull(url, "url");
        if (topology instanceof Topology.Server) {
            try {
                return List.of(parse(url));
            } catch (IllegalArgumentException e) {
                if (url.contains(",")) {
                    throw new IllegalArgumentException(e.getMessage()
                            + " (several comma-separated nodes name a Redis Cluster, which needs cluster mode, or "
                            + "Sentinels, which need a Sentinel master name)");
                }
                throw e;
            }
        }
        List<Endpoint> nodes = new ArrayList<>();
        for (String node : url.split(",", -1)) {
            nodes.add(parse(node.strip()));
        }
        Endpoint first = nodes.getFirst();
        String what = topology instanceof Topology.Cluster ? "Redis Cluster nodes" : "Redis Sentinels";
        for (Endpoint node : nodes) {
            if (node.database != 0 && topology instanceof Topology.Cluster) {
                throw new IllegalArgumentException("a Redis Cluster has only database 0: " + node.hostPort() + "/"
                        + node.database);
            }
            if (node.tls != first.tls || !node.user.equals(first.user) || !node.password.equals(first.password)
                    || node.database != first.database) {
                throw new IllegalArgumentException("the " + what + " " + first.hostPort() + " and "
                        + node.hostPort() + " differ in scheme, user, password or database");
            }
        }
        return nodes;
    }

    private static Endpoint parse(String url) {
        Objects.requireNonNull(url, "url");
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            // not e.getMessage(): it quotes the whole URL, password included
            throw new IllegalArgumentException("malformed Redis URL: " + e.getReason() + " at index " + e.getIndex());
        }
        String scheme = Optional.ofNullable(uri.getScheme()).orElse("").toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new IllegalArgumentException("Redis URL must start with redis:// or rediss://");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("Redis URL has no host");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                password = Optional.of(decode(userInfo));
            } else {
                user = Optional.of(decode(userInfo.substring(0, colon))).filter(u -> !u.isEmpty());
                password = Optional.of(decode(userInfo.substring(colon + 1))).filter(p -> !p.isEmpty());
            }
        }
        String path = Optional.ofNullable(uri.getPath()).orElse("");
        int database = 0;
        if (!path.isEmpty() && !path.equals("/")) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Redis URL path must be a database index: " + path, e);
            }
            if (database < 0) {
                throw new IllegalArgumentException("database index must be >= 0: " + database);
            }
        }
        return new Endpoint(host, port, user, password, database, scheme.equals("rediss"));
    }

    private static String decode(String raw) {
        // URLDecoder decodes form encoding, where '+' is a space; in a URI it is a plus.
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
