package io.github.krest.proxy.testing;

import io.github.krest.state.redis.RedisServerProcess;
import redis.clients.jedis.Jedis;

/**
 * One real {@code redis-server} for the whole test run, like {@link TestKafka}: started on first use, stopped when the
 * JVM exits. A test class that needs just "a Redis" for krest's state store takes a database of its own with
 * {@link #newDatabase()}, emptied first, so classes never see each other's consumer groups.
 *
 * <p>Tests that stop, restart or kill Redis, need its data to survive a restart, or need TLS, ACL users, a Redis
 * Cluster or Sentinels start a server of their own ({@code RedisServerProcess}, {@code RedisClusterProcess},
 * {@code RedisSentinelProcess}).
 */
public final class TestRedis {
    /** redis-server's default number of databases; database 0 is never handed out. */
    private static final int DATABASES = 16;

    private static RedisServerProcess server;
    private static int handedOut;

    private TestRedis() {
    }

    /**
     * A database of the shared server for the caller alone, starting the server if needed. Databases are reused
     * round-robin after 15 callers, emptied each time; test classes run one after another, so a class is done with
     * its database (its krest servers closed) long before another takes it.
     *
     * @return {@code redis://127.0.0.1:<port>/<db>}, for {@code redis.url}
     */
    public static synchronized String newDatabase() {
        if (server == null) {
            RedisServerProcess started = RedisServerProcess.start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "test-redis-stopper"));
            server = started;
        }
        int database = 1 + handedOut++ % (DATABASES - 1);
        try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
            jedis.select(database);
            jedis.flushDB();
        }
        return server.url() + "/" + database;
    }
}
