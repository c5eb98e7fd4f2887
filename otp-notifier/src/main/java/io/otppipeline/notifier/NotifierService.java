package io.otppipeline.notifier;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.runtime.kafka.PollingLoop;
import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.runtime.ops.JvmMeters;
import io.otppipeline.runtime.ops.OpsEndpoint;
import io.otppipeline.runtime.ops.ServiceLifecycle;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * otp-notifier as a running service: reads {@code otp.delivery.v1} (read_committed), sends the records of each
 * batch in parallel ({@code notifier.send.concurrency}), records each finished one in the
 * {@link DeliveryLedger}, writes the outcomes to {@code otp.events.v1} and what cannot be delivered to
 * {@code otp.delivery.dlq.v1}, then commits the consumer offsets. A record found in the ledger is not sent
 * again: its recorded outcome is published again instead (same event id). Serves {@code /metrics} and
 * {@code /healthz} on {@code notifier.http.port}.
 */
public final class NotifierService implements ServiceLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(NotifierService.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final DeliveryHandler handler;
    private final DeliveryLedger ledger;
    private final DeliveryMetrics metrics;
    private final ProviderChains chains;
    private final ExecutorService sendPool;
    private final PollingLoop<String, byte[]> loop;
    private final PrometheusMeterRegistry meters;
    private OpsEndpoint http;

    private NotifierService(final NotifierConfig config, final Clock clock) {
        final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JvmMeters.bindTo(meters);
        this.metrics = new DeliveryMetrics(meters);
        this.chains = new ProviderChains(config, metrics, clock);
        this.handler = new DeliveryHandler(new Aead(Keyring.load(config.deliveryKeyring())),
                new MessageTemplates(config.templatesDir(), config.defaultLocale(), config.codeInSubject()),
                chains.email(), chains.sms(), metrics, clock);
        this.ledger = new DeliveryLedger(config.kafka(), config.ledgerLookback(), clock);
        this.sendPool = Executors.newFixedThreadPool(config.concurrency(), r -> {
            final Thread t = new Thread(r, "otp-notifier-send");
            t.setDaemon(true);
            return t;
        });
        final Properties c = PollingLoop.readCommittedConsumer(config.kafka(), config.groupId(), "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.batchSize()));
        c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "900000");
        c.putAll(config.consumerOverrides());
        this.consumer = new KafkaConsumer<>(c, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        final Properties p = config.kafka().properties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        this.producer = new KafkaProducer<>(p, Serdes.String().serializer(), Serdes.ByteArray().serializer());
        this.loop = new PollingLoop<>("otp-notifier", consumer,
                kafka -> kafka.subscribe(List.of(Topics.DELIVERY.name()), new LedgerRebalanceListener()),
                this::handleBatch);
        this.meters = meters;
    }

    /**
     * Creates missing topics, loads the delivery keyring, builds the provider chains and starts consuming.
     *
     * @throws IllegalStateException if a keyring or secret file cannot be read, a template does not render or a
     *     topic cannot be created
     */
    public static NotifierService start(final NotifierConfig config) {
        config.kafka().ensureTopics();
        final NotifierService service = new NotifierService(config, Clock.systemUTC());
        try {
            if (config.httpPort() >= 0) { // bound before the first send: a taken port stops the start, not a half service
                service.http = OpsEndpoint.start(config.httpHost(), config.httpPort(), service, service.meters::scrape);
            }
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
        service.loop.start();
        LOG.info("otp-notifier started ({}; metrics on port {})", service.chains.describe(), service.httpPort());
        return service;
    }

    /** Port of {@code /healthz}, {@code /readyz} and {@code /metrics}, or -1 when turned off. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** Live while the consuming thread runs (false after a fatal error). */
    @Override
    public boolean isLive() {
        return loop.isAlive();
    }

    /** Ready while the consuming thread runs: a provider outage is retried and reported, it does not stop it. */
    @Override
    public boolean isReady() {
        return loop.isAlive();
    }

    /** One handled record: the event to publish and the dead-letter reason, either may be absent. */
    private record Handled(ConsumerRecord<String, byte[]> record, CloudEvent event, String deadLetterReason) {
    }

    private void handleBatch(final ConsumerRecords<String, byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        final List<CompletableFuture<Handled>> work = new ArrayList<>();
        records.forEach(r -> work.add(CompletableFuture.supplyAsync(() -> process(r), sendPool)));
        for (CompletableFuture<Handled> done : work) {
            final Handled h = done.join();
            if (h.event() != null) {
                publish(h.record().key(), h.event());
            }
            if (h.deadLetterReason() != null) {
                deadLetter(h.record(), h.deadLetterReason(), h.event());
            }
        }
        producer.flush();
        consumer.commitSync();
        for (TopicPartition tp : records.partitions()) {
            final List<ConsumerRecord<String, byte[]>> done = records.records(tp);
            ledger.committed(tp.partition(), done.get(done.size() - 1).offset() + 1);
        }
    }

    private Handled process(final ConsumerRecord<String, byte[]> record) {
        final OtpIssued issued;
        try {
            issued = Topics.DELIVERY.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            return new Handled(record, null, "malformed");
        }
        if (issued == null || issued.otpId() == null || issued.tenantId() == null || issued.userId() == null
                || issued.channel() == null || issued.secret() == null || issued.expiresAt() == null) {
            return new Handled(record, null, "incomplete"); // a null (tombstone) or half a record: dead letter, move on
        }
        final CloudEvent earlier = ledger.recorded(record.partition(), issued.otpId()).orElse(null);
        if (earlier != null) {
            LOG.info("otp {} already finished ({}); not sent again", issued.otpId(), earlier.type());
            return new Handled(record, earlier, EventTypes.DELIVERY_FAILED.equals(earlier.type())
                    ? earlier.data().path("reason").asText() : null);
        }
        final DeliveryHandler.Outcome outcome = handler.handle(issued);
        final long finished = System.nanoTime();
        ledger.record(record.partition(), record.offset(), issued.otpId(), outcome.event());
        metrics.ledgerLag(System.nanoTime() - finished);
        LOG.info("delivery {} for otp {}: {}", outcome.event().type(), issued.otpId(),
                outcome.deadLetterReason() == null ? "ok" : outcome.deadLetterReason());
        return new Handled(record, outcome.event(), outcome.deadLetterReason());
    }

    private void publish(final String key, final CloudEvent event) {
        producer.send(new ProducerRecord<>(Topics.EVENTS.name(), key,
                Topics.EVENTS.valueSerde().serializer().serialize(Topics.EVENTS.name(), event)));
    }

    private void deadLetter(final ConsumerRecord<String, byte[]> record, final String reason, final CloudEvent event) {
        final ProducerRecord<String, byte[]> dead = new ProducerRecord<>(Topics.DELIVERY_DLQ.name(), record.key(),
                record.value());
        dead.headers().add(Topics.ERROR_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        if (event != null) {
            dead.headers().add("event-id", event.id().getBytes(StandardCharsets.UTF_8));
        }
        producer.send(dead);
    }

    /** Loads the ledger of assigned partitions before their first record, forgets revoked ones. */
    private final class LedgerRebalanceListener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
            final Map<Integer, Long> committed = new HashMap<>();
            partitions.forEach(tp -> committed.put(tp.partition(), consumer.position(tp)));
            ledger.load(committed);
        }

        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
            ledger.forget(partitions.stream().map(TopicPartition::partition).toList());
        }

        @Override
        public void onPartitionsLost(final Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }
    }

    @Override
    public void close() {
        loop.close();
        sendPool.shutdownNow();
        chains.close();
        producer.close(Duration.ofSeconds(5));
        ledger.close();
        if (http != null) {
            http.close();
        }
    }
}
