package io.otppipeline.bench;

import java.util.ArrayList;
import java.util.HashMap;
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
 * CPU time and peak resident memory of the named processes, read through OSHI every 2 seconds (CPU time exactly, from the counters at the start and end of a run; memory
 * as the highest of the samples); a process
 * tracked with its descendants (PostgreSQL: the postmaster and its backends) is summed over the tree. CPU time of
 * a descendant that exits during a run is lost; the backends of both connection pools live for the whole run.
 *
 * <p>Reading a tree means reading every process's {@code /proc} entry; the first version did that for every
 * target every 200 milliseconds and was the benchmark driver's own largest CPU cost (JFR), so only trees that
 * need it are read that way.
 */
final class ProcessSampler implements AutoCloseable {

    /** Memory sampling period: 2 s (it was 500 ms, 5 % of a core of the driver at 2,000 requests/s, JFR). */
    private static final long PERIOD_MS = 2000;

    private final OperatingSystem os = new SystemInfo().getOperatingSystem();
    private record Target(LongSupplier pid, boolean withDescendants) {
    }

    private final Map<String, Target> targets = new LinkedHashMap<>();
    private final Map<String, Map<Integer, Long>> cpuAtStart = new ConcurrentHashMap<>();
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

    /**
     * Follows {@code name}; {@code pid} is asked on every sample (a restarted service gets a new pid).
     *
     * @param withDescendants whether the process's children (and theirs) count as part of it
     */
    synchronized void track(final String name, final LongSupplier pid, final boolean withDescendants) {
        targets.put(name, new Target(pid, withDescendants));
    }

    /** Starts a measurement window: CPU counters read now, peaks reset. */
    synchronized void begin() {
        startNanos = System.nanoTime();
        cpuAtStart.clear();
        peakRss.clear();
        targets.forEach((name, target) -> {
            final Map<Integer, Long> byPid = new HashMap<>();
            processes(target).forEach(p -> byPid.put(p.getProcessID(), cpuMillis(p)));
            cpuAtStart.put(name, byPid);
        });
        sampleMemory();
    }

    /** Ends the window opened by {@link #begin()}: each process's CPU and peak memory since then. */
    synchronized Map<String, ProcessUsage> end() {
        sampleMemory();
        final double wallSeconds = (System.nanoTime() - startNanos) / 1e9;
        final Map<String, ProcessUsage> usage = new LinkedHashMap<>();
        targets.forEach((name, target) -> {
            final Map<Integer, Long> before = cpuAtStart.getOrDefault(name, Map.of());
            final long cpuMs = processes(target).stream()
                    .mapToLong(p -> cpuMillis(p) - before.getOrDefault(p.getProcessID(), 0L)).sum();
            usage.put(name, new ProcessUsage(cpuMs / 1000.0, round(100.0 * cpuMs / 1000.0 / wallSeconds),
                    round(peakRss.getOrDefault(name, 0L) / 1048576.0)));
        });
        return usage;
    }

    private synchronized void sampleMemory() {
        targets.forEach((name, target) -> {
            final long rss = processes(target).stream().mapToLong(OSProcess::getResidentSetSize).sum();
            peakRss.merge(name, rss, Math::max);
        });
    }

    private List<OSProcess> processes(final Target target) {
        final int pid = (int) target.pid().getAsLong();
        final OSProcess root = os.getProcess(pid);
        if (root == null) {
            return List.of();
        }
        if (!target.withDescendants()) {
            return List.of(root);
        }
        final List<OSProcess> all = new ArrayList<>(os.getDescendantProcesses(pid, null, null, 0));
        all.add(root);
        return all;
    }

    private static long cpuMillis(final OSProcess p) {
        return p.getUserTime() + p.getKernelTime();
    }

    private static double round(final double v) {
        return Math.round(v * 10) / 10.0;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
