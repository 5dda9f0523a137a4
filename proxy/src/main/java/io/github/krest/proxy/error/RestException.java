package io.github.krest.proxy.error;

/**
 * A request failure with a Confluent error code, answered as {@code {"error_code": ..., "message": ...}} with the
 * code's HTTP status. Thrown by every layer below HTTP for failures the client caused or must see.
 */
public class RestException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode errorCode;

    /**
     * @param errorCode Confluent code and HTTP status
     * @param message the message shown to the client; never contains secrets or stack traces
     */
    public RestException(ErrorCode errorCode, String message) {
        super(message, null, false, false);
        this.errorCode = errorCode;
    }

    /** @return the Confluent code */
    public ErrorCode errorCode() {
        return errorCode;
    }

    /** 400/400 for malformed or wrongly typed input. */
    public static RestException badRequest(String message) {
        return new RestException(ErrorCode.BAD_REQUEST, message);
    }

    /** 422/42206 "Payload error". */
    public static RestException payload(String message) {
        return new RestException(ErrorCode.PAYLOAD_ERROR, message);
    }
}
