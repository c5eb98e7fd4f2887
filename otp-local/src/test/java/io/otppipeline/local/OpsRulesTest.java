package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.otppipeline.schemas.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The operations files hold: {@code ops/alerts.yml} passes {@code promtool check rules} and its unit tests
 * ({@code promtool test rules ops/alerts.test.yml}: every alert fires on the series that should fire it, and only
 * there); every runbook an alert names exists in docs/RUNBOOKS.md; the Grafana dashboard is JSON whose panels query
 * only metrics the services serve ({@code OperationsIT} checks those against real scrapes). {@code promtool} comes
 * from Debian's {@code prometheus} package, installed by {@code .ci/run}.
 */
class OpsRulesTest {

    private static final Path OPS = Path.of("..", "ops");

    @Test
    void shouldPassPromtoolCheckAndUnitTestsWhenAlertRulesAreRead() throws Exception {
        assertThat(promtool("check", "rules", "alerts.yml")).contains("SUCCESS");
        assertThat(promtool("test", "rules", "alerts.test.yml")).contains("SUCCESS");
    }

    @Test
    void shouldNameAnExistingRunbookWhenAnAlertFires() throws IOException {
        final String runbooks = Files.readString(Path.of("..", "docs", "RUNBOOKS.md"));
        final Matcher m = Pattern.compile("runbook: docs/RUNBOOKS.md#([a-z0-9-]+)").matcher(
                Files.readString(OPS.resolve("alerts.yml")));
        int alerts = 0;
        while (m.find()) {
            alerts++;
            final String anchor = m.group(1);
            assertThat(runbooks.lines().filter(l -> l.startsWith("## ")).map(OpsRulesTest::anchor))
                    .as("a heading for #" + anchor).contains(anchor);
        }
        assertThat(alerts).isEqualTo(11);
    }

    @Test
    void shouldQueryOnlyServedMetricsWhenDashboardIsLoaded() throws IOException {
        final JsonNode dashboard = Json.mapper().readTree(OPS.resolve("grafana-dashboard.json").toFile());
        assertThat(dashboard.path("panels")).isNotEmpty();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).as(panel.path("title").asText())
                        .containsPattern("(otp_|kafka_|jvm_|process_|up\\b)");
            }
        }
    }

    /** GitHub's heading anchor: lower case, spaces to dashes, other punctuation dropped. */
    private static String anchor(final String heading) {
        return heading.substring(3).strip().toLowerCase().replaceAll("[^a-z0-9 -]", "").replace(' ', '-');
    }

    private static String promtool(final String... args) throws IOException, InterruptedException {
        final String[] command = new String[args.length + 1];
        command[0] = "promtool";
        System.arraycopy(args, 0, command, 1, args.length);
        final Process p = new ProcessBuilder(command).directory(OPS.toFile()).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
