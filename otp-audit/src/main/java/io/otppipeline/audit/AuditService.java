package io.otppipeline.audit;

import com.zaxxer.hikari.HikariDataSource;
import io.otppipeline.schemas.kafka.PollingLoop;
import io.otppipeline.schemas.kafka.TopicAdmin;
import io.otppipeline.schemas.kafka.Topics;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
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

    /** Wait after a failed database transaction before reading the batch again, in milliseconds; doubles. */
    public static final long RETRY_BACKOFF_MS = 1_000;
    /** The longest wait between two attempts while the database is down, in milliseconds. */
    public static final long MAX_BACKOFF_MS = 30_000;

    private static final Logger LOG = LoggerFactory.getLogger(AuditService.class);
    private static final String TOPIC = Topics.EVENTS.name();

    private final HikariDataSource dataSource;
    private final AuditSink sink;
    private final KafkaConsumer<String, byte[]> consumer;
    private final PollingLoop<String, byte[]> loop;
    /** Assigned partitions not yet positioned at their stored offset (only the polling thread touches it). */
    private final Set<TopicPartition> unpositioned = new HashSet<>();
    private long backoffMs = RETRY_BACKOFF_MS;

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
        if (!unpositioned.isEmpty()) { // the database was down when these partitions came: try again first
            if (!trySeekToStoredPosition(unpositioned)) {
                return;
            }
        }
        if (records.isEmpty()) {
            return;
        }
        try {
            sink.write(records);
            consumer.commitAsync();
            backoffMs = RETRY_BACKOFF_MS;
        } catch (SQLException e) {
            LOG.warn("audit batch of {} records not written ({}, SQL state {}); reading it again from the stored "
                    + "position in {} ms", records.count(), e.getClass().getSimpleName(), e.getSQLState(), backoffMs);
            pause(consumer.assignment());
        }
    }

    /**
     * Stops fetching {@code partitions} until their stored position can be read again (after a back-off that
     * doubles up to {@value #MAX_BACKOFF_MS} ms): a database outage delays the audit log, it never ends it.
     */
    private void pause(final Collection<TopicPartition> partitions) throws InterruptedException {
        consumer.pause(partitions);
        unpositioned.addAll(partitions);
        Thread.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    }

    /** Seeks {@link #unpositioned} partitions to their stored position; {@code false} if the database is down. */
    private boolean trySeekToStoredPosition(final Set<TopicPartition> partitions) throws InterruptedException {
        final List<TopicPartition> assigned = partitions.stream().filter(consumer.assignment()::contains).toList();
        try {
            final Map<Integer, Long> next = sink.assign(assigned.stream().map(TopicPartition::partition).toList());
            assigned.forEach(tp -> consumer.seek(tp, next.get(tp.partition())));
            consumer.resume(assigned);
            partitions.clear();
            return true;
        } catch (SQLException e) {
            LOG.warn("stored audit position not readable ({}, SQL state {}); trying again in {} ms",
                    e.getClass().getSimpleName(), e.getSQLState(), backoffMs);
            // every assigned partition, not only these: the caller drops the batch it polled, so the partitions that
            // were flowing must be read again from their stored position too
            pause(consumer.assignment());
            return false;
        }
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
            unpositioned.removeAll(partitions);
        }

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
            // positioned on the next poll, by write(): a database outage now must not fail the rebalance
            consumer.pause(partitions);
            unpositioned.addAll(partitions);
        }
    }
}
