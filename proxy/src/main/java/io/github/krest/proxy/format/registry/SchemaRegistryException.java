package io.github.krest.proxy.format.registry;

import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;

/**
 * A Schema Registry failure, already mapped to krest's error code (see {@link SchemaRegistryClient}); keeps the
 * registry's HTTP status and {@code error_code} (0 when it was not reached).
 */
public final class SchemaRegistryException extends RestException {
    private static final long serialVersionUID = 1L;
    private final int registryStatus;
    private final int registryCode;

    /**
     * @param code krest's code
     * @param message the message for the client
     * @param registryStatus the registry's HTTP status, 0 when unreachable
     * @param registryCode the registry's {@code error_code}, 0 when absent
     */
    public SchemaRegistryException(ErrorCode code, String message, int registryStatus, int registryCode) {
        super(code, message);
        this.registryStatus = registryStatus;
        this.registryCode = registryCode;
    }

    /** @return the registry's HTTP status, 0 when it was not reached */
    public int registryStatus() {
        return registryStatus;
    }

    /** @return the registry's {@code error_code}, 0 when absent */
    public int registryCode() {
        return registryCode;
    }

    /** @return whether the subject, version or schema id does not exist */
    public boolean notFound() {
        return registryStatus == 404;
    }

    /**
     * Maps a registry error answer (Confluent's {@code {"error_code": 40403, "message": "..."}}).
     *
     * @param status HTTP status
     * @param code the body's {@code error_code}, 0 when absent
     * @param message the body's message
     * @param what what was asked, e.g. {@code schema id 7}
     * @return the exception
     */
    public static SchemaRegistryException of(int status, int code, String message, String what) {
        String detail = "Schema Registry: " + message;
        if (status == 401) {
            return new SchemaRegistryException(ErrorCode.AUTHENTICATION_FAILED, detail, status, code);
        }
        if (status == 403) {
            return new SchemaRegistryException(ErrorCode.KAFKA_AUTHORIZATION, detail, status, code);
        }
        if (status == 404) {
            return new SchemaRegistryException(ErrorCode.SCHEMA_NOT_FOUND, "Not found: " + what + ". " + detail,
                    status, code);
        }
        if (status == 422 && (code == 42201 || code == 422)) {
            return new SchemaRegistryException(ErrorCode.INVALID_SCHEMA, "Invalid schema: " + message, status, code);
        }
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            return new SchemaRegistryException(ErrorCode.SCHEMA_SERIALIZATION,
                    "Error serializing message. " + detail, status, code);
        }
        return unavailable("answered HTTP " + status + " (" + message + ")", status, code);
    }

    /**
     * @param why what went wrong, e.g. {@code connection refused}
     * @return a retriable 503/50304
     */
    public static SchemaRegistryException unavailable(String why, int status, int code) {
        return new SchemaRegistryException(ErrorCode.SCHEMA_REGISTRY_UNAVAILABLE,
                "Schema Registry unavailable: " + why + "; retry later.", status, code);
    }
}
