package io.github.krest.proxy.observe;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * krest's {@code java.util.logging} line format (configured in {@code logging.properties}), one line per record:
 * <pre>2026-11-22T03:20:30.123 INFO io.github.krest.access: method=POST resource=... status=200 ...</pre>
 * local time to the millisecond, level, logger name, the formatted message, then the stack trace of a throwable on
 * the following lines. It is the line {@link java.util.logging.SimpleFormatter} wrote with krest's former format
 * string {@code %1$tY-%1$tm-%1$tdT%1$tH:%1$tM:%1$tS.%1$tL %4$s %3$s: %5$s%6$s%n}, without the cost that format
 * has on every access log line: {@code String.format} with seven date conversions, and finding the caller's class
 * and method with a stack walk for a field the format does not show.
 */
public final class LogLineFormatter extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");

    /** Creates the formatter; {@code java.util.logging} instantiates it by name. */
    public LogLineFormatter() {
    }

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(160);
        TIME.formatTo(record.getInstant().atZone(ZoneId.systemDefault()), line);
        line.append(' ').append(record.getLevel().getLocalizedName()).append(' ').append(record.getLoggerName())
                .append(": ").append(formatMessage(record));
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            try (PrintWriter out = new PrintWriter(trace)) {
                out.println();
                record.getThrown().printStackTrace(out);
            }
            line.append(trace.getBuffer());
        }
        return line.append(System.lineSeparator()).toString();
    }
}
