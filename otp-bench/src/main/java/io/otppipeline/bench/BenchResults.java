package io.otppipeline.bench;

import java.util.List;
import java.util.Map;

/**
 * Everything one {@code ./otp bench} run measured; written as JSON next to the printed table.
 *
 * @param startedAt when the run started (ISO-8601, UTC)
 * @param machine where it ran
 * @param config what it ran
 * @param runs every workload on every path and system, in the order run
 * @param sweep the processor's {@code commit.interval.ms} sweep: one run on path (a) and one on path (b) per value
 * @param changelogBytesPerOperation bytes the processor's runs on path (a) added to each topic, per operation, by
 *     workload then topic (state store changelogs end in {@code -changelog})
 * @param stateSize bytes of state store per user at each moment of the state-size measurement
 * @param idle CPU and peak memory of each process while no request came ({@link BenchConfig#idleSeconds()} after
 *     {@link BenchConfig#idleSettleSeconds()} without any), by process name
 */
public record BenchResults(String startedAt, Machine machine, BenchConfig config, List<RunResult> runs,
                           List<SweepPoint> sweep, Map<String, Map<String, Double>> changelogBytesPerOperation,
                           List<StateSize.Point> stateSize, Map<String, ProcessUsage> idle) {

    /**
     * One value of the sweep.
     *
     * @param commitIntervalMs {@code commit.interval.ms}, in milliseconds
     * @param core path (a), uniform verifications as fast as they go
     * @param http path (b), uniform verifications at the sweep's fixed rate
     * @param delivery issuance on path (a) at half the sweep's rate, open loop: latency = scheduled send to the
     *     delivery record readable read_committed (a code is sent only after its transaction commits, so this is
     *     what the commit interval now costs a user)
     */
    public record SweepPoint(long commitIntervalMs, RunResult core, RunResult http, RunResult delivery) {
    }
}
