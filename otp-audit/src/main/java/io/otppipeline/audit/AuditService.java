package io.otppipeline.audit;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.otppipeline.runtime.kafka.PollingLoop;
import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.runtime.ops.JvmMeters;
import io.otppipeline.runtime.ops.OpsEndpoint;
import io.otppipeline.runtime.ops.ServiceLifecycle;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 *
 * <p>Operations endpoint ({@code audit.http.port}): {@code /healthz} (503 once the consuming thread died),
 * {@code /readyz}, {@code /metrics}: {@code otp_audit_rows_written_total}, {@code otp_audit_write_failures_total},
 * {@code otp_audit_last_event_timestamp_seconds} (the Kafka timestamp of the newest event written: with events
 * flowing, {@code time() - } it is how far the audit log is behind), the consumer's lag ({@code
 * kafka_consumer_fetch_manager_records_lag_max}) and the JVM's.
 */
public final class AuditService implements ServiceLifecycle {

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
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter rowsWritten;
    private final Counter writeFailures;
    private final AtomicLong lastEventMs = new AtomicLong();
    private final AtomicLong verifiedAtMs = new AtomicLong();
    private final AtomicLong chainBreaks = new AtomicLong();
    private final AtomicLong rowsVerified = new AtomicLong();
    private final ScheduledExecutorService verifier = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread t = new Thread(r, "otp-audit-verify");
        t.setDaemon(true);
        return t;
    });
    private final KafkaClientMetrics consumerMetrics;
    private OpsEndpoint ops;
    /** Assigned partitions not yet positioned at their stored offset (only the polling thread touches it). */
    private final Set<TopicPartition> unpositioned = new HashSet<>();
    private long backoffMs = RETRY_BACKOFF_MS;

    private AuditService(final AuditConfig config, final HikariDataSource dataSource, final WriteListener listener) {
        this.dataSource = dataSource;
        this.sink = new AuditSink(dataSource, listener);
        final Properties c = PollingLoop.readCommittedConsumer(config.kafka(), config.groupId(), "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        // the audit trail is not on any answer's path: the broker holds a fetch until 64 KiB of events (a few
        // hundred) or 500 ms have gathered, so that each fetch and each PostgreSQL transaction carries a batch instead
        // of a record or two (issue 14: otp-audit's CPU per verification 0.051 -> 0.037 ms at 2,000/s, one run each;
        // docs/BENCHMARKS.md), and an idle audit asks twice a second, not ten times (issue 30: idle costs nearly
        // nothing). audit.consumer.fetch.min.bytes / fetch.max.wait.ms override it.
        c.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, Integer.toString(64 * 1024));
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "500");
        c.putAll(config.consumerOverrides());
        this.consumer = new KafkaConsumer<>(c, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        this.loop = new PollingLoop<>("otp-audit", consumer,
                kafka -> kafka.subscribe(List.of(TOPIC), new SeekToStoredPosition()), this::write);
        JvmMeters.bindTo(meters);
        this.consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(meters);
        this.rowsWritten = Counter.builder("otp.audit.rows.written")
                .description("events appended to the audit log (committed transactions)").register(meters);
        this.writeFailures = Counter.builder("otp.audit.write.failures")
                .description("audit transactions that failed and are retried from the stored position")
                .register(meters);
        Gauge.builder("otp.audit.last.event.timestamp", lastEventMs, ms -> ms.get() / 1000.0)
                .description("Kafka timestamp of the newest event written to the audit log, in seconds since the epoch")
                .baseUnit("seconds").register(meters);
        Gauge.builder("otp.audit.chain.verified.timestamp", verifiedAtMs, ms -> ms.get() / 1000.0)
                .description("when the last complete verification of every hash chain started, in seconds since the "
                        + "epoch (0: none yet)").baseUnit("seconds").register(meters);
        Gauge.builder("otp.audit.chain.breaks", chainBreaks, AtomicLong::get)
                .description("breaks (altered, missing or foreign rows) the last complete verification found")
                .register(meters);
        Gauge.builder("otp.audit.chain.verified.rows", rowsVerified, AtomicLong::get)
                .description("rows the last complete verification read").register(meters);
    }

    /** Port of {@code /healthz}, {@code /readyz} and {@code /metrics}, or -1 when turned off. */
    public int httpPort() {
        return ops == null ? -1 : ops.port();
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
        config.kafka().ensureTopics();
        AuditDatabase.migrate(config.migrationLogin());
        final HikariDataSource dataSource = AuditDatabase.open(config.login(), AuditDatabase.WRITER_ROLE, 3,
                "otp-audit");
        final AuditService service;
        try {
            service = new AuditService(config, dataSource, listener);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        try {
            if (config.httpPort() >= 0) {
                service.ops = OpsEndpoint.start(config.httpHost(), config.httpPort(), service,
                        service.meters::scrape);
            }
            service.loop.start();
            if (config.verifyIntervalSeconds() > 0) {
                // the first pass soon after start, so the verification age is known within a minute of a deploy
                service.verifier.scheduleWithFixedDelay(service::verifyChains,
                        Math.min(config.verifyIntervalSeconds(), 60), config.verifyIntervalSeconds(), TimeUnit.SECONDS);
            }
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
        LOG.info("otp-audit started");
        return service;
    }

    /**
     * Recomputes every hash chain ({@link AuditVerifier}) and publishes the result; a failed read leaves the last
     * result (and its timestamp, so the staleness alert fires if reads keep failing).
     */
    private void verifyChains() {
        final long startedMs = System.currentTimeMillis();
        try {
            final AuditVerifier.Report report = new AuditVerifier(dataSource).verify();
            chainBreaks.set(report.findings().size());
            rowsVerified.set(report.rows());
            verifiedAtMs.set(startedMs);
            if (!report.intact()) {
                LOG.error("audit chain verification: {} breaks in {} rows; first: {}", report.findings().size(),
                        report.rows(), report.findings().get(0).describe());
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("audit chain verification could not read the log ({})", e.toString());
        }
    }

    /** Live while the consuming thread runs (a database outage pauses it, it does not end it). */
    @Override
    public boolean isLive() {
        return loop.isAlive();
    }

    /** Ready while the consuming thread runs: it writes whatever Kafka hands it, or waits for PostgreSQL. */
    @Override
    public boolean isReady() {
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
            rowsWritten.increment(records.count());
            records.forEach(r -> lastEventMs.accumulateAndGet(r.timestamp(), Math::max));
            consumer.commitAsync();
            backoffMs = RETRY_BACKOFF_MS;
        } catch (SQLException e) {
            writeFailures.increment();
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
        if (ops != null) {
            ops.close();
        }
        verifier.shutdownNow();
        loop.close();
        consumerMetrics.close();
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
