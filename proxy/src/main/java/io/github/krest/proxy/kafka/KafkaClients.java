package io.github.krest.proxy.kafka;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The replica's Kafka clients: the shared {@code KafkaProducer<byte[], byte[]>} and {@link Admin} of the service
 * principal ({@code client.*}), and, with {@code kafka.principal.propagation} on, new producers and admin clients
 * that authenticate as a caller ({@link #createProducer(KafkaIdentity)}, {@link #createAdmin(KafkaIdentity)}; the
 * core's {@code KafkaSessions} caches them). This is the only package that creates Kafka clients.
 *
 * <p>Producer settings: {@code acks=all} and {@code linger.ms=1} unless {@code producer.*} says otherwise, and
 * Kafka's own default for {@code enable.idempotence} (true, unless {@code acks} or {@code retries} rule it out or
 * {@code producer.enable.idempotence=false}), so the producer's retries neither duplicate nor reorder records.
 * Confluent's proxy forces idempotence off (KREST-4606: an idempotent producer could become unusable after some
 * errors); krest replaces a producer that does ({@link RenewableProducer}) instead.
 */
public final class KafkaClients implements AutoCloseable {
    private final KrestConfig config;
    private final PrincipalPropagation propagation;
    private final String suffix;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong sharedGeneration = new AtomicLong();
    private final RenewableProducer producer;
    private final Admin admin;

    /**
     * Creates the shared clients; they connect lazily.
     *
     * @param config krest configuration with {@code bootstrap.servers} set
     */
    public KafkaClients(KrestConfig config) {
        this.config = config;
        this.propagation = PrincipalPropagation.of(config.getString(KrestConfig.KAFKA_PRINCIPAL_PROPAGATION));
        String id = config.getString(KrestConfig.ID);
        this.suffix = id.isEmpty() ? "" : "-" + id;
        // a replacement gets a client id of its own, so that its metrics do not collide with the closing producer's
        this.producer = RenewableProducer.of(() -> {
            long generation = sharedGeneration.incrementAndGet();
            return new KafkaProducer<>(producerProperties("krest-producer" + suffix
                    + (generation == 1 ? "" : "-" + generation)), new ByteArraySerializer(), new ByteArraySerializer());
        }, "shared producer");
        Map<String, Object> adminProps = config.clientProperties("admin");
        adminProps.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "krest-admin" + suffix);
        this.admin = Admin.create(adminProps);
    }

    /** @return {@code kafka.principal.propagation} */
    public PrincipalPropagation propagation() {
        return propagation;
    }

    /** @return the shared producer of the service principal, replaced when it can no longer send */
    public RenewableProducer producer() {
        return producer;
    }

    /** @return the shared admin client of the service principal */
    public Admin admin() {
        return admin;
    }

    /**
     * A new producer that authenticates to Kafka as the caller; the caller of this method owns (closes) it.
     *
     * @param identity the caller
     * @return the producer (connects lazily)
     * @throws RestException 401/40101 when the caller has no credential {@code kafka.principal.propagation} can use
     */
    public Producer<byte[], byte[]> createProducer(KafkaIdentity identity) {
        Map<String, Object> props = producerProperties("");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "krest-producer" + suffix + "-" + sequence.incrementAndGet());
        asCaller(props, sasl(identity));
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * A new admin client that authenticates to Kafka as the caller; the caller of this method owns (closes) it.
     *
     * @param identity the caller
     * @return the admin client (connects lazily)
     * @throws RestException 401/40101 when the caller has no credential {@code kafka.principal.propagation} can use
     */
    public Admin createAdmin(KafkaIdentity identity) {
        Map<String, Object> props = config.clientProperties("admin");
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "krest-admin" + suffix + "-" + sequence.incrementAndGet());
        asCaller(props, sasl(identity));
        return Admin.create(props);
    }

    /**
     * The SASL settings of a caller's clients.
     *
     * @param identity the caller
     * @return settings over {@code client.*}
     * @throws RestException 401/40101 when the caller has no credential the propagation mode can use
     */
    Map<String, Object> sasl(KafkaIdentity identity) {
        return saslProperties(propagation, identity);
    }

    /**
     * @param propagation the mode (not {@link PrincipalPropagation#NONE})
     * @param identity the caller
     * @return the caller's SASL settings
     * @throws RestException 401/40101 when the caller has no credential the mode can use
     */
    static Map<String, Object> saslProperties(PrincipalPropagation propagation, KafkaIdentity identity) {
        return propagation.saslProperties(identity).orElseThrow(() -> new RestException(
                ErrorCode.AUTHENTICATION_FAILED, "Authentication failed: kafka.principal.propagation="
                + propagation.name() + " needs " + (propagation == PrincipalPropagation.OAUTHBEARER
                ? "a bearer token" : "HTTP Basic credentials") + " to act as the caller in Kafka."));
    }

    /**
     * Turns a client configuration of the service principal into one of the caller: the caller's SASL settings
     * replace the service principal's, and the service principal's login and client callback handlers and login
     * class (e.g. for its own OAuth client credentials) are dropped, since they would log in as someone else.
     *
     * @param props settings from {@code client.*} and the kind's prefix; changed in place
     * @param sasl the caller's SASL settings
     */
    static void asCaller(Map<String, Object> props, Map<String, Object> sasl) {
        props.remove(SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS);
        props.remove(SaslConfigs.SASL_CLIENT_CALLBACK_HANDLER_CLASS);
        props.remove(SaslConfigs.SASL_LOGIN_CLASS);
        props.putAll(sasl);
    }

    private Map<String, Object> producerProperties(String clientId) {
        Map<String, Object> props = config.clientProperties("producer");
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 1);
        return props;
    }

    /** Flushes and closes the producer, then closes the admin client. */
    @Override
    public void close() {
        producer.close();
        admin.close();
    }

    /**
     * The Kafka consumer settings of a reader: {@code client.*} and {@code consumer.*} with their prefixes
     * stripped, no {@code group.id}, auto-commit off, {@code auto.offset.reset} from the instance, and krest's
     * defaults where the configuration sets nothing: {@code fetch.max.wait.ms} 100, {@code receive.buffer.bytes}
     * -1.
     *
     * @param config krest's configuration
     * @param autoOffsetReset the instance's {@code auto.offset.reset}
     * @return a new mutable map (without {@code client.id} and caller credentials, which the reader adds)
     */
    static Map<String, Object> readerProperties(KrestConfig config, String autoOffsetReset) {
        Map<String, Object> props = config.clientProperties("consumer");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, autoOffsetReset);
        // after a seek (another replica moved the position, or max_bytes cut the last poll) the next fetch waits
        // for the previous long fetch to return: Kafka's 500 ms default would delay such polls by half a second
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        // a reader spends most of a poll outside KafkaConsumer.poll (rendering what it fetched, waiting for the
        // next HTTP poll), and only inside it does the consumer read its socket: with Kafka's 64 KiB default the
        // prefetched batch (up to max.partition.fetch.bytes, 1 MiB) stays mostly on the broker's side until then,
        // and after a seek the stale prefetch must be received whole before the fetch from the new position is
        // sent. The operating system's self-tuning buffer takes in the whole batch while the reader works
        props.putIfAbsent(ConsumerConfig.RECEIVE_BUFFER_CONFIG, -1);
        return props;
    }
}
