package dev.unroll.cli.serve;

import dev.unroll.solvers.service.SolverObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The solver's observations as Micrometer meters, which Prometheus reads as {@code unroll_batch_size}
 * (signals per backend batch), {@code unroll_queue_wait_seconds} (a single signal's wait for its
 * micro-batch), {@code unroll_encode_latency_seconds} (a solver call, single or batch) and
 * {@code unroll_encode_errors_total{reason=...}} (the solver's failures and the server's refusals), plus the
 * JVM's memory, threads, CPU and uptime.
 */
final class MicrometerObserver implements SolverObserver {
    private final MeterRegistry registry;
    private final DistributionSummary batchSize;
    private final Timer queueWait;
    private final Timer latency;
    private final Map<Failure, Counter> failures = new EnumMap<>(Failure.class);

    MicrometerObserver(MeterRegistry registry, int maxBatch) {
        this.registry = registry;
        double[] buckets = new double[Integer.SIZE - Integer.numberOfLeadingZeros(Math.max(1, maxBatch))];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = 1 << i; // 1, 2, 4, ... up to the largest batch: where batching is or is not working
        }
        this.batchSize = DistributionSummary.builder("unroll.batch.size")
                .description("signals per backend batch (a gathered micro-batch or a chunk of a batch request)")
                .serviceLevelObjectives(buckets).register(registry);
        this.queueWait = Timer.builder("unroll.queue.wait")
                .description("how long a single signal waited for its micro-batch to start")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(1_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        this.latency = Timer.builder("unroll.encode.latency")
                .description("one solver call, from the call to its codes")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
        for (Failure f : Failure.values()) {
            failures.put(f, errors(f.tag()));
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    @Override
    public void batch(int signals) {
        batchSize.record(signals);
    }

    @Override
    public void queueWait(long nanos) {
        queueWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void encoded(int signals, long nanos) {
        latency.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void failed(Failure reason) {
        failures.get(reason).increment();
    }

    /** The server refused a request before the solver saw it, for {@code reason} (e.g. bad_json, busy). */
    void refused(String reason) {
        errors(reason).increment();
    }

    private Counter errors(String reason) {
        return Counter.builder("unroll.encode.errors").description("failed or refused encode requests, by reason")
                .tag("reason", reason).register(registry);
    }
}
