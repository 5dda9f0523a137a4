package io.github.krest.perf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Produce throughput: v2 binary produce requests of {@code recordsPerRequest} records and v3 streaming produce,
 * each beside the native producer doing the same work on the same topic (acks=all, linger.ms=1, as krest's
 * shared producer).
 */
final class ProduceBench {
    /** Records in flight per client of the native streaming baseline, as krest's v3 stream queue (1024). */
    private static final int STREAM_WINDOW = 1024;

    private final Settings settings;
    private final String bootstrap;
    private final byte[][] values;

    ProduceBench(Settings settings, String bootstrap) {
        this.settings = settings;
        this.bootstrap = bootstrap;
        Random random = new Random(7);
        values = new byte[64][settings.valueBytes()];
        for (byte[] v : values) {
            random.nextBytes(v);
        }
    }

    /** Native baseline of v2 produce: each client sends a request's worth of records and waits for every ack. */
    ClosedLoop.Measured nativeBatches(String topic, AtomicLong errors, ClosedLoop.Warmup warmup)
            throws InterruptedException {
        AtomicLong acked = new AtomicLong();
        try (KafkaProducer<byte[], byte[]> producer = Kafka.producer(bootstrap)) {
            return ClosedLoop.run("native-produce", settings.produceClients(), warmup, settings.measure(),
                    acked, ProcessCpu.none(), (index, stopped) -> {
                        List<Future<RecordMetadata>> futures = new ArrayList<>(settings.recordsPerRequest());
                        int n = 0;
                        while (!stopped.get()) {
                            futures.clear();
                            for (int i = 0; i < settings.recordsPerRequest(); i++) {
                                futures.add(producer.send(new ProducerRecord<>(topic, values[n++ & 63])));
                            }
                            for (Future<RecordMetadata> f : futures) {
                                try {
                                    f.get();
                                    acked.incrementAndGet();
                                } catch (java.util.concurrent.ExecutionException e) {
                                    errors.incrementAndGet();
                                }
                            }
                        }
                    });
        }
    }

    /** v2 binary produce: each client posts a request of recordsPerRequest records and waits for the answer. */
    ClosedLoop.Measured krestV2(KrestHttp http, String topic, ProcessCpu cpu, AtomicLong errors,
                                ClosedLoop.Warmup warmup) throws InterruptedException {
        StringBuilder body = new StringBuilder("{\"records\":[");
        Base64.Encoder b64 = Base64.getEncoder();
        for (int i = 0; i < settings.recordsPerRequest(); i++) {
            body.append(i == 0 ? "" : ",").append("{\"value\":\"").append(b64.encodeToString(values[i & 63]))
                    .append("\"}");
        }
        byte[] bytes = body.append("]}").toString().getBytes(StandardCharsets.US_ASCII);
        var request = http.produceRequest(topic, bytes);
        AtomicLong acked = new AtomicLong();
        return ClosedLoop.run("krest-v2-produce", settings.produceClients(), warmup, settings.measure(),
                acked, cpu, (index, stopped) -> {
                    while (!stopped.get()) {
                        int failed = http.produce(request);
                        errors.addAndGet(failed);
                        acked.addAndGet(settings.recordsPerRequest() - failed);
                    }
                });
    }

    /** Native baseline of v3 streaming: each client sends record after record, at most 1024 unacknowledged. */
    ClosedLoop.Measured nativeStream(String topic, AtomicLong errors, ClosedLoop.Warmup warmup)
            throws InterruptedException {
        AtomicLong acked = new AtomicLong();
        try (KafkaProducer<byte[], byte[]> producer = Kafka.producer(bootstrap)) {
            return ClosedLoop.run("native-stream", settings.produceClients(), warmup, settings.measure(),
                    acked, ProcessCpu.none(), (index, stopped) -> {
                        Semaphore window = new Semaphore(STREAM_WINDOW);
                        int n = 0;
                        while (!stopped.get()) {
                            window.acquire();
                            // the callback counts the outcome; the returned future would only carry it again
                            var unused = producer.send(new ProducerRecord<>(topic, values[n++ & 63]), (md, e) -> {
                                (e == null ? acked : errors).incrementAndGet();
                                window.release();
                            });
                        }
                        window.acquire(STREAM_WINDOW);
                    });
        }
    }

    /** v3 streaming produce: one connection per client, records streamed until the window ends. */
    ClosedLoop.Measured krestV3Stream(String host, int port, String clusterId, String topic, ProcessCpu cpu,
                                      AtomicLong errors, ClosedLoop.Warmup warmup)
            throws InterruptedException {
        int perChunk = 50;
        StringBuilder chunk = new StringBuilder();
        Base64.Encoder b64 = Base64.getEncoder();
        for (int i = 0; i < perChunk; i++) {
            chunk.append("{\"value\":{\"type\":\"BINARY\",\"data\":\"").append(b64.encodeToString(values[i & 63]))
                    .append("\"}}\n");
        }
        byte[] bytes = chunk.toString().getBytes(StandardCharsets.US_ASCII);
        String path = "/v3/clusters/" + clusterId + "/topics/" + topic + "/records";
        AtomicLong acked = new AtomicLong();
        return ClosedLoop.run("krest-v3-stream", settings.produceClients(), warmup, settings.measure(),
                acked, cpu, (index, stopped) -> new V3StreamClient(host, port, path, bytes, perChunk)
                        .run(stopped::get, acked, errors));
    }

    /** @return a random value of the configured size, for other scenarios */
    byte[] value(int i) {
        return values[i & 63];
    }

    /** Props beyond the defaults, for the report. */
    static Map<String, String> producerSettings() {
        return Map.of("acks", "all", "linger.ms", "1", "enable.idempotence", "true");
    }
}
