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
    public static synchronized int next() {
        int below = ephemeralLow();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = below - LOWEST >= 1_000 ? ThreadLocalRandom.current().nextInt(LOWEST, below) : 0;
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(port), 1);
                int bound = socket.getLocalPort();
                if (HANDED_OUT.add(bound)) {
                    return bound;
                }
            } catch (IOException inUse) {
                // try another
            }
        }
        throw new UncheckedIOException(new IOException("no free port found below " + below));
    }

    private static int ephemeralLow() {
        try {
            // readAllLines: Files.readString returned "3" for this procfs file on JDK 25
            String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).getFirst().trim()
                    .split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return LOWEST;
        }
    }
}
