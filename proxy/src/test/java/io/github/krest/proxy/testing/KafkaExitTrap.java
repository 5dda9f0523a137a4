package io.github.krest.proxy.testing;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

import org.apache.kafka.common.utils.Exit;

/**
 * Leaves a trace when Kafka ends the test JVM. The in-JVM brokers and controllers of {@code KafkaClusterTestKit} call
 * Kafka's {@link Exit} on some fatal errors (an unusable log directory, for one), and a JVM that ends that way after
 * its tests have passed fails the build with nothing but surefire's "Error occurred in starting fork" (seen in CI:
 * the log directory deleted under a running node at exit, now avoided by {@link TestKafka#singleNode()}). Once
 * installed, every such call first appends the code, Kafka's message, the calling thread and its stack to
 * {@code target/kafka-exit.log} (bin/test prints that file after a failed build), then exits or halts the JVM with
 * Kafka's code as Kafka's own procedures do.
 */
public final class KafkaExitTrap {
    private static boolean installed;

    private KafkaExitTrap() {
    }

    /** Installs the trap for this JVM; later calls do nothing. Call before starting a {@code KafkaClusterTestKit}. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        Exit.setExitProcedure((code, message) -> {
            record("exit", code, message);
            Runtime.getRuntime().exit(code);
        });
        Exit.setHaltProcedure((code, message) -> {
            record("halt", code, message);
            Runtime.getRuntime().halt(code);
        });
    }

    private static void record(String what, int code, String message) {
        StringWriter stack = new StringWriter();
        new Throwable("Kafka called Exit." + what + "(" + code + ") on thread " + Thread.currentThread().getName()
                + ": " + message).printStackTrace(new PrintWriter(stack));
        String entry = Instant.now() + " " + stack + System.lineSeparator();
        System.err.print(entry);
        Path target = Path.of("target");
        Path dir = Files.isDirectory(target) ? target : Path.of(System.getProperty("java.io.tmpdir"));
        try {
            Files.writeString(dir.resolve("kafka-exit.log"), entry, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // stderr has it too
        }
    }
}
