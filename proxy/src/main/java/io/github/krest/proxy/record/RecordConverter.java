package io.github.krest.proxy.record;

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
     * @throws io.github.krest.proxy.error.RestException when a service the format needs fails (e.g. the Schema
     *         Registry is unreachable): the poll answers it, after the records before this one if any
     */
    T convert(ConsumedRecord record);
}
