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

    private static final ObjectMapper MAPPER = create(MAX_STRING_LENGTH);

    private Json() {
    }

    /** @return the shared, thread-safe mapper */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * A mapper whose parsers refuse strings longer than {@code maxStringLength} characters.
     *
     * @param maxStringLength characters
     * @return a new mapper
     */
    public static ObjectMapper create(int maxStringLength) {
        JsonFactory factory = JsonFactory.builder()
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(maxStringLength).build())
                .build();
        return JsonMapper.builder(factory)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }
}
