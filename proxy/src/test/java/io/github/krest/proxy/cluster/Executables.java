package io.github.krest.proxy.cluster;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds the system programs the cluster tests run (nginx, haproxy): on the {@code PATH}, then in the sbin dirs. */
final class Executables {
    private Executables() {
    }

    /**
     * @param name e.g. {@code nginx}
     * @return its absolute path
     * @throws IllegalStateException naming the Debian package to install when it is nowhere
     */
    static Path require(String name) {
        return find(name).orElseThrow(() -> new IllegalStateException(name + " is not installed: apt-get install "
                + name + " (bin/test does so when run as root)"));
    }

    /**
     * @param name e.g. {@code haproxy}
     * @return its absolute path, if found on the {@code PATH}, in {@code /usr/sbin} or in {@code /sbin} (Debian
     *     installs nginx and haproxy there, which a non-root {@code PATH} often lacks)
     */
    static Optional<Path> find(String name) {
        List<String> dirs = new ArrayList<>(List.of(Optional.ofNullable(System.getenv("PATH")).orElse("")
                .split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin"));
        return dirs.stream()
                .filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
