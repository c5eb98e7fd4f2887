package io.otppipeline.audit;

import io.otppipeline.schemas.config.Settings;
import java.nio.file.Path;

/**
 * Typed settings of otp-audit (keys in {@code otp-audit.properties}, or {@code OTP_*} variables).
 *
 * @param bootstrapServers {@code kafka.bootstrap.servers}: required
 * @param groupId {@code audit.group.id}: consumer group (offsets live in PostgreSQL; the group only spreads
 *     partitions and shows lag); default {@code otp-audit}
 * @param replicationFactor {@code kafka.replication.factor}: for topics created on start; default 1
 * @param jdbcUrl {@code audit.jdbc.url}: required, for example {@code jdbc:postgresql://127.0.0.1:5432/otp}
 * @param jdbcUser {@code audit.jdbc.user}: default {@code postgres}
 * @param jdbcPasswordFile {@code secrets.audit.jdbc.password.file}: default none (no password)
 */
public record AuditConfig(String bootstrapServers, String groupId, short replicationFactor, String jdbcUrl,
                          String jdbcUser, Path jdbcPasswordFile) {

    /**
     * Reads the settings listed above.
     *
     * @throws IllegalStateException naming a missing or malformed setting
     */
    public static AuditConfig from(final Settings s) {
        return new AuditConfig(
                s.required("kafka.bootstrap.servers"),
                s.string("audit.group.id", "otp-audit"),
                (short) s.number("kafka.replication.factor", 1),
                s.required("audit.jdbc.url"),
                s.string("audit.jdbc.user", "postgres"),
                s.optionalPath("secrets.audit.jdbc.password.file"));
    }
}
