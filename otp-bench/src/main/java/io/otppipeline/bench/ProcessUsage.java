package io.otppipeline.bench;

/**
 * One process's (with its children, for PostgreSQL) use of the machine during one run.
 *
 * @param cpuSeconds user plus system CPU time, in seconds (not rounded; the kernel counts in clock ticks of 10 ms)
 * @param cpuPercent CPU time over wall time, in percent of one core (200 = both cores of a 2-core machine)
 * @param peakRssMiB highest resident set size sampled (every 200 milliseconds), in MiB
 */
public record ProcessUsage(double cpuSeconds, double cpuPercent, double peakRssMiB) {
}
