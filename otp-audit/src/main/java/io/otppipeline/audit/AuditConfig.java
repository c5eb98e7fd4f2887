package io.otppipeline.audit;

import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.SettingCatalog;
import io.otppipeline.runtime.config.Settings;
import io.otppipeline.runtime.kafka.KafkaConnection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed settings of otp-audit (keys in {@code otp-audit.properties}, or {@code OTP_*} variables).
 *
 * @param kafka how every Kafka client of the service connects ({@link KafkaConnection#SETTINGS})
 * @param groupId {@link #GROUP_ID}
 * @param login {@link #JDBC_URL}, {@link #JDBC_USER} and {@link #JDBC_PASSWORD_FILE}: the sink's login; it must be
 *     allowed to {@code SET ROLE otp_audit_writer}
 * @param migrationLogin the same URL with {@link #MIGRATION_JDBC_USER} and {@link #MIGRATION_JDBC_PASSWORD_FILE}
 *     (defaults: the sink's login): the schema owner that runs the Flyway migrations on start
 * @param consumerOverrides {@link #CONSUMER_PREFIX} settings, passed through
 * @param httpHost {@link #HTTP_HOST}
 * @param httpPort {@link #HTTP_PORT}
 * @param verifyIntervalSeconds {@link #VERIFY_INTERVAL_SECONDS}
 */
public record AuditConfig(KafkaConnection kafka, String groupId, JdbcLogin login,
                          JdbcLogin migrationLogin, Map<String, String> consumerOverrides, String httpHost,
                          int httpPort, long verifyIntervalSeconds) {

    /** {@code audit.consumer.<name>}: Kafka consumer settings passed through as {@code <name>}. */
    public static final String CONSUMER_PREFIX = "audit.consumer.";

    public static final Setting<String> JDBC_URL = Setting.string("audit.jdbc.url", null, "the audit database, for "
            + "example jdbc:postgresql://127.0.0.1:5432/otp").required();
    public static final Setting<String> JDBC_USER = Setting.string("audit.jdbc.user", "postgres", "the sink's "
            + "login; it must be allowed to SET ROLE otp_audit_writer (ops/postgres-init creates one that can do "
            + "nothing else)");
    public static final Setting<Path> JDBC_PASSWORD_FILE = Setting.path("secrets.audit.jdbc.password.file",
            "the sink's database password");
    public static final Setting<String> MIGRATION_JDBC_USER = Setting.string("audit.migration.jdbc.user",
            "<audit.jdbc.user>", "the schema owner that runs the Flyway migrations on start");
    public static final Setting<Path> MIGRATION_JDBC_PASSWORD_FILE = Setting.path(
            "secrets.audit.migration.jdbc.password.file", "the schema owner's password (default: the sink's)");
    public static final Setting<String> GROUP_ID = Setting.string("audit.group.id", "otp-audit", "consumer group "
            + "(positions live in PostgreSQL with the rows; the group only spreads partitions and shows lag)");
    public static final Setting<String> HTTP_HOST = Setting.string("audit.http.host", "127.0.0.1",
            "listen address of /healthz, /readyz and /metrics");
    public static final Setting<Long> HTTP_PORT = Setting.integer("audit.http.port", 9104, "port",
            "port of /healthz, /readyz and /metrics; 0 picks a free one, -1 turns them off")
            .check(Setting.between(-1, 65_535), "between -1 and 65535");
    public static final Setting<Long> VERIFY_INTERVAL_SECONDS = Setting.integer("audit.verify.interval.seconds",
            3600, "seconds", "how often the service recomputes every hash chain (as ./otp audit verify does) and "
                    + "publishes otp_audit_chain_*; 0: never. One pass reads every row once (docs/OPERATIONS.md)")
            .check(Setting.atLeast(0), "0 (never) or positive");

    /** Every setting otp-audit reads; it owns {@code audit.*} and warns about an unknown key there. */
    public static final SettingCatalog CATALOG = new SettingCatalog("otp-audit", List.of("audit.", "kafka."),
            List.of(), catalog(), List.of(CONSUMER_PREFIX, KafkaConnection.CLIENT_PREFIX));

    private static List<Setting<?>> catalog() {
        final List<Setting<?>> all = new ArrayList<>(List.of(JDBC_URL, JDBC_USER, JDBC_PASSWORD_FILE,
                MIGRATION_JDBC_USER, MIGRATION_JDBC_PASSWORD_FILE, GROUP_ID, HTTP_HOST, HTTP_PORT,
                VERIFY_INTERVAL_SECONDS));
        all.addAll(KafkaConnection.SETTINGS);
        return List.copyOf(all);
    }

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
        CATALOG.check(s);
        KafkaConnection.checkPassThrough(CONSUMER_PREFIX, s.passThrough(CONSUMER_PREFIX), false);
        final String url = JDBC_URL.read(s);
        final String user = JDBC_USER.read(s);
        final Path password = JDBC_PASSWORD_FILE.read(s);
        final Path migrationPassword = MIGRATION_JDBC_PASSWORD_FILE.read(s);
        return new AuditConfig(
                KafkaConnection.from(s),
                GROUP_ID.read(s),
                new JdbcLogin(url, user, password),
                new JdbcLogin(url, MIGRATION_JDBC_USER.readOr(s, user),
                        migrationPassword != null ? migrationPassword : password),
                s.passThrough(CONSUMER_PREFIX),
                HTTP_HOST.read(s),
                HTTP_PORT.read(s).intValue(),
                VERIFY_INTERVAL_SECONDS.read(s));
    }
}
