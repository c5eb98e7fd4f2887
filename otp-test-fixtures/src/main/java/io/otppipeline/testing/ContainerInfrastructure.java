package io.otppipeline.testing;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Apache Kafka 4.3.1 (KRaft) and PostgreSQL 18 in containers via Testcontainers, or Kafka alone
 * ({@link #startKafkaOnly()}); the broker has the same {@code group.min.session.timeout.ms} and timed-out
 * transaction clean-up interval as the embedded one ({@link TestInfrastructure#MIN_SESSION_TIMEOUT_MS}). Where no
 * Docker engine answers, {@link #start()} aborts the calling test with an assumption failure: it is reported as
 * skipped.
 */
public final class ContainerInfrastructure implements TestInfrastructure {

    private final KafkaContainer kafka;
    private final PostgreSQLContainer postgres;

    private ContainerInfrastructure(final KafkaContainer kafka, final PostgreSQLContainer postgres) {
        this.kafka = kafka;
        this.postgres = postgres;
    }

    public static ContainerInfrastructure start() {
        final KafkaContainer kafka = startKafka();
        final PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:18-alpine");
        postgres.start();
        return new ContainerInfrastructure(kafka, postgres);
    }

    /** Kafka without PostgreSQL: {@link #jdbcUrl()} and the other database methods throw. */
    public static ContainerInfrastructure startKafkaOnly() {
        return new ContainerInfrastructure(startKafka(), null);
    }

    private static KafkaContainer startKafka() {
        Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "otp.it.infra=testcontainers needs a Docker engine; none is reachable here");
        final KafkaContainer kafka = new KafkaContainer("apache/kafka:4.3.1")
                .withEnv("KAFKA_GROUP_MIN_SESSION_TIMEOUT_MS", MIN_SESSION_TIMEOUT_MS)
                .withEnv("KAFKA_TRANSACTION_ABORT_TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS",
                        TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS);
        kafka.start();
        return kafka;
    }

    @Override
    public String bootstrapServers() {
        return kafka.getBootstrapServers();
    }

    @Override
    public String jdbcUrl() {
        return postgres().getJdbcUrl();
    }

    @Override
    public String jdbcUser() {
        return postgres().getUsername();
    }

    @Override
    public String jdbcPassword() {
        return postgres().getPassword();
    }

    private PostgreSQLContainer postgres() {
        if (postgres == null) {
            throw new IllegalStateException("started without PostgreSQL (TestInfrastructure.startKafkaOnly())");
        }
        return postgres;
    }

    @Override
    public void close() {
        if (postgres != null) {
            postgres.stop();
        }
        kafka.stop();
    }
}
