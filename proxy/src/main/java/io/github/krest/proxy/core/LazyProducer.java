package io.github.krest.proxy.core;

import java.time.Duration;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;

/**
 * A caller's producer, created on its first send, so that a caller who only reads (metadata, consumers) never starts
 * a producer and its I/O thread.
 */
public final class LazyProducer implements Supplier<Producer<byte[], byte[]>> {
    private final Supplier<Producer<byte[], byte[]>> factory;
    private volatile Producer<byte[], byte[]> producer;
    private boolean closed;

    /** @param factory creates the producer; called at most once */
    public LazyProducer(Supplier<Producer<byte[], byte[]>> factory) {
        this.factory = factory;
    }

    /**
     * @return the producer, created on the first call
     * @throws KafkaException (500/50002) after {@link #close}
     */
    @Override
    public Producer<byte[], byte[]> get() {
        Producer<byte[], byte[]> created = producer;
        if (created != null) {
            return created;
        }
        synchronized (this) {
            if (closed) {
                throw new KafkaException("The caller's producer was closed; retry.");
            }
            if (producer == null) {
                producer = factory.get();
            }
            return producer;
        }
    }

    /**
     * Closes the producer if it was created (sending what it holds first, for up to {@code timeout}).
     *
     * @param timeout longest wait
     */
    public void close(Duration timeout) {
        Producer<byte[], byte[]> created;
        synchronized (this) {
            closed = true;
            created = producer;
        }
        if (created != null) {
            created.close(timeout);
        }
    }
}
