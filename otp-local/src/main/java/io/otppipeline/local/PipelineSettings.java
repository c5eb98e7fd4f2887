package io.otppipeline.local;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the four services find their infrastructure when the launcher (or a test) runs them together.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param jdbcUrl PostgreSQL JDBC URL of the audit database
 * @param jdbcUser database user
 * @param jdbcPasswordFile file holding the database password, or {@code null}
 * @param smtpHost SMTP host the notifier sends to
 * @param smtpPort SMTP port
 * @param apiPort HTTP port of otp-api ({@code 0}: any free port)
 * @param secrets the secrets directory
 * @param stateDir directory for the processor's RocksDB state
 * @param commitIntervalMs processor commit interval in milliseconds
 * @param overrides further settings for the services, for example per-purpose rules
 *     ({@code otp.purpose.<name>.resend.cooldown.seconds}); they win over the ones derived above
 */
public record PipelineSettings(String bootstrapServers, String jdbcUrl, String jdbcUser, Path jdbcPasswordFile, String smtpHost, int smtpPort,
                               int apiPort, DevSecrets secrets, Path stateDir, long commitIntervalMs,
                               Map<String, String> overrides) {

    /** Defensive copy. */
    public PipelineSettings {
        overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
    }
}
