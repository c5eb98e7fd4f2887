package io.otppipeline.local;

import com.zaxxer.hikari.HikariDataSource;
import io.otppipeline.audit.AuditChain;
import io.otppipeline.audit.AuditDatabase;
import io.otppipeline.audit.AuditRebuild;
import io.otppipeline.audit.AuditVerifier;
import io.otppipeline.audit.EventReplay;
import io.otppipeline.audit.JdbcLogin;
import io.otppipeline.schemas.kafka.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./otp audit verify | replay | rebuild}: the security analyst's tools. Defaults point at the broker and
 * database of {@code ./otp local}. Exit codes: 0 done (verify: every chain intact), 1 verify found a break,
 * 2 the command could not run (bad arguments, unreachable broker or database).
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Verify the audit log's hash chains, replay public events, rebuild the log from Kafka.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Replay.class, AuditCommand.Rebuild.class})
final class AuditCommand implements Runnable {

    /** Exit code when verify finds a break. */
    static final int BROKEN = 1;
    /** Exit code when a command cannot run. */
    static final int FAILED = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Where the audit database is. */
    static final class Database {
        @Option(names = "--jdbc-url", defaultValue = "jdbc:postgresql://127.0.0.1:5433/postgres",
                description = "Audit database (default: ${DEFAULT-VALUE}, the one of ./otp local).")
        String url;

        @Option(names = "--jdbc-user", defaultValue = "postgres", description = "Database user (default: ${DEFAULT-VALUE}).")
        String user;

        @Option(names = "--jdbc-password-file", description = "File holding the database password (default: none).")
        Path passwordFile;

        JdbcLogin login() {
            return new JdbcLogin(url, user, passwordFile);
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Recompute every hash chain; name the first broken row, gap or foreign row. "
                    + "Exit 1 on any break.")
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Database database;

        @Option(names = "--partitions", description = "Partition count of otp.events.v1 (default: ${DEFAULT-VALUE}).")
        int partitions = Topics.EVENTS.partitions();

        @Option(names = "--max-findings", defaultValue = "20",
                description = "Breaks to print at most (default: ${DEFAULT-VALUE}).")
        int maxFindings;

        @Override
        public Integer call() {
            final PrintWriter out = spec.commandLine().getOut();
            final PrintWriter err = spec.commandLine().getErr();
            final AuditVerifier.Report report;
            final JdbcLogin login;
            try {
                login = database.login();
            } catch (IllegalArgumentException e) { // a URL carrying a password: not repeated here
                err.println("audit verify: " + e.getMessage());
                return FAILED;
            }
            try (HikariDataSource db = AuditDatabase.open(login, AuditDatabase.READER_ROLE, 1, "verify")) {
                report = new AuditVerifier(db, partitions).verify();
            } catch (Exception e) {
                err.println("audit verify: cannot read " + database.url + ": " + e.getMessage());
                return FAILED;
            }
            for (Map.Entry<Integer, AuditChain.Head> head : report.heads().entrySet()) {
                out.printf("partition %d: %d rows, head %s%n", head.getKey(), head.getValue().seq(),
                        head.getValue().hashHex());
            }
            report.findings().stream().limit(maxFindings).forEach(f -> out.println("BROKEN " + f.describe()));
            if (report.intact()) {
                out.printf("audit verify: %d rows, every chain intact%n", report.rows());
                return 0;
            }
            out.printf("audit verify: %d rows, %d breaks; first: %s%n", report.rows(),
                    report.findings().size(), report.findings().get(0).describe());
            return BROKEN;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Write the public events from a point in time as NDJSON to stdout, read from Kafka "
                    + "(offsets by record timestamp); progress on stderr.")
    static final class Replay implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Option(names = "--from", required = true, description = "First record time, inclusive (ISO-8601, "
                + "for example 2026-11-21T09:00:00Z).")
        String from;

        @Option(names = "--to", description = "Record time to stop before, exclusive (ISO-8601; default: "
                + "the end of the topic when the replay starts).")
        String to;

        @Option(names = "--tenant", description = "Only this tenant.")
        String tenant;

        @Option(names = "--user", description = "Only this user id (the CloudEvents subject).")
        String user;

        @Option(names = "--type", description = "Only this event type, for example otp.verification.completed.")
        String type;

        @Override
        public Integer call() {
            final PrintWriter err = spec.commandLine().getErr();
            try {
                EventReplay.run(kafka.connection(), new EventReplay.Filter(instant(from),
                        to == null ? null : instant(to), tenant, user, type), spec.commandLine().getOut(), err);
                return 0;
            } catch (java.time.format.DateTimeParseException e) {
                err.println("audit replay: not an ISO-8601 time with offset: " + e.getParsedString());
                return FAILED;
            } catch (Exception e) {
                err.println("audit replay: " + e.getMessage());
                return FAILED;
            }
        }
    }

    @Command(name = "rebuild", mixinStandardHelpOptions = true,
            description = "Replay the whole otp.events.v1 topic into an empty database (migrated first); "
                    + "then `./otp audit verify --jdbc-url URL` passes and the rows equal the live log's.")
    static final class Rebuild implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Option(names = "--jdbc-url", required = true, description = "The empty target database.")
        String url;

        @Option(names = "--jdbc-user", defaultValue = "postgres",
                description = "Target schema owner (default: ${DEFAULT-VALUE}).")
        String user;

        @Option(names = "--jdbc-password-file", description = "File holding the password (default: none).")
        Path passwordFile;

        @Override
        public Integer call() {
            final PrintWriter err = spec.commandLine().getErr();
            try {
                AuditRebuild.run(kafka.connection(), new JdbcLogin(url, user, passwordFile), err);
                return 0;
            } catch (Exception e) {
                err.println("audit rebuild: " + e.getMessage());
                return FAILED;
            }
        }
    }

    /** ISO-8601 with offset ({@code 2026-11-21T09:00:00Z}, {@code ...+01:00}). */
    private static Instant instant(final String text) {
        return OffsetDateTime.parse(text).toInstant();
    }
}
