package io.otppipeline.runtime.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.regex.Pattern;

/**
 * What every service's {@code /metrics} registry gets first: two filters that keep the exposition clean for
 * Prometheus' linter ({@code promtool check metrics}), then the JVM and process meters (memory, GC, threads, CPU,
 * uptime).
 *
 * <ul>
 *   <li>Names: a gauge named {@code ...count} is renamed to the plural ({@code system.cpu.count} →
 *       {@code system_cpus}): a {@code _count} suffix means a histogram's count to Prometheus. Kafka's
 *       {@code connection-count} gauges are not served instead: Micrometer's Kafka binder re-registers its meters
 *       every minute under their original names, and a renamed one logged a duplicate registration.</li>
 *   <li>Not served: meters counted in nanoseconds or milliseconds (Kafka's {@code io-time-ns-total},
 *       {@code start-time-ms}, the JVM's {@code process.cpu.time}): Prometheus wants seconds and a filter cannot
 *       rescale a value ({@code process_cpu_usage} and Kafka's rates and latencies in seconds remain), and meters
 *       without a description (Kafka's per-node request latencies): every meter this project registers has one.</li>
 * </ul>
 */
public final class JvmMeters {

    private static final Pattern UNIT = Pattern.compile("(^|[.-])(ns|ms)([.-]|$)");

    /** Gauges named {@code ...count} renamed to the plural (see above). */
    static final MeterFilter PROMETHEUS_NAMES = new MeterFilter() {
        @Override
        public Meter.Id map(final Meter.Id id) {
            if (id.getType() != Meter.Type.GAUGE || !id.getName().endsWith(".count")) {
                return id;
            }
            final String base = id.getName().substring(0, id.getName().length() - ".count".length());
            return id.withName(base.endsWith("s") ? base : base + "s");
        }
    };

    /** Meters in abbreviated time units, or without help text (see above). */
    static final MeterFilter NOT_SERVED = MeterFilter.deny(id -> id.getDescription() == null
            || id.getDescription().isBlank() || "ns".equals(id.getBaseUnit()) || "ms".equals(id.getBaseUnit())
            || UNIT.matcher(id.getName()).find()
            || id.getType() == Meter.Type.GAUGE && id.getName().startsWith("kafka.") && id.getName().endsWith(".count"));

    private JvmMeters() {
    }

    /** Configures {@code registry} with the filters and binds the JVM meters to it; call before any meter exists. */
    public static void bindTo(final MeterRegistry registry) {
        registry.config().meterFilter(NOT_SERVED).meterFilter(PROMETHEUS_NAMES);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }
}
