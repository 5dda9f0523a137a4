package io.github.krest.perf;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Consume throughput of a pre-filled topic, one reader per partition: krest v2 binary consumer instances (one per
 * partition, assigned, {@code max_bytes} 8 MiB) beside native assign-mode consumers. Each reader starts over from
 * the beginning when it reaches the end, so the measured window does not depend on the topic's size.
 */
final class ConsumeBench {
    static final long MAX_BYTES = 8L * 1024 * 1024;

    private final Settings settings;
    private final String bootstrap;
    private final String topic;
    private final Map<Integer, Long> endOffsets = new HashMap<>();

    ConsumeBench(Settings settings, String bootstrap, String topic) {
        this.settings = settings;
        this.bootstrap = bootstrap;
        this.topic = topic;
    }

    /** Writes consumeRecords records, spread evenly over the partitions, and notes each partition's end. */
    void prefill(ProduceBench values) throws Exception {
        Kafka.createTopics(bootstrap, settings.partitions(), topic);
        AtomicReference<Exception> failed = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = Kafka.producer(bootstrap)) {
            for (int i = 0; i < settings.consumeRecords(); i++) {
                // the callback keeps a failure; the returned future would only carry the same one again
                var unused = producer.send(new ProducerRecord<>(topic, i % settings.partitions(), null,
                        values.value(i)), (metadata, e) -> failed.compareAndSet(null, e));
            }
            producer.flush();
        }
        if (failed.get() != null) {
            throw failed.get();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Kafka.consumer(bootstrap)) {
            List<TopicPartition> tps = partitions();
            consumer.endOffsets(tps).forEach((tp, end) -> endOffsets.put(tp.partition(), end));
        }
    }

    private List<TopicPartition> partitions() {
        return java.util.stream.IntStream.range(0, settings.partitions())
                .mapToObj(p -> new TopicPartition(topic, p)).toList();
    }

    /** Native consumers, one per partition. */
    ClosedLoop.Measured nativeConsume(ClosedLoop.Warmup warmup) throws InterruptedException {
        AtomicLong records = new AtomicLong();
        return ClosedLoop.run("native-consume", settings.partitions(), warmup, settings.measure(), records,
                ProcessCpu.none(), (p, stopped) -> {
                    TopicPartition tp = new TopicPartition(topic, p);
                    try (KafkaConsumer<byte[], byte[]> consumer = Kafka.consumer(bootstrap)) {
                        consumer.assign(List.of(tp));
                        consumer.seekToBeginning(List.of(tp));
                        while (!stopped.get()) {
                            ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(100));
                            records.addAndGet(polled.count());
                            if (consumer.position(tp) >= endOffsets.get(p)) {
                                consumer.seekToBeginning(List.of(tp));
                            }
                        }
                    }
                });
    }

    /**
     * krest v2 consumer instances, one per partition, all requests through {@code http}.
     *
     * @param warmup load before the measured window (longer through the load balancer: PerfMain)
     */
    ClosedLoop.Measured krestConsume(KrestHttp http, String label, ProcessCpu cpu, AtomicLong errors,
                                     ClosedLoop.Warmup warmup) throws InterruptedException {
        String group = "perf-" + label + "-" + System.currentTimeMillis();
        AtomicLong records = new AtomicLong();
        return ClosedLoop.run("krest-consume-" + label, settings.partitions(), warmup, settings.measure(),
                records, cpu, (p, stopped) -> {
                    String name = "c" + p;
                    http.createConsumer(group, name);
                    try {
                        http.assign(group, name, topic, p);
                        while (!stopped.get()) {
                            KrestHttp.Poll poll = http.poll(group, name, MAX_BYTES, 1000);
                            records.addAndGet(poll.records());
                            if (poll.nextOffset() >= endOffsets.get(p)) {
                                http.seekToBeginning(group, name, topic, p);
                            }
                        }
                    } finally {
                        try {
                            http.deleteConsumer(group, name);
                        } catch (IOException | RuntimeException e) {
                            errors.incrementAndGet();
                        }
                    }
                });
    }
}
