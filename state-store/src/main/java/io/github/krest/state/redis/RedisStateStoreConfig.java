package io.github.krest.state.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link RedisConsumerStateStore} reaches Redis.
 *
 * @param url              {@code redis://[[user:]password@]host[:port][/db]}, or {@code rediss://...} for TLS
 *                         (JVM default trust store). Port defaults to 6379, db to 0. User and password are
 *                         percent-decoded; a user info without {@code :} is a password (Redis URI convention, as in
 *                         Jedis).
 * @param connectTimeoutMs how long opening a connection may take, in ms, {@code > 0}; also the longest wait for a
 *                         pooled connection. Keep it short: an unreachable Redis must fail requests fast.
 * @param socketTimeoutMs  how long one command may take, in ms, {@code > 0}; the scripts run in microseconds
 * @param maxConnections   connection pool size, {@code > 0}; one connection serves one command at a time
 * @param expiryGraceMs    how long an instance's keys outlive its deadline, in ms, {@code >= 0}: the instance is
 *                         gone for every operation at its deadline, but its positions stay readable this long so a
 *                         sweep can commit them. Must exceed the sweep interval.
 */
public record RedisStateStoreConfig(String url, int connectTimeoutMs, int socketTimeoutMs, int maxConnections,
                                    long expiryGraceMs) {

    /** Default {@code connectTimeoutMs}. */
    public static final int DEFAULT_CONNECT_TIMEOUT_MS = 500;
    /** Default {@code socketTimeoutMs}. */
    public static final int DEFAULT_SOCKET_TIMEOUT_MS = 2_000;
    /** Default {@code maxConnections}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    /** Default {@code expiryGraceMs}. */
    public static final long DEFAULT_EXPIRY_GRACE_MS = 120_000;

    private static final int DEFAULT_PORT = 6379;

    /** @throws IllegalArgumentException if the URL is malformed or a number is out of range */
    public RedisStateStoreConfig {
        parse(url);
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
        return new RedisStateStoreConfig(url, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_SOCKET_TIMEOUT_MS,
                DEFAULT_MAX_CONNECTIONS, DEFAULT_EXPIRY_GRACE_MS);
    }

    /** @return the host name or address (IPv6 without brackets) */
    public String host() {
        return parse(url).host;
    }

    /** @return the port */
    public int port() {
        return parse(url).port;
    }

    /** @return the ACL user, empty for the default user */
    public Optional<String> user() {
        return parse(url).user;
    }

    /** @return the password, empty for none */
    public Optional<String> password() {
        return parse(url).password;
    }

    /** @return the logical database index */
    public int database() {
        return parse(url).database;
    }

    /** @return whether to use TLS ({@code rediss://}) */
    public boolean tls() {
        return parse(url).tls;
    }

    /** Masks the password, so the config can be logged. */
    @Override
    public String toString() {
        Endpoint endpoint = parse(url);
        String credentials = endpoint.password.map(p -> endpoint.user.orElse("") + ":***@").orElse("");
        String host = endpoint.host.contains(":") ? "[" + endpoint.host + "]" : endpoint.host;
        return "RedisStateStoreConfig[url=" + (endpoint.tls ? "rediss" : "redis") + "://" + credentials + host + ":"
                + endpoint.port + "/" + endpoint.database + ", connectTimeoutMs=" + connectTimeoutMs
                + ", socketTimeoutMs=" + socketTimeoutMs + ", maxConnections=" + maxConnections
                + ", expiryGraceMs=" + expiryGraceMs + "]";
    }

    private record Endpoint(String host, int port, Optional<String> user, Optional<String> password, int database,
                            boolean tls) {
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
