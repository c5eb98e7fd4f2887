package io.otppipeline.audit;

import io.otppipeline.schemas.config.Settings;
import io.otppipeline.schemas.kafka.KafkaConnection;
import java.nio.file.Path;
import java.util.Map;

/**
 * Typed settings of otp-audit (keys in {@code otp-audit.properties}, or {@code OTP_*} variables).
 *
 * @param kafka {@code kafka.bootstrap.servers} (required), {@code kafka.client.*}, {@code kafka.replication.factor},
 *     {@code kafka.topics.create}: how every Kafka client of the service connects ({@link KafkaConnection})
 * @param groupId {@code audit.group.id}: consumer group (positions live in PostgreSQL with the rows; the group
 *     only spreads partitions and shows lag); default {@code otp-audit}
 * @param login {@code audit.jdbc.url} (required, for example {@code jdbc:postgresql://127.0.0.1:5432/otp}),
 *     {@code audit.jdbc.user} (default {@code postgres}) and {@code secrets.audit.jdbc.password.file} (default
 *     none): the sink's login; it must be allowed to {@code SET ROLE otp_audit_writer}
 * @param migrationLogin the same URL with {@code audit.migration.jdbc.user} and
 *     {@code secrets.audit.migration.jdbc.password.file} (defaults: the sink's login): the schema owner that runs
 *     the Flyway migrations on start
 * @param consumerOverrides {@code audit.consumer.<name>}: Kafka consumer settings passed through, for example
 *     {@code audit.consumer.session.timeout.ms}; empty by default
 * @param httpHost {@code audit.http.host}: listen address of {@code /healthz}, {@code /readyz} and
 *     {@code /metrics}; default {@code 127.0.0.1}
 * @param httpPort {@code audit.http.port}: their port; default 9104 (0 picks a free one, -1 turns them off)
 * @param verifyIntervalSeconds {@code audit.verify.interval.seconds}: how often the service recomputes every hash
 *     chain (as {@code ./otp audit verify} does) and publishes the result as {@code otp_audit_chain_*} meters, in
 *     seconds; default 3600 ({@code 0}: never). One pass reads every row once (docs/OPERATIONS.md).
 */
public record AuditConfig(KafkaConnection kafka, String groupId, JdbcLogin login,
                          JdbcLogin migrationLogin, Map<String, String> consumerOverrides, String httpHost,
                          int httpPort, long verifyIntervalSeconds) {

    /**
     * Defensive copy.
     *
     * @throws IllegalStateException if the verification interval is negative
     */
    public AuditConfig {
        consumerOverrides = Map.copyOf(consumerOverrides);
        if (verifyIntervalSeconds < 0) {
            throw new IllegalStateException("audit.verify.interval.seconds must be 0 (never) or positive");
        }
    }

    /**
     * Reads the settings listed above.
     *
     * @throws IllegalStateException naming a missing or malformed setting
     */
    public static AuditConfig from(final Settings s) {
        final String url = s.required("audit.jdbc.url");
        final String user = s.string("audit.jdbc.user", "postgres");
        final Path password = s.optionalPath("secrets.audit.jdbc.password.file");
        final Path migrationPassword = s.optionalPath("secrets.audit.migration.jdbc.password.file");
        return new AuditConfig(
                KafkaConnection.from(s),
                s.string("audit.group.id", "otp-audit"),
                new JdbcLogin(url, user, password),
                new JdbcLogin(url, s.string("audit.migration.jdbc.user", user),
                        migrationPassword != null ? migrationPassword : password),
                s.passThrough("audit.consumer."),
                s.string("audit.http.host", "127.0.0.1"),
                (int) s.number("audit.http.port", 9104),
                s.number("audit.verify.interval.seconds", 3600));
    }
}
