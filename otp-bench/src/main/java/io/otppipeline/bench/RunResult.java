package io.otppipeline.bench;

import java.util.Map;

/**
 * The figures of one run of one workload on one system.
 *
 * @param path {@code a-core} (processor alone / transaction alone) or {@code b-http} (end to end over HTTP)
 * @param workload {@code issuance}, {@code uniform} or {@code hot}
 * @param system {@code streams} (this project) or {@code row-lock} (the design it replaces)
 * @param rate offered rate in requests per second (open loop, path b), or {@code null} (as fast as it goes)
 * @param operations operations sent
 * @param errors operations without an answer (timeout, connection error, HTTP 5xx)
 * @param seconds first send to last answer, in seconds
 * @param throughput answered operations per second
 * @param p50Ms median latency in milliseconds (path b: from the scheduled send time; failures count at their
 *     time of failure)
 * @param p95Ms 95th percentile in milliseconds
 * @param p99Ms 99th percentile in milliseconds
 * @param p999Ms 99.9th percentile in milliseconds
 * @param maxMs highest latency in milliseconds
 * @param decisions answers by decision ({@code approved}, {@code denied}, ..., or the HTTP status), and the
 *     errors by kind ({@code error: <exception or status>})
 * @param processes CPU and peak memory of each process during the run, by process name
 */
public record RunResult(String path, String workload, String system, Integer rate, long operations, long errors,
                        double seconds, double throughput, double p50Ms, double p95Ms, double p99Ms,
                        double p999Ms, double maxMs, Map<String, Long> decisions,
                        Map<String, ProcessUsage> processes) {
}
