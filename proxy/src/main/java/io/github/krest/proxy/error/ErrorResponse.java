package io.github.krest.proxy.error;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The error body of every API version: {@code {"error_code": 40403, "message": "..."}}, answered with
 * {@link #httpStatus()}.
 *
 * @param httpStatus HTTP status, not serialised
 * @param errorCode Confluent error code
 * @param message human-readable message
 */
public record ErrorResponse(@JsonIgnore int httpStatus,
                            @JsonProperty("error_code") int errorCode,
                            @JsonProperty("message") String message) {

    /** @return the body for {@code code} with {@code message} */
    public static ErrorResponse of(ErrorCode code, String message) {
        return new ErrorResponse(code.httpStatus(), code.code(), message);
    }
}
