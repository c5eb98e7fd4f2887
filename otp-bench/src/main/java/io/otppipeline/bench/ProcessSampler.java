package io.otppipeline.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import oshi.SystemInfo;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * CPU time and peak resident memory of the named processes (each with its descendants, so PostgreSQL's
 * backends count towards PostgreSQL), read through OSHI every 200 milliseconds. CPU time of a descendant that
 * exits during a run is lost; every long-lived backend of the row-lock pool stays for the whole run.
 */
final class ProcessSampler implements AutoCloseable {

    private static final long PERIOD_MS = 200;

    private final OperatingSystem os = new SystemInfo().getOperatingSystem();
    private final Map<String, LongSupplier> targets = new LinkedHashMap<>();
    private final Map<String, Long> cpuAtStart = new ConcurrentHashMap<>();
    private final Map<String, Long> peakRss = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread t = new Thread(r, "process-sampler");
        t.setDaemon(true);
        return t;
    });
    private long startNanos;

    ProcessSampler() {
        timer.scheduleAtFixedRate(this::sampleMemory, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** Follows {@code name}; {@code pid} is asked on every sample (a restarted service gets a new pid). */
    synchronized void track(final String name, final LongSupplier pid) {
        targets.put(name, pid);
    }

    /** Starts a measurement window: CPU counters read now, peaks reset. */
    synchronized void begin() {
        startNanos = System.nanoTime();
        cpuAtStart.clear();
        peakRss.clear();
        targets.forEach((name, pid) -> cpuAtStart.put(name, tree(pid.getAsLong()).stream()
                .mapToLong(p -> p.getUserTime() + p.getKernelTime()).sum()));
        sampleMemory();
    }

    /** Ends the window opened by {@link #begin()}: each process's CPU and peak memory since then. */
    synchronized Map<String, ProcessUsage> end() {
        sampleMemory();
        final double wallSeconds = (System.nanoTime() - startNanos) / 1e9;
        final Map<String, ProcessUsage> usage = new LinkedHashMap<>();
        targets.forEach((name, pid) -> {
            final long cpuMs = tree(pid.getAsLong()).stream().mapToLong(p -> p.getUserTime() + p.getKernelTime())
                    .sum() - cpuAtStart.getOrDefault(name, 0L);
            usage.put(name, new ProcessUsage(round(cpuMs / 1000.0), round(100.0 * cpuMs / 1000.0 / wallSeconds),
                    round(peakRss.getOrDefault(name, 0L) / 1048576.0)));
        });
        return usage;
    }

    private synchronized void sampleMemory() {
        targets.forEach((name, pid) -> {
            final long rss = tree(pid.getAsLong()).stream().mapToLong(OSProcess::getResidentSetSize).sum();
            peakRss.merge(name, rss, Math::max);
        });
    }

    private List<OSProcess> tree(final long pid) {
        final OSProcess root = os.getProcess((int) pid);
        if (root == null) {
            return List.of();
        }
        final List<OSProcess> all = new java.util.ArrayList<>(os.getDescendantProcesses((int) pid, null, null, 0));
        all.add(root);
        return all;
    }

    private static double round(final double v) {
        return Math.round(v * 10) / 10.0;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
