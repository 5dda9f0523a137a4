package io.github.krest.state;

/**
 * The root of the state store's exceptions, all unchecked. A plain {@code StateStoreException} (not a subclass)
 * means an unexpected failure of the store itself, such as a script error or a refused authentication.
 */
public class StateStoreException extends RuntimeException {

    public StateStoreException(String message) {
        super(message);
    }

    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
