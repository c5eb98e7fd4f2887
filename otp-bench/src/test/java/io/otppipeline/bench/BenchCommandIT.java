package io.otppipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.otppipeline.schemas.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs {@code ./otp bench --quick} (the same command, in this JVM) on real processes and checks that every
 * figure the report promises was produced. It never asserts a figure's value: performance is read from the
 * report, not tested.
 */
class BenchCommandIT {

    /** The processes of the default layout: {@code ./otp local}'s one JVM beside the broker and PostgreSQL. */
    private static final List<String> SHIPPED = List.of("otp-local", "kafka-broker", "postgresql", "row-lock-server",
            "bench-driver");

    private static final List<String> PER_SERVICE = List.of("otp-processor", "otp-api", "otp-audit", "kafka-broker",
            "postgresql", "row-lock-server", "bench-driver");

    @TempDir
    Path dir;

    @Test
    void shouldProduceEveryFigureWhenQuickRunCompletes() throws Exception {
        final StringWriter out = new StringWriter();
        final int status = new CommandLine(new BenchCommand()).setOut(new PrintWriter(out))
                .execute("--quick", "--data-dir", dir.resolve("data").toString(), "--out", dir.resolve("out").toString());

        assertThat(status).isZero();
        final JsonNode results = Json.mapper().readTree(onlyJsonFile(dir.resolve("out")).toFile());
        assertThat(results.at("/config/layout").asText()).isEqualTo("SHIPPED");
        assertThat(Files.readString(dir.resolve("data/otp-local.log"))).as("./otp local's own banner")
                .contains("OTP pipeline ready in");
        for (String process : SHIPPED) {
            assertThat(results.at("/idle/" + process + "/cpuSeconds").isNumber()).as("idle CPU of %s", process).isTrue();
        }
        final Set<String> combinations = new HashSet<>();
        for (JsonNode run : results.get("runs")) {
            combinations.add(run.get("path").asText() + " " + run.get("workload").asText() + " "
                    + run.get("system").asText());
            assertFiguresPresent(run, SHIPPED);
        }
        for (String path : List.of("a-core", "b-http")) {
            for (String workload : List.of("issuance", "uniform", "hot")) {
                assertThat(combinations).contains(path + " " + workload + " streams", path + " " + workload + " row-lock");
            }
        }
        assertThat(results.get("sweep")).hasSize(2);
        results.get("sweep").forEach(p -> {
            assertFiguresPresent(p.get("core"), SHIPPED);
            assertFiguresPresent(p.get("http"), SHIPPED);
        });
        assertThat(results.get("stateSize")).hasSize(5);
        results.get("stateSize").forEach(p -> assertThat(p.get("mibPerMillionUsers").isNumber()).isTrue());
        assertThat(results.get("changelogBytesPerOperation").get("uniform").fieldNames())
                .toIterable().anyMatch(topic -> topic.endsWith("otp-user-state-changelog"));
        assertThat(results.at("/machine/logicalCores").asInt()).isPositive();
        assertThat(out.toString()).contains("Layout: shipped", "### Ratios", "### CPU-ms per operation per process",
                "### Idle", "### commit.interval.ms sweep", "### State store size");
    }

    @Test
    void shouldMeasureEachServiceApartWhenLayoutIsPerService() throws Exception {
        final StringWriter out = new StringWriter();
        final int status = new CommandLine(new BenchCommand()).setOut(new PrintWriter(out)).execute("--quick",
                "--layout", "per-service", "--skip", "http,sweep,state-size", "--users", "100", "--data-dir",
                dir.resolve("data").toString(), "--out", dir.resolve("out").toString());

        assertThat(status).isZero();
        final JsonNode results = Json.mapper().readTree(onlyJsonFile(dir.resolve("out")).toFile());
        final Set<String> combinations = new HashSet<>();
        for (JsonNode run : results.get("runs")) {
            combinations.add(run.get("workload").asText() + " " + run.get("system").asText());
            assertFiguresPresent(run, PER_SERVICE);
            assertThat(run.get("processes").has("otp-local")).as("a shipped JVM in %s", run).isFalse();
        }
        assertThat(combinations).contains("issuance streams", "uniform streams", "hot streams");
        assertThat(out.toString()).contains("Layout: per-service");
    }

    @Test
    void shouldRefuseUnknownLayoutNamingTheAcceptedOnes() {
        final StringWriter err = new StringWriter();
        final int status = new CommandLine(new BenchCommand()).setErr(new PrintWriter(err))
                .execute("--layout", "one-jvm", "--data-dir", dir.resolve("data").toString());

        assertThat(status).isNotZero();
        assertThat(err.toString()).contains("--layout takes shipped or per-service; got one-jvm");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    private static void assertFiguresPresent(final JsonNode run, final List<String> processes) {
        assertThat(run.get("operations").asLong()).as("operations of %s", run).isPositive();
        assertThat(run.get("operations").asLong() - run.get("errors").asLong()).as("answered in %s", run).isPositive();
        for (String figure : List.of("throughput", "p50Ms", "p95Ms", "p99Ms", "p999Ms")) {
            assertThat(run.get(figure).isNumber()).as("%s of %s", figure, run).isTrue();
        }
        assertThat(run.get("decisions").size()).isPositive();
        for (String process : processes) {
            final JsonNode usage = run.get("processes").get(process);
            assertThat(usage).as("%s in %s", process, run).isNotNull();
            assertThat(usage.get("peakRssMiB").asDouble()).as("peak memory of %s", process).isPositive();
        }
    }

    private static Path onlyJsonFile(final Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            final List<Path> json = new ArrayList<>(files.filter(p -> p.toString().endsWith(".json")).toList());
            assertThat(json).hasSize(1);
            return json.get(0);
        }
    }
}
