package io.github.krest.perf;

import redis.clients.jedis.Jedis;

/** Figures of Redis's {@code INFO}: memory in use and commands processed so far. */
final class RedisInfo {
    private final String host;
    private final int port;

    RedisInfo(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** @param hostPort e.g. 127.0.0.1:6379 */
    static RedisInfo of(String hostPort) {
        String[] parts = hostPort.split(":", -1);
        return new RedisInfo(parts[0], Integer.parseInt(parts[1]));
    }

    /** @return {@code used_memory} ({@code INFO memory}), bytes */
    long usedMemoryBytes() {
        return field("memory", "used_memory");
    }

    /** @return {@code total_commands_processed} ({@code INFO stats}) */
    long commandsProcessed() {
        return field("stats", "total_commands_processed");
    }

    private long field(String section, String name) {
        try (Jedis jedis = new Jedis(host, port)) {
            for (String line : jedis.info(section).split("\r?\n", -1)) {
                if (line.startsWith(name + ":")) {
                    return Long.parseLong(line.substring(name.length() + 1).trim());
                }
            }
        }
        throw new IllegalStateException("Redis INFO " + section + " has no " + name);
    }
}
