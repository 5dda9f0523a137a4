package io.github.krest.proxy.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A client's view of a krest record stream ({@code GET .../records} with {@code Accept: text/event-stream}): the
 * events and comments as they arrive, parsed as an EventSource parses them ({@code event:}, {@code data:} lines, a
 * blank line ending each event).
 */
public final class EventStream implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final HttpResponse<Stream<String>> response;
    private final Iterator<String> lines;

    private EventStream(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.lines = response.body().iterator();
    }

    /**
     * One event: its name ({@code message} when it has none) and data; or a comment, with an empty name.
     *
     * @param name the {@code event:} field
     * @param data the {@code data:} lines joined by newlines, or a comment's text
     */
    public record Event(String name, String data) {
        /** @return the UTF-8 values of a binary {@code records} event's records, in order */
        public List<String> values() {
            List<String> values = new ArrayList<>();
            for (JsonNode record : KrestHttp.json(data)) {
                values.add(new String(Base64.getDecoder().decode(record.get("value").asText()),
                        StandardCharsets.UTF_8));
            }
            return values;
        }

        /** @return whether this is a comment ({@code : ...}) */
        public boolean comment() {
            return name.isEmpty();
        }
    }

    /**
     * Opens a record stream and reads its head.
     *
     * @param base     krest's or the load balancer's URL
     * @param instance {@code /consumers/{group}/instances/{name}}
     * @param query    the query string, without {@code ?}
     * @return the stream, its status and headers read
     * @throws IOException when the request fails
     */
    public static EventStream open(String base, String instance, String query)
            throws IOException, InterruptedException {
        return new EventStream(CLIENT.send(HttpRequest.newBuilder(URI.create(base + instance + "/records?" + query))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofLines()));
    }

    /** @return the response status */
    public int status() {
        return response.statusCode();
    }

    /** @return the response's {@code Content-Type}, or "" */
    public String contentType() {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    /** @return the next event or comment, or empty once the stream has ended */
    public Optional<Event> next() {
        String name = "message";
        StringBuilder data = null;
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty()) {
                if (data != null) {
                    return Optional.of(new Event(name, data.toString()));
                }
                continue;
            }
            if (line.startsWith(":")) {
                return Optional.of(new Event("", line.substring(1).trim()));
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
            if (field.equals("event")) {
                name = value;
            } else if (field.equals("data")) {
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        return Optional.empty();
    }

    /**
     * @param count how many records to read
     * @return the values of the next {@code count} records, reading past comments
     * @throws AssertionError when the stream ends first or sends another kind of event
     */
    public List<String> values(int count) {
        List<String> values = new ArrayList<>();
        while (values.size() < count) {
            Event event = next().orElseThrow(() -> new AssertionError("the stream ended after " + values));
            if (event.name().equals("records")) {
                values.addAll(event.values());
            } else if (!event.comment()) {
                throw new AssertionError("only records events and comments expected: " + event);
            }
        }
        return values;
    }

    /** @return the rest of the body as text, for an answer that is not a stream (an error's JSON) */
    public String body() {
        StringBuilder body = new StringBuilder();
        lines.forEachRemaining(line -> body.append(line).append('\n'));
        return body.toString();
    }

    /** Goes away, as a closed browser tab does: the body is cancelled and the connection closed. */
    @Override
    public void close() {
        response.body().close();
    }

    /** @return the events and comments left until the stream ends */
    public List<Event> rest() {
        List<Event> rest = new ArrayList<>();
        for (Optional<Event> e = next(); e.isPresent(); e = next()) {
            rest.add(e.get());
        }
        return rest;
    }
}
