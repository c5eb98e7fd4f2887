package io.otppipeline.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A KRaft broker inside the test JVM ({@code KafkaClusterTestKit}) and a real PostgreSQL server (zonky), or the
 * broker alone ({@link #startKafkaOnly()}). The broker lets a test set a session timeout down to 1 second
 * ({@code group.min.session.timeout.ms}, default 6 s) and aborts a timed-out transaction within a second of its
 * timeout ({@code transaction.abort.timed.out.transaction.cleanup.interval.ms}, default 10 s), so that a fault
 * test's takeover waits for the test's own timeouts rather than the broker's defaults.
 */
public final class EmbeddedInfrastructure implements TestInfrastructure {

    private final KafkaClusterTestKit kafka;
    private final EmbeddedPostgres postgres;

    private EmbeddedInfrastructure(final KafkaClusterTestKit kafka, final EmbeddedPostgres postgres) {
        this.kafka = kafka;
        this.postgres = postgres;
    }

    public static EmbeddedInfrastructure start() throws Exception {
        // side by side: PostgreSQL's initdb and start overlap the broker's start (about 2 s a fixture)
        final CompletableFuture<EmbeddedPostgres> postgres = CompletableFuture.supplyAsync(() -> {
            try {
                return EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        final KafkaClusterTestKit kafka;
        try {
            kafka = startKafka();
        } catch (Exception | Error e) {
            postgres.thenAccept(EmbeddedInfrastructure::closeQuietly);
            throw e;
        }
        try {
            return new EmbeddedInfrastructure(kafka, postgres.join());
        } catch (CompletionException e) {
            kafka.close();
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private static void closeQuietly(final EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            // the start failed already; that failure is the one reported
        }
    }

    /** The broker without PostgreSQL: {@link #jdbcUrl()} and the other database methods throw. */
    public static EmbeddedInfrastructure startKafkaOnly() throws Exception {
        return new EmbeddedInfrastructure(startKafka(), null);
    }

    private static KafkaClusterTestKit startKafka() throws Exception {
        final KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("min.insync.replicas", "1")
                .setConfigProp("default.replication.factor", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("group.min.session.timeout.ms", TestInfrastructure.MIN_SESSION_TIMEOUT_MS)
                .setConfigProp("transaction.abort.timed.out.transaction.cleanup.interval.ms",
                        TestInfrastructure.TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS)
                .build();
        kafka.format();
        kafka.startup();
        kafka.waitForReadyBrokers();
        return kafka;
    }

    @Override
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public String jdbcUrl() {
        return postgres().getJdbcUrl("postgres", "postgres");
    }

    @Override
    public String jdbcUser() {
        postgres();
        return "postgres";
    }

    @Override
    public String jdbcPassword() {
        postgres();
        return null;
    }

    private EmbeddedPostgres postgres() {
        if (postgres == null) {
            throw new IllegalStateException("started without PostgreSQL (TestInfrastructure.startKafkaOnly())");
        }
        return postgres;
    }

    @Override
    public void close() throws Exception {
        try {
            if (postgres != null) {
                postgres.close();
            }
        } finally {
            kafka.close();
        }
    }
}
