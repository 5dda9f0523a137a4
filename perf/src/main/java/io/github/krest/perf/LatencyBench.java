package io.github.krest.perf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Single-record produce latency at a constant rate (open loop: a send is due at its scheduled time whether or not
 * earlier ones were answered), measured from each send's intended time to its answer, in microseconds: one v2
 * binary record per HTTP request through krest, and the native producer's send-to-ack at the same rate.
 */
final class LatencyBench {
    private static final long HIGHEST_US = 120_000_000L;

    private final Settings settings;
    private final String bootstrap;
    private final byte[] value;

    LatencyBench(Settings settings, String bootstrap, byte[] value) {
        this.settings = settings;
        this.bootstrap = bootstrap;
        this.value = value;
    }

    /**
     * @return latencies of one-record v2 produce requests through krest, each sent at its time on a thread of a
     *         cached pool (a blocking call on a pooled keep-alive connection), so a slow answer never delays the
     *         next send. Platform threads, not virtual ones: pinned to one CPU (perf/run --isolate) the JVM runs
     *         virtual threads on a single carrier, and a send then waits behind whatever that carrier runs.
     */
    LatencyResult krest(KrestHttp http, String topic) throws InterruptedException {
        byte[] body = ("{\"records\":[{\"value\":\"" + Base64.getEncoder().encodeToString(value) + "\"}]}")
                .getBytes(StandardCharsets.US_ASCII);
        KrestHttp.ProduceRequest request = http.produceRequest(topic, body);
        Histogram histogram = new ConcurrentHistogram(HIGHEST_US, 3);
        AtomicLong errors = new AtomicLong();
        ExecutorService senders = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().factory());
        run((intended, measured, done) -> senders.execute(() -> {
            boolean ok;
            try {
                ok = http.produce(request) == 0;
            } catch (IOException | RuntimeException e) {
                ok = false;
            }
            long latency = System.nanoTime() - intended;
            if (measured) {
                if (ok) {
                    histogram.recordValue(Math.min(HIGHEST_US, latency / 1000));
                } else {
                    errors.incrementAndGet();
                }
            }
            done.arriveAndDeregister();
        }));
        senders.shutdown();
        return LatencyResult.of("krest v2, 1 record per request", histogram, errors.get());
    }

    /** @return send-to-ack latencies of the native producer */
    LatencyResult nativeProducer(String topic) throws InterruptedException {
        Histogram histogram = new ConcurrentHistogram(HIGHEST_US, 3);
        AtomicLong errors = new AtomicLong();
        try (KafkaProducer<byte[], byte[]> producer = Kafka.producer(bootstrap)) {
            run((intended, measured, done) -> {
                // the callback records the outcome; the returned future would only carry it again
                var unused = producer.send(new ProducerRecord<>(topic, value), (md, e) -> {
                    long latency = System.nanoTime() - intended;
                    if (measured) {
                        if (e == null) {
                            histogram.recordValue(Math.min(HIGHEST_US, latency / 1000));
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                    done.arriveAndDeregister();
                });
            });
        }
        return LatencyResult.of("native producer, send to ack", histogram, errors.get());
    }

    @FunctionalInterface
    private interface Send {
        /** Starts one send due at {@code intended}; arrives at {@code done} when it completed. */
        void start(long intended, boolean measured, Phaser done);
    }

    private void run(Send send) throws InterruptedException {
        RateSchedule schedule = new RateSchedule(settings.latencyRate(), System::nanoTime);
        long measureFrom = schedule.intendedNanos(0) + settings.warmup().toNanos();
        long end = measureFrom + settings.latencyDuration().toNanos();
        Phaser done = new Phaser(1);
        while (true) {
            long intended = schedule.awaitNext();
            if (intended >= end) {
                break;
            }
            done.register();
            send.start(intended, intended >= measureFrom, done);
        }
        done.arriveAndAwaitAdvance();
    }
}
