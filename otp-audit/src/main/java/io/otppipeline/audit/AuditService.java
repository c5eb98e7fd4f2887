package io.otppipeline.audit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.otppipeline.schemas.crypto.Secrets;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.kafka.PollingLoop;
import io.otppipeline.schemas.kafka.TopicAdmin;
import io.otppipeline.schemas.kafka.Topics;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * otp-audit as a running service: migrates the schema (Flyway), then copies {@code otp.events.v1}
 * (read_committed) into PostgreSQL. Offsets are stored in the database in the same transaction as the rows
 * and read back on every partition assignment (the idempotent-consumer pattern); the event id is unique as
 * a second guard.
 */
public final class AuditService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditService.class);
    private static final String TOPIC = Topics.EVENTS.name();

    private final HikariDataSource dataSource;
    private final AuditStore store;
    private final KafkaConsumer<String, byte[]> consumer;
    private final PollingLoop<String, byte[]> loop;

    private AuditService(final AuditConfig config, final HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.store = new AuditStore(dataSource);
        final Properties c = PollingLoop.readCommittedConsumer(config.bootstrapServers(), config.groupId(), "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        this.consumer = new KafkaConsumer<>(c, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        this.loop = new PollingLoop<>("otp-audit", consumer,
                kafka -> kafka.subscribe(List.of(TOPIC), new SeekToStoredOffsets()), this::write);
    }

    /**
     * Migrates the database, creates missing topics and starts consuming.
     *
     * @throws org.flywaydb.core.api.FlywayException if the migration fails
     * @throws IllegalStateException if the password file cannot be read or a topic cannot be created
     */
    public static AuditService start(final AuditConfig config) {
        TopicAdmin.ensureTopics(config.bootstrapServers(), config.replicationFactor());
        final HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setUsername(config.jdbcUser());
        if (config.jdbcPasswordFile() != null) {
            hikari.setPassword(Secrets.readText(config.jdbcPasswordFile()));
        }
        hikari.setMaximumPoolSize(2);
        hikari.setPoolName("otp-audit");
        final HikariDataSource dataSource = new HikariDataSource(hikari);
        Flyway.configure().dataSource(dataSource).load().migrate();
        final AuditService service = new AuditService(config, dataSource);
        service.loop.start();
        LOG.info("otp-audit started");
        return service;
    }

    private void write(final ConsumerRecords<String, byte[]> records) throws SQLException {
        if (records.isEmpty()) {
            return;
        }
        final List<AuditStore.Row> rows = new ArrayList<>(records.count());
        final Map<Integer, Long> next = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            rows.add(parse(record));
            next.put(record.partition(), record.offset() + 1);
        }
        store.write(TOPIC, rows, next);
        consumer.commitAsync();
    }

    private static AuditStore.Row parse(final ConsumerRecord<String, byte[]> record) {
        try {
            final CloudEvent event = Topics.EVENTS.valueSerde().deserializer().deserialize(TOPIC, record.value());
            if (event == null || event.id() == null || event.type() == null || event.time() == null
                    || event.tenantid() == null || event.subject() == null || event.source() == null) {
                return new AuditStore.Row(record.partition(), record.offset(), null, "incomplete CloudEvent");
            }
            return new AuditStore.Row(record.partition(), record.offset(), event, null);
        } catch (SerializationException | IllegalArgumentException e) {
            return new AuditStore.Row(record.partition(), record.offset(), null, "not a CloudEvent");
        }
    }

    @Override
    public void close() {
        loop.close();
        dataSource.close();
    }

    /** On assignment, continue from the offsets stored with the rows, or from the beginning. */
    private final class SeekToStoredOffsets implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
            // offsets are already in PostgreSQL with the rows
        }

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
            final Map<Integer, Long> stored;
            try {
                stored = store.nextOffsets(TOPIC);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read stored audit offsets", e);
            }
            for (TopicPartition tp : partitions) {
                final Long offset = stored.get(tp.partition());
                if (offset == null) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, offset);
                }
            }
        }
    }
}
