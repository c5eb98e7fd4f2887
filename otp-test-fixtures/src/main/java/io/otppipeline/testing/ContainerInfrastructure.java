package io.otppipeline.testing;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Apache Kafka 4.3.1 (KRaft) and PostgreSQL 18 in containers via Testcontainers. Where no Docker engine
 * answers, {@link #start()} aborts the calling test with an assumption failure: it is reported as skipped.
 */
public final class ContainerInfrastructure implements TestInfrastructure {

    private final KafkaContainer kafka;
    private final PostgreSQLContainer postgres;

    private ContainerInfrastructure(final KafkaContainer kafka, final PostgreSQLContainer postgres) {
        this.kafka = kafka;
        this.postgres = postgres;
    }

    public static ContainerInfrastructure start() {
        Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "otp.it.infra=testcontainers needs a Docker engine; none is reachable here");
        final KafkaContainer kafka = new KafkaContainer("apache/kafka:4.3.1");
        final PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:18-alpine");
        kafka.start();
        postgres.start();
        return new ContainerInfrastructure(kafka, postgres);
    }

    @Override
    public String bootstrapServers() {
        return kafka.getBootstrapServers();
    }

    @Override
    public String jdbcUrl() {
        return postgres.getJdbcUrl();
    }

    @Override
    public String jdbcUser() {
        return postgres.getUsername();
    }

    @Override
    public String jdbcPassword() {
        return postgres.getPassword();
    }

    @Override
    public void close() {
        postgres.stop();
        kafka.stop();
    }
}
