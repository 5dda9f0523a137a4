package io.github.krest.proxy.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

/**
 * {@link LogLineFormatter} writes the lines {@code java.util.logging.SimpleFormatter} wrote with krest's former
 * format string: plain messages, messages with parameters, and throwables with their stack traces.
 */
class LogLineFormatterTest {
    @SuppressWarnings("InlineFormatString") // named: this one former format is what the test compares against
    private static final String FORMER = "%1$tY-%1$tm-%1$tdT%1$tH:%1$tM:%1$tS.%1$tL %4$s %3$s: %5$s%6$s%n";

    /** What SimpleFormatter.format does with {@link #FORMER}. */
    private static String former(LogRecord record) {
        ZonedDateTime time = ZonedDateTime.ofInstant(record.getInstant(), ZoneId.systemDefault());
        String thrown = "";
        if (record.getThrown() != null) {
            StringWriter sw = new StringWriter();
            PrintWriter pw = new PrintWriter(sw);
            pw.println();
            record.getThrown().printStackTrace(pw);
            pw.close();
            thrown = sw.toString();
        }
        String message = new LogLineFormatter().formatMessage(record);
        return String.format(FORMER, time, "source", record.getLoggerName(), record.getLevel().getLocalizedName(),
                message, thrown);
    }

    private static LogRecord record(Level level, String message, Instant at) {
        LogRecord r = new LogRecord(level, message);
        r.setLoggerName("io.github.krest.access");
        r.setInstant(at);
        return r;
    }

    @Test
    void sameLinesAsTheFormerSimpleFormat() {
        LogLineFormatter formatter = new LogLineFormatter();
        LogRecord plain = record(Level.INFO, "method=POST resource=api.v2.produce-to-topic.binary status=200",
                Instant.parse("2026-11-22T03:20:30.007Z"));
        assertEquals(former(plain), formatter.format(plain));

        LogRecord whole = record(Level.WARNING, "at a whole second", Instant.parse("2026-01-02T00:00:00Z"));
        assertEquals(former(whole), formatter.format(whole));

        LogRecord params = record(Level.SEVERE, "replica {0} lost {1} leases", Instant.now());
        params.setParameters(new Object[] {"r1", 3});
        assertEquals(former(params), formatter.format(params));
        assertEquals(true, formatter.format(params).contains("replica r1 lost 3 leases"));

        LogRecord failed = record(Level.WARNING, "poll failed", Instant.now());
        failed.setThrown(new IllegalStateException("broken", new RuntimeException("cause")));
        assertEquals(former(failed), formatter.format(failed));
    }
}
