package io.otppipeline.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** A KRaft broker inside the test JVM ({@code KafkaClusterTestKit}) and a real PostgreSQL server (zonky). */
public final class EmbeddedInfrastructure implements TestInfrastructure {

    private final KafkaClusterTestKit kafka;
    private final EmbeddedPostgres postgres;

    private EmbeddedInfrastructure(final KafkaClusterTestKit kafka, final EmbeddedPostgres postgres) {
        this.kafka = kafka;
        this.postgres = postgres;
    }

    public static EmbeddedInfrastructure start() throws Exception {
        final KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("min.insync.replicas", "1")
                .setConfigProp("default.replication.factor", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        kafka.format();
        kafka.startup();
        kafka.waitForReadyBrokers();
        return new EmbeddedInfrastructure(kafka, EmbeddedPostgres.builder().start());
    }

    @Override
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    @Override
    public String jdbcUser() {
        return "postgres";
    }

    @Override
    public String jdbcPassword() {
        return null;
    }

    @Override
    public void close() throws Exception {
        try {
            postgres.close();
        } finally {
            kafka.close();
        }
    }
}
