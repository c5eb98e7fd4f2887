package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code ./otp audit} refuses a secret it was given outside a file, without printing it anywhere. */
class AuditCommandTest {

    @Test
    void shouldRefuseWithoutPrintingItWhenJdbcUrlCarriesAPassword() {
        final CliRun run = CliRun.of("audit", "verify", "--jdbc-url",
                "jdbc:postgresql://127.0.0.1:1/otp?user=reader&password=hunter2-secret");

        assertThat(run.exitCode()).as("could not run").isEqualTo(2);
        assertThat(run.err()).contains("password file");
        assertThat(run.out() + run.err()).doesNotContain("hunter2-secret");
    }
}
