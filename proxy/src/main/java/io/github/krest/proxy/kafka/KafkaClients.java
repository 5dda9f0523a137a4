package io.github.krest.proxy.kafka;

import java.util.Map;

import io.github.krest.proxy.config.KrestConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The replica's shared Kafka clients: one {@code KafkaProducer<byte[], byte[]>} for all produce traffic and one
 * {@link Admin}. This is the only package that creates Kafka clients.
 *
 * <p>Producer settings as Confluent's proxy: {@code enable.idempotence} is forced off (KREST-4606: an idempotent
 * producer can become unusable after some errors, which a shared producer cannot afford); everything else comes
 * from {@code client.*} and {@code producer.*}.
 */
public final class KafkaClients implements AutoCloseable {
    private final Producer<byte[], byte[]> producer;
    private final Admin admin;

    /**
     * Creates the clients; they connect lazily.
     *
     * @param config krest configuration with {@code bootstrap.servers} set
     */
    public KafkaClients(KrestConfig config) {
        String id = config.getString(KrestConfig.ID);
        String suffix = id.isEmpty() ? "" : "-" + id;

        Map<String, Object> producerProps = config.clientProperties("producer");
        if (producerProps.containsKey(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)) {
            System.getLogger(KafkaClients.class.getName()).log(System.Logger.Level.WARNING,
                    "producer enable.idempotence is ignored: the shared producer never uses idempotence");
        }
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        producerProps.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "krest-producer" + suffix);
        producerProps.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 1);
        this.producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());

        Map<String, Object> adminProps = config.clientProperties("admin");
        adminProps.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "krest-admin" + suffix);
        this.admin = Admin.create(adminProps);
    }

    /** @return the shared producer */
    public Producer<byte[], byte[]> producer() {
        return producer;
    }

    /** @return the shared admin client */
    public Admin admin() {
        return admin;
    }

    /** Flushes and closes the producer, then closes the admin client. */
    @Override
    public void close() {
        producer.flush();
        producer.close();
        admin.close();
    }
}
