package io.github.krest.proxy.error;

/**
 * Confluent REST Proxy error codes used by krest, each with its HTTP status.
 *
 * <p>Source: Confluent {@code Errors.java}, rest-utils {@code KafkaExceptionMapper}
 * (docs/api.md, "Errors"). A 5-digit code is {@code SSSNN} where {@code SSS} is the HTTP status;
 * a 3-digit code is a plain HTTP status.
 */
public enum ErrorCode {
    BAD_REQUEST(400, 400),
    NOT_FOUND(404, 404),
    METHOD_NOT_ALLOWED(405, 405),
    NOT_ACCEPTABLE(406, 406),
    PAYLOAD_TOO_LARGE(413, 413),
    UNSUPPORTED_MEDIA_TYPE(415, 415),
    UNPROCESSABLE_ENTITY(422, 422),
    TOO_MANY_REQUESTS(429, 429),
    REQUEST_TIMEOUT(408, 408),
    INTERNAL_SERVER_ERROR(500, 500),
    /** Kafka rejected the request as invalid (topic exists, invalid partitions, invalid topic, ...). */
    KAFKA_BAD_REQUEST(400, 40002),
    /** A consumer setting outside its allowed range (e.g. fetch.min.bytes). */
    INVALID_CONSUMER_CONFIG_CONSTRAINT(422, 40001),
    /**
     * Authentication failed or was missing: HTTP authentication ({@code authentication.method}), or Kafka's or the
     * Schema Registry's refusal of the credentials krest presented.
     */
    AUTHENTICATION_FAILED(401, 40101),
    KAFKA_AUTHORIZATION(403, 40301),
    TOPIC_NOT_FOUND(404, 40401),
    PARTITION_NOT_FOUND(404, 40402),
    /** Consumer instance not found, or Kafka's UnknownTopicOrPartition ("does not host this topic-partition"). */
    CONSUMER_INSTANCE_NOT_FOUND(404, 40403),
    UNKNOWN_TOPIC_OR_PARTITION(404, 40403),
    /** krest: a Schema Registry subject, version or schema id that does not exist (the registry's 40401-40403). */
    SCHEMA_NOT_FOUND(404, 40403),
    CONSUMER_FORMAT_MISMATCH(406, 40601),
    SERIALIZATION(408, 40801),
    CONSUMER_ALREADY_EXISTS(409, 40902),
    ILLEGAL_STATE(409, 40903),
    /**
     * krest: a request with this {@code Idempotency-Key} is still running (IETF httpapi idempotency-key draft: 409);
     * answered with {@code Retry-After}.
     */
    IDEMPOTENCY_KEY_IN_USE(409, 40904),
    /** krest: {@code GET /topics/{t}/partitions/{p}/records?offset=} outside the partition's earliest..latest. */
    OFFSET_OUT_OF_RANGE(416, 41601),
    KEY_SCHEMA_MISSING(422, 42201),
    VALUE_SCHEMA_MISSING(422, 42202),
    /** "Conversion of JSON to Object failed: ...": data that does not match its schema (v2 schema formats). */
    JSON_CONVERSION(422, 42203),
    /** "Invalid consumer configuration: ..." at consumer instance creation. */
    INVALID_CONSUMER_CONFIG(422, 42204),
    INVALID_SCHEMA(422, 42205),
    /** Payload error: empty body, invalid topic name, schemas without a Schema Registry, too many records. */
    PAYLOAD_ERROR(422, 42206),
    /** "Error serializing message. ...": the Schema Registry refused a request, e.g. an incompatible schema. */
    SCHEMA_SERIALIZATION(422, 42207),
    BATCH_ERROR(422, 42208),
    /** krest: an {@code Idempotency-Key} reused for a different request (IETF httpapi idempotency-key draft: 422). */
    IDEMPOTENCY_KEY_REUSED(422, 42209),
    KAFKA_THROTTLED(429, 42901),
    KAFKA_ERROR(500, 50002),
    KAFKA_RETRIABLE(500, 50003),
    BROKER_NOT_AVAILABLE(503, 50302),
    /** krest: the consumer state store (Redis) cannot be reached; retry after the {@code Retry-After} delay. */
    STATE_STORE_UNAVAILABLE(503, 50303),
    /** krest: the Schema Registry cannot be reached or failed; retriable. */
    SCHEMA_REGISTRY_UNAVAILABLE(503, 50304),
    UNSUPPORTED_PROTOCOL(502, 502);

    private final int httpStatus;
    private final int code;

    ErrorCode(int httpStatus, int code) {
        this.httpStatus = httpStatus;
        this.code = code;
    }

    /** @return the HTTP status, e.g. 404 */
    public int httpStatus() {
        return httpStatus;
    }

    /** @return the {@code error_code} in the JSON body, e.g. 40403 */
    public int code() {
        return code;
    }
}
