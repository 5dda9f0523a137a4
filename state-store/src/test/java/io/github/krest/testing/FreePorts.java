package io.github.krest.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports for servers that tests start in other processes (krest replicas, redis-server, nginx, Apicurio).
 *
 * <p>A port from {@code new ServerSocket(0)} lies in the kernel's ephemeral range, which outgoing connections draw
 * from too: in the seconds between choosing such a port and a JVM binding it, a Kafka or Redis client connection of
 * another replica can take it, and the server fails with "Address already in use" (seen in CI). The ports here are
 * below the ephemeral range ({@code /proc/sys/net/ipv4/ip_local_port_range}, 32768-60999 by default), picked at
 * random, checked by binding the wildcard address, and never handed out twice by one JVM. Where no such range can
 * be read (not Linux), or it leaves fewer than 1,000 ports below it, the kernel's choice is used.
 */
public final class FreePorts {
    private static final int LOWEST = 20_000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    /**
     * @return a port that is free now, for a server on the loopback or wildcard address
     * @throws UncheckedIOException when no free port is found after 200 tries
     */
    public static int next() {
        return nextWith(0);
    }

    /**
     * For a server that also listens at a fixed offset from its port: a Redis Cluster node's cluster bus is at its
     * port + 10,000, which a port from {@link #next()} may put in the ephemeral range or on a port in use.
     *
     * @param offset how far above the port the second one lies, {@code >= 0} (0: one port, as {@link #next()})
     * @return a port {@code p} such that {@code p} and {@code p + offset} are both free now and below the ephemeral
     *         range (where there is room for that)
     * @throws UncheckedIOException when no such port is found after 200 tries
     */
    public static synchronized int nextWith(int offset) {
        int below = ephemeralLow() - offset;
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = below - LOWEST >= 1_000 ? ThreadLocalRandom.current().nextInt(LOWEST, below) : 0;
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(port), 1);
                int bound = socket.getLocalPort();
                if (offset > 0 && !free(bound + offset)) {
                    continue;
                }
                if (HANDED_OUT.add(bound) && (offset == 0 || HANDED_OUT.add(bound + offset))) {
                    return bound;
                }
            } catch (IOException inUse) {
                // try another
            }
        }
        throw new UncheckedIOException(new IOException("no free port found below " + below));
    }

    private static boolean free(int port) {
        if (port > 65_535) {
            return false;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(port), 1);
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }

    private static int ephemeralLow() {
        try {
            // readAllLines: Files.readString returned "3" for this procfs file on JDK 25
            String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).getFirst().trim()
                    .split("\\s+", -1);
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return LOWEST;
        }
    }
}
