package io.otppipeline.notifier;

import io.otppipeline.schemas.config.Settings;
import java.nio.file.Path;

/**
 * Typed settings of otp-notifier (keys in {@code otp-notifier.properties}, or {@code OTP_*} variables).
 *
 * @param bootstrapServers {@code kafka.bootstrap.servers}: required
 * @param groupId {@code notifier.group.id}: consumer group; default {@code otp-notifier}
 * @param replicationFactor {@code kafka.replication.factor}: for topics created on start; default 1
 * @param deliveryKeyring {@code secrets.delivery.keyring.file}: required; opens sealed codes
 * @param smtp the SMTP provider settings
 */
public record NotifierConfig(String bootstrapServers, String groupId, short replicationFactor, Path deliveryKeyring,
                             SmtpSettings smtp) {

    /**
     * SMTP settings.
     *
     * @param host {@code smtp.host}: required
     * @param port {@code smtp.port}: default 25
     * @param from {@code smtp.from}: envelope and header sender; default {@code no-reply@localhost}
     * @param username {@code smtp.username}: set to authenticate; default none
     * @param passwordFile {@code secrets.smtp.password.file}: password for {@code username}; default none
     * @param startTls {@code smtp.starttls}: {@code required}, {@code optional} or {@code off}; default {@code off}
     * @param timeoutMs {@code smtp.timeout.ms}: connect, read and write timeout in milliseconds; default 10000
     */
    public record SmtpSettings(String host, int port, String from, String username, Path passwordFile,
                              String startTls, long timeoutMs) {
    }

    /**
     * Reads the settings listed above.
     *
     * @throws IllegalStateException naming a missing or malformed setting
     */
    public static NotifierConfig from(final Settings s) {
        return new NotifierConfig(
                s.required("kafka.bootstrap.servers"),
                s.string("notifier.group.id", "otp-notifier"),
                (short) s.number("kafka.replication.factor", 1),
                s.path("secrets.delivery.keyring.file"),
                new SmtpSettings(
                        s.required("smtp.host"),
                        (int) s.number("smtp.port", 25),
                        s.string("smtp.from", "no-reply@localhost"),
                        s.string("smtp.username", null),
                        s.optionalPath("secrets.smtp.password.file"),
                        s.string("smtp.starttls", "off"),
                        s.number("smtp.timeout.ms", 10_000)));
    }
}
