package io.otppipeline.bench;

import io.otppipeline.schemas.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Renders {@link BenchResults} as Markdown tables (readable in a terminal, pasteable into docs) and as JSON. */
final class Report {

    /** Every process a run may track, in the order the tables show them; a table shows those its runs had. */
    private static final List<String> PROCESSES = List.of(BenchEnvironment.SHIPPED_JVM, "otp-processor", "otp-api",
            "otp-audit", "kafka-broker", "postgresql", "row-lock-server", "bench-driver");

    /** The processes of this project's system: all but the row-lock design's server and the load driver. */
    private static final List<String> STREAMS_PROCESSES = List.of(BenchEnvironment.SHIPPED_JVM, "otp-processor",
            "otp-api", "otp-audit", "kafka-broker", "postgresql");

    private Report() {
    }

    /** Writes the results as pretty JSON to {@code <dir>/bench-<timestamp>.json}. */
    static Path writeJson(final BenchResults results, final Path dir) throws IOException {
        Files.createDirectories(dir);
        final Path file = dir.resolve("bench-" + results.startedAt().replace(':', '-') + ".json");
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), results);
        return file;
    }

    /** The whole report as Markdown. */
    static String markdown(final BenchResults r) {
        final StringBuilder out = new StringBuilder();
        final Machine m = r.machine();
        out.append(String.format(Locale.ROOT, "Machine: %s, %d logical cores, %.1f GiB; %s; %s; Kafka %s; %s%n",
                m.cpu(), m.logicalCores(), m.memoryGiB(), m.os(), m.jvm(), m.kafka(), m.postgres()));
        out.append(String.format(Locale.ROOT, "Layout: %s%s%n%n", r.config().layout().flag(),
                r.config().layout() == Layout.SHIPPED ? " (./otp local: one JVM with the four services and the "
                        + "mail and SMS sinks)" : " (otp-processor, otp-api and otp-audit apart; no notifier)"));
        final List<String> shown = shown(r);
        runs(out, r.runs());
        ratios(out, r.runs());
        processes(out, r.runs(), shown);
        perOperation(out, r.runs(), shown);
        idle(out, r, shown);
        if (!r.sweep().isEmpty()) {
            sweep(out, r.sweep());
        }
        changelog(out, r.changelogBytesPerOperation());
        if (!r.stateSize().isEmpty()) {
            state(out, r.stateSize());
        }
        return out.toString();
    }

    private static void runs(final StringBuilder out, final List<RunResult> runs) {
        out.append("### Throughput and latency (ms; path b from the scheduled send time; failures at their time of "
                + "failure)\n\n");
        out.append("| path | workload | system | offered/s | ops | ops/s | p50 | p95 | p99 | p99.9 | errors | decisions |\n");
        out.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (RunResult x : runs) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %d | %.0f | %.1f | %.1f | %.1f | %.1f | %d | %s |%n",
                    x.path(), x.workload(), x.system(), x.rate() == null ? "max" : x.rate(), x.operations(),
                    x.throughput(), x.p50Ms(), x.p95Ms(), x.p99Ms(), x.p999Ms(), x.errors(), decisions(x)));
        }
        out.append('\n');
    }

    private static String decisions(final RunResult x) {
        final StringBuilder s = new StringBuilder();
        x.decisions().forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return s.toString();
    }

    private static void ratios(final StringBuilder out, final List<RunResult> runs) {
        out.append("### Ratios (streams over row-lock; above 1 = streams better)\n\n");
        out.append("| path | workload | offered/s | throughput ratio | p50 ratio | p99 ratio | CPU-ms per op, streams | row-lock |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (RunResult s : runs) {
            if (!Benchmark.STREAMS.equals(s.system())) {
                continue;
            }
            partner(runs, s).ifPresent(b -> out.append(String.format(Locale.ROOT,
                    "| %s | %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f |%n", s.path(), s.workload(),
                    s.rate() == null ? "max" : s.rate(), s.throughput() / b.throughput(), b.p50Ms() / s.p50Ms(),
                    b.p99Ms() / s.p99Ms(), cpuMsPerOperation(s), cpuMsPerOperation(b))));
        }
        out.append('\n');
    }

    private static Optional<RunResult> partner(final List<RunResult> runs, final RunResult s) {
        return runs.stream().filter(b -> Benchmark.ROW_LOCK.equals(b.system()) && b.path().equals(s.path())
                && b.workload().equals(s.workload()) && Objects.equals(b.rate(), s.rate())).findFirst();
    }

    /**
     * CPU milliseconds of every process of the system (driver excluded) per answered operation (the same number
     * as CPU seconds per 1,000 operations).
     */
    static double cpuMsPerOperation(final RunResult x) {
        final List<String> mine = Benchmark.STREAMS.equals(x.system()) ? STREAMS_PROCESSES
                : List.of("row-lock-server", "postgresql");
        final double cpu = mine.stream().map(x.processes()::get).filter(Objects::nonNull)
                .mapToDouble(ProcessUsage::cpuSeconds).sum();
        final double answered = x.operations() - x.errors();
        return answered == 0 ? 0 : 1000 * cpu / answered;
    }

    /** The processes that any run of {@code r} tracked, in {@link #PROCESSES} order. */
    private static List<String> shown(final BenchResults r) {
        return PROCESSES.stream().filter(p -> r.idle().containsKey(p)
                || r.runs().stream().anyMatch(x -> x.processes().containsKey(p))).toList();
    }

    private static void processes(final StringBuilder out, final List<RunResult> runs, final List<String> shown) {
        out.append("### CPU (% of one core) / peak resident memory (MiB) per process\n\n| path | workload | system | offered/s |");
        shown.forEach(p -> out.append(' ').append(p).append(" |"));
        out.append("\n|---|---|---|---:|");
        shown.forEach(p -> out.append("---:|"));
        out.append('\n');
        for (RunResult x : runs) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |", x.path(), x.workload(), x.system(),
                    x.rate() == null ? "max" : x.rate()));
            for (String p : shown) {
                final ProcessUsage u = x.processes().get(p);
                out.append(u == null ? " - |" : String.format(Locale.ROOT, " %.0f / %.0f |", u.cpuPercent(), u.peakRssMiB()));
            }
            out.append('\n');
        }
        out.append('\n');
    }

    /** CPU milliseconds per answered operation of each process, the driver included (issue 14's figure). */
    private static void perOperation(final StringBuilder out, final List<RunResult> runs, final List<String> shown) {
        out.append("### CPU-ms per operation per process (CPU time over answered operations; - = not running)\n\n"
                + "| path | workload | system | offered/s |");
        shown.forEach(p -> out.append(' ').append(p).append(" |"));
        out.append(" all but the driver |\n|---|---|---|---:|");
        shown.forEach(p -> out.append("---:|"));
        out.append("---:|\n");
        for (RunResult x : runs) {
            final double answered = Math.max(1, x.operations() - x.errors());
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |", x.path(), x.workload(), x.system(),
                    x.rate() == null ? "max" : x.rate()));
            for (String p : shown) {
                final ProcessUsage u = x.processes().get(p);
                out.append(u == null ? " - |" : String.format(Locale.ROOT, " %.3f |", 1000 * u.cpuSeconds() / answered));
            }
            out.append(String.format(Locale.ROOT, " %.3f |%n", cpuMsPerOperation(x)));
        }
        out.append('\n');
    }

    /** CPU of each process while no request came, and this project's processes together. */
    private static void idle(final StringBuilder out, final BenchResults r, final List<String> shown) {
        out.append(String.format(Locale.ROOT, "### Idle: CPU (%% of one core) / peak resident memory (MiB), %d s "
                + "measured after %d s without a request%n%n|", r.config().idleSeconds(), r.config().idleSettleSeconds()));
        shown.forEach(p -> out.append(' ').append(p).append(" |"));
        out.append(" this project, all processes |\n|");
        shown.forEach(p -> out.append("---:|"));
        out.append("---:|\n|");
        for (String p : shown) {
            final ProcessUsage u = r.idle().get(p);
            out.append(u == null ? " - |" : String.format(Locale.ROOT, " %.1f / %.0f |", u.cpuPercent(), u.peakRssMiB()));
        }
        out.append(String.format(Locale.ROOT, " %.1f |%n%n", STREAMS_PROCESSES.stream().map(r.idle()::get)
                .filter(Objects::nonNull).mapToDouble(ProcessUsage::cpuPercent).sum()));
    }

    private static void sweep(final StringBuilder out, final List<BenchResults.SweepPoint> sweep) {
        out.append("### commit.interval.ms sweep (uniform verifications; issuance to the committed delivery topic)\n\n");
        out.append("| commit.interval.ms | path a ops/s | path a p50 | path a p99 | path b offered/s | path b p50 | path b p99 | path b p99.9 | processor (or otp-local) CPU % (b) | issuance/s | to delivery p50 | to delivery p99 |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (BenchResults.SweepPoint p : sweep) {
            final ProcessUsage u = p.http().processes().getOrDefault("otp-processor",
                    p.http().processes().get(BenchEnvironment.SHIPPED_JVM));
            out.append(String.format(Locale.ROOT, "| %d | %.0f | %.1f | %.1f | %d | %.1f | %.1f | %.1f | %.0f | %d | %.1f | %.1f |%n",
                    p.commitIntervalMs(), p.core().throughput(), p.core().p50Ms(), p.core().p99Ms(), p.http().rate(),
                    p.http().p50Ms(), p.http().p99Ms(), p.http().p999Ms(), u == null ? 0 : u.cpuPercent(),
                    p.delivery().rate(), p.delivery().p50Ms(), p.delivery().p99Ms()));
        }
        out.append('\n');
    }

    private static void changelog(final StringBuilder out, final Map<String, Map<String, Double>> perOp) {
        out.append("### Bytes written to each topic per operation (path a, this project)\n\n| workload | topic | bytes/op |\n|---|---|---:|\n");
        perOp.forEach((workload, topics) -> topics.forEach((topic, bytes) -> out.append(
                String.format(Locale.ROOT, "| %s | %s | %.1f |%n", workload, topic, bytes))));
        out.append('\n');
    }

    private static void state(final StringBuilder out, final List<StateSize.Point> points) {
        out.append("### State store size (key + value bytes, 3 stores)\n\n| moment | seconds later | entries | bytes per user | MiB per 1,000,000 users |\n|---|---:|---|---:|---:|\n");
        for (StateSize.Point p : points) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %s | %.1f | %.1f |%n", p.moment(), p.atSeconds(),
                    p.entries(), p.bytesPerUser(), p.mibPerMillionUsers()));
        }
        out.append('\n');
    }
}
