package io.github.krest.proxy.http.v3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.krest.proxy.format.DataReaders;
import io.github.krest.proxy.http.v3.ProduceRecordReader.Data;
import io.github.krest.proxy.http.v3.ProduceRecordReader.Echo;
import io.github.krest.proxy.http.v3.ProduceRecordReader.Parsed;
import io.github.krest.proxy.record.ProduceRecord;

/**
 * The fast path of {@link ProduceRecordReader}: the common v3 record (no headers, a BINARY or STRING key and value)
 * read token by token from the request's bytes, its base64 decoded in place, without building a Jackson tree. It
 * gives up (null) on anything else, valid or not, and the tree path then reads the record or names its error, so
 * the two agree on every record this one accepts.
 */
final class FastRecordReader {
    private static final Optional<Echo> BINARY = Optional.of(Echo.of("BINARY"));
    private static final Optional<Echo> STRING = Optional.of(Echo.of("STRING"));

    private FastRecordReader() {
    }

    /**
     * {@link ProduceRecordReader#read} for the common record, straight from its UTF-8 bytes: {@code partition_id},
     * {@code timestamp}, null {@code headers}, and a key and value that are null or
     * {@code {"type":"BINARY"|"STRING","data":...}} ({@code type} first), base64 decoded from {@code source} itself
     * (no {@code String}, no tree). A record with any other field is left to the tree path, which refuses it; a
     * repeated field counts as its last value, as in a tree.
     *
     * @param factory the parser factory (its stream constraints apply)
     * @param source the bytes holding the record
     * @param start the offset of the record's opening brace
     * @param length the record's length, bytes
     * @param topic the topic from the path
     * @param partitionCount the topic's partition count, empty when not known yet
     * @return the record as {@link ProduceRecordReader#read} reads it, or null for anything else, valid or not (read
     *         it as a tree with {@link ProduceRecordReader#read}, which then gives the record or its error)
     */
    static Parsed read(JsonFactory factory, byte[] source, int start, int length, String topic,
                       Optional<Integer> partitionCount) {
        try (JsonParser p = factory.createParser(source, start, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Optional<Integer> partition = Optional.empty();
            Data key = Data.ABSENT;
            Data value = Data.ABSENT;
            Optional<Instant> timestamp = Optional.empty();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "partition_id" -> {
                        if (v == JsonToken.VALUE_NULL) {
                            partition = Optional.empty();
                        } else if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
                                && p.getIntValue() >= 0
                                && (partitionCount.isEmpty() || p.getIntValue() < partitionCount.get())) {
                            partition = Optional.of(p.getIntValue());
                        } else {
                            return null;
                        }
                    }
                    case "key" -> key = fastData(p, source, start);
                    case "value" -> value = fastData(p, source, start);
                    case "headers" -> {
                        if (v != JsonToken.VALUE_NULL) {
                            return null;
                        }
                    }
                    case "timestamp" -> {
                        if (v == JsonToken.VALUE_NULL) {
                            timestamp = Optional.empty();
                        } else if (v == JsonToken.VALUE_STRING) {
                            timestamp = Optional.of(OffsetDateTime.parse(p.getText()).toInstant());
                        } else {
                            return null;
                        }
                    }
                    default -> {
                        return null;
                    }
                }
                if (key == null || value == null) {
                    return null;
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
            return new Parsed(new ProduceRecord(topic, partition, key.bytes(), value.bytes(), List.of(), timestamp),
                    key.echo(), value.echo());
        } catch (IOException | RuntimeException e) {
            // not valid JSON, not valid data, not a date: read() names the problem
            return null;
        }
    }

    /** @return the key or value at the parser's token, or null when it is not a plain BINARY or STRING one */
    private static Data fastData(JsonParser p, byte[] source, int base) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return Data.ABSENT;
        }
        if (t != JsonToken.START_OBJECT || p.nextToken() != JsonToken.FIELD_NAME || !"type".equals(p.currentName())
                || p.nextToken() != JsonToken.VALUE_STRING) {
            return null;
        }
        String type = p.getText();
        boolean binary = type.equalsIgnoreCase("BINARY");
        if (!binary && !type.equalsIgnoreCase("STRING")) {
            return null;
        }
        Optional<byte[]> bytes = Optional.empty();
        JsonToken next = p.nextToken();
        if (next == JsonToken.FIELD_NAME) {
            if (!"data".equals(p.currentName())) {
                return null;
            }
            JsonToken data = p.nextToken();
            if (binary) {
                bytes = DataReaders.binary(p, source, base, "data");
            } else if (data == JsonToken.VALUE_STRING) {
                bytes = Optional.of(p.getText().getBytes(StandardCharsets.UTF_8));
            } else if (data != JsonToken.VALUE_NULL) {
                return null;
            }
            next = p.nextToken();
        }
        return next == JsonToken.END_OBJECT ? new Data(bytes, binary ? BINARY : STRING) : null;
    }

}
