package io.github.krest.proxy.http.v3;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;

/**
 * The parser of a v3 produce stream that the {@link RecordFramer} cannot cut (an ISO-8859-1 body, or the rest of a
 * body from the first thing the framer does not handle). While a record is read it fails with {@link RecordTooLarge}
 * at the first token past {@code maxBytes} from the record's start, so an oversized record is never buffered whole.
 *
 * <p>{@link JsonParserDelegate} hands {@code nextToken} and {@code nextValue} straight to the delegate, so both are
 * overridden; {@code JsonParser}'s other {@code next*} methods ({@code nextFieldName} that Jackson's tree reader uses
 * among them) call {@code nextToken}.
 */
final class SizeLimitedParser extends JsonParserDelegate {
    private final long maxBytes;
    private long recordStart = -1;

    /**
     * @param p the body's parser
     * @param maxBytes largest JSON text of one record, 0 for no limit
     */
    SizeLimitedParser(JsonParser p, long maxBytes) {
        super(p);
        this.maxBytes = maxBytes;
    }

    /** Starts counting the record that begins at the current token. */
    void startRecord() {
        recordStart = maxBytes > 0 ? offset(delegate.currentTokenLocation()) : -1;
    }

    /** Stops counting: tokens between records are not limited. */
    void endRecord() {
        recordStart = -1;
    }

    @Override
    public JsonToken nextToken() throws IOException {
        JsonToken token = delegate.nextToken();
        if (recordStart >= 0 && offset(delegate.currentLocation()) - recordStart > maxBytes) {
            throw new RecordTooLarge();
        }
        return token;
    }

    @Override
    public JsonToken nextValue() throws IOException {
        JsonToken token = nextToken();
        return token == JsonToken.FIELD_NAME ? nextToken() : token;
    }

    /**
     * @param location a parser location
     * @return its byte offset, or its char offset for a parser over characters
     */
    static long offset(JsonLocation location) {
        return location.getByteOffset() >= 0 ? location.getByteOffset() : location.getCharOffset();
    }

    /** A record's JSON text passed the size limit. */
    static final class RecordTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        RecordTooLarge() {
            super("record too large", null);
        }
    }
}
