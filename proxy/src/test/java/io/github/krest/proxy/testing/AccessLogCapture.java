package io.github.krest.proxy.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.github.krest.proxy.observe.AccessLog;

/** Collects the access log lines written while it is open. */
public final class AccessLogCapture extends Handler implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger(AccessLog.LOGGER);

    /** Starts collecting. */
    public AccessLogCapture() {
        logger.addHandler(this);
    }

    /** @return the lines written so far */
    public List<String> lines() {
        return lines;
    }

    /**
     * Waits up to 10 s for a line: the observer writes it after the response has been sent.
     *
     * @param test what the line must satisfy
     * @return whether such a line was written
     */
    public boolean await(java.util.function.Predicate<String> test) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            if (lines.stream().anyMatch(test)) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(record.getMessage());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
