package io.github.krest.proxy.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * krest's JSON settings: unknown request fields are ignored (as Confluent's Jersey resources do), parse errors do
 * not echo request source, and string tokens are bounded.
 */
public final class Json {
    /** Longest single JSON string token accepted, in characters (a base64 value of about 48 MiB). */
    public static final int MAX_STRING_LENGTH = 64 * 1024 * 1024;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                    .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING_LENGTH).build())
                    .build())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {
    }

    /** @return the shared, thread-safe mapper */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * A copy of the shared mapper whose parsers refuse strings longer than {@code maxStringLength} characters; every
     * other setting is the shared mapper's. Jackson keeps this limit in the mapper's {@link JsonFactory}, which a
     * reader or parser cannot override, hence a mapper of its own (the v3 produce stream bounds a record's strings by
     * the record limit, so that an oversized string fails at once instead of being buffered).
     *
     * @param maxStringLength characters
     * @return a new mapper
     */
    public static ObjectMapper withMaxStringLength(int maxStringLength) {
        // copy() copies the factory too, so the shared mapper's own limit stays as it is
        ObjectMapper copy = MAPPER.copy();
        copy.getFactory().setStreamReadConstraints(MAPPER.getFactory().streamReadConstraints().rebuild()
                .maxStringLength(maxStringLength).build());
        return copy;
    }
}
