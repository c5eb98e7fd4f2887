package io.otppipeline.audit;

import io.otppipeline.runtime.kafka.KafkaConnection;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code ./otp audit rebuild}: writes the whole of {@code otp.events.v1} into an empty database with the same code
 * as the live sink, so the result has the same rows, sequence numbers and hashes as a live database that consumed
 * the same records. Reads up to the end offsets seen at start.
 */
public final class AuditRebuild {

    /** How often a progress line goes to stderr. */
    public static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

    private AuditRebuild() {
    }

    /**
     * Migrates {@code target}, refuses a database that already holds audit rows, then copies the topic.
     *
     * @param target the schema owner's login of the new database
     * @param progress where progress lines and the summary go
     * @return records written (chained and rejected)
     * @throws IllegalStateException if the target database already holds audit rows
     * @throws org.apache.kafka.common.KafkaException if the broker cannot be reached
     */
    public static long run(final KafkaConnection kafka, final JdbcLogin target, final PrintWriter progress)
            throws Exception {
        AuditDatabase.migrate(target);
        try (HikariDataSource dataSource = AuditDatabase.open(target, AuditDatabase.WRITER_ROLE, 1, "otp-rebuild");
             TopicRange range = new TopicRange(kafka, null, null)) {
            requireEmpty(dataSource);
            final AuditSink sink = new AuditSink(dataSource, WriteListener.NONE);
            sink.assign(range.partitions());
            final long read = range.read(sink::write, progress, PROGRESS_EVERY, "rebuild");
            progress.printf(Locale.ROOT, "rebuild: %d records written to %s%n", read, target.url());
            progress.flush();
            return read;
        }
    }

    private static void requireEmpty(final HikariDataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM audit_event) "
                     + "+ (SELECT count(*) FROM audit_rejected)")) {
            rs.next();
            if (rs.getLong(1) > 0) {
                throw new IllegalStateException("the target database already holds " + rs.getLong(1)
                        + " audit rows; rebuild needs an empty one");
            }
        }
    }
}
