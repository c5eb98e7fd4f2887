package io.otppipeline.audit;

import com.zaxxer.hikari.HikariDataSource;
import io.otppipeline.schemas.kafka.PollingLoop;
import io.otppipeline.schemas.kafka.TopicAdmin;
import io.otppipeline.schemas.kafka.Topics;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * otp-audit as a running service: migrates the schema (Flyway, as the schema owner), then appends
 * {@code otp.events.v1} (read_committed) to the hash-chained log as {@link AuditDatabase#WRITER_ROLE}. The Kafka
 * position is the rows themselves (highest stored offset per partition), read back on every assignment: the
 * idempotent-consumer pattern, so a crash between insert and commit, or between the database commit and the
 * Kafka offset commit, leaves no gap and no duplicate. A failed transaction is retried from the stored position
 * after {@link #RETRY_BACKOFF_MS} milliseconds.
 */
public final class AuditService implements AutoCloseable {

    /** Wait after a failed database transaction before reading the batch again, in milliseconds. */
    public static final long RETRY_BACKOFF_MS = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(AuditService.class);
    private static final String TOPIC = Topics.EVENTS.name();

    private final HikariDataSource dataSource;
    private final AuditSink sink;
    private final KafkaConsumer<String, byte[]> consumer;
    private final PollingLoop<String, byte[]> loop;

    private AuditService(final AuditConfig config, final HikariDataSource dataSource, final WriteListener listener) {
        this.dataSource = dataSource;
        this.sink = new AuditSink(dataSource, listener);
        final Properties c = PollingLoop.readCommittedConsumer(config.bootstrapServers(), config.groupId(), "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        c.putAll(config.consumerOverrides());
        this.consumer = new KafkaConsumer<>(c, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        this.loop = new PollingLoop<>("otp-audit", consumer,
                kafka -> kafka.subscribe(List.of(TOPIC), new SeekToStoredPosition()), this::write);
    }

    /** {@link #start(AuditConfig, WriteListener)} without a listener. */
    public static AuditService start(final AuditConfig config) {
        return start(config, WriteListener.NONE);
    }

    /**
     * Migrates the database, creates missing topics and starts consuming.
     *
     * @param listener told about every transaction (tests stop the process with it)
     * @throws org.flywaydb.core.api.FlywayException if the migration fails
     * @throws IllegalStateException if a password file cannot be read or a topic cannot be created
     */
    public static AuditService start(final AuditConfig config, final WriteListener listener) {
        TopicAdmin.ensureTopics(config.bootstrapServers(), config.replicationFactor());
        AuditDatabase.migrate(config.migrationLogin());
        final HikariDataSource dataSource = AuditDatabase.open(config.login(), AuditDatabase.WRITER_ROLE, 2,
                "otp-audit");
        final AuditService service = new AuditService(config, dataSource, listener);
        service.loop.start();
        LOG.info("otp-audit started");
        return service;
    }

    /** Whether the consuming thread is running. */
    public boolean isAlive() {
        return loop.isAlive();
    }

    private void write(final ConsumerRecords<String, byte[]> records) throws InterruptedException {
        if (records.isEmpty()) {
            return;
        }
        try {
            sink.write(records);
            consumer.commitAsync();
        } catch (SQLException e) {
            LOG.warn("audit batch of {} records not written ({}, SQL state {}); reading it again from the stored "
                    + "position in {} ms", records.count(), e.getClass().getSimpleName(), e.getSQLState(),
                    RETRY_BACKOFF_MS);
            Thread.sleep(RETRY_BACKOFF_MS);
            seekToStoredPosition(consumer.assignment());
        }
    }

    private void seekToStoredPosition(final Collection<TopicPartition> partitions) {
        final Map<Integer, Long> next;
        try {
            next = sink.assign(partitions.stream().map(TopicPartition::partition).toList());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the stored audit position", e);
        }
        partitions.forEach(tp -> consumer.seek(tp, next.get(tp.partition())));
    }

    @Override
    public void close() {
        loop.close();
        dataSource.close();
    }

    /** On assignment, continue right after the last record stored in PostgreSQL. */
    private final class SeekToStoredPosition implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
            sink.revoke(partitions.stream().map(TopicPartition::partition).toList());
        }

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
            seekToStoredPosition(partitions);
        }
    }
}
