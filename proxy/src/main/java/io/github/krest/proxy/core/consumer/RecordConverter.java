package io.github.krest.proxy.core.consumer;

/**
 * Renders a consumed record in an embedded format, or refuses it (e.g. a value that is not JSON for the json
 * format). Called before the record's position is stored, so a refused record is not skipped.
 *
 * @param <T> the rendered form
 */
@FunctionalInterface
public interface RecordConverter<T> {
    /**
     * @param record the record
     * @return its rendered form
     * @throws IllegalArgumentException when the record cannot be rendered in this format; the message says why
     */
    T convert(ConsumedRecord record);
}
