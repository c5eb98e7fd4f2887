package io.otppipeline.notifier;

import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.kafka.PollingLoop;
import io.otppipeline.schemas.kafka.TopicAdmin;
import io.otppipeline.schemas.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * otp-notifier as a running service: reads {@code otp.delivery.v1} (read_committed), sends each code, writes
 * the outcome to {@code otp.events.v1} and what cannot be delivered to {@code otp.delivery.dlq.v1}, then
 * commits the consumer offsets. Delivery is at least once: a crash after a send and before the commit sends
 * that batch again (retries, failover and the duplicate window are the notifier issue's work).
 */
public final class NotifierService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NotifierService.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final DeliveryHandler handler;
    private final PollingLoop<String, byte[]> loop;

    private NotifierService(final NotifierConfig config, final DeliveryHandler handler) {
        final Properties c = PollingLoop.readCommittedConsumer(config.bootstrapServers(), config.groupId(), "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50");
        this.consumer = new KafkaConsumer<>(c, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        this.producer = new KafkaProducer<>(p, Serdes.String().serializer(), Serdes.ByteArray().serializer());
        this.handler = handler;
        this.loop = new PollingLoop<>("otp-notifier", consumer,
                kafka -> kafka.subscribe(List.of(Topics.DELIVERY.name())), this::handleBatch);
    }

    /**
     * Creates missing topics, loads the delivery keyring and starts consuming.
     *
     * @throws IllegalStateException if the keyring cannot be read or a topic cannot be created
     */
    public static NotifierService start(final NotifierConfig config) {
        TopicAdmin.ensureTopics(config.bootstrapServers(), config.replicationFactor());
        final Clock clock = Clock.systemUTC();
        final DeliveryHandler handler = new DeliveryHandler(new Aead(Keyring.load(config.deliveryKeyring())),
                Map.of(Channel.EMAIL, new SmtpEmailSender(config.smtp(), clock),
                        Channel.SMS, new UnconfiguredSmsSender()), clock);
        final NotifierService service = new NotifierService(config, handler);
        service.loop.start();
        LOG.info("otp-notifier started (SMTP {}:{})", config.smtp().host(), config.smtp().port());
        return service;
    }

    private void handleBatch(final ConsumerRecords<String, byte[]> records) {
        records.forEach(this::process);
        if (!records.isEmpty()) {
            producer.flush();
            consumer.commitSync();
        }
    }

    private void process(final ConsumerRecord<String, byte[]> record) {
        final OtpIssued issued;
        try {
            issued = Topics.DELIVERY.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            deadLetter(record, "malformed");
            return;
        }
        final DeliveryHandler.Outcome outcome = handler.handle(issued);
        publish(record.key(), outcome.event());
        if (outcome.deadLetterReason() != null) {
            deadLetter(record, outcome.deadLetterReason());
        }
        LOG.info("delivery {} for otp {}: {}", outcome.event().type(), issued.otpId(),
                outcome.deadLetterReason() == null ? "ok" : outcome.deadLetterReason());
    }

    private void publish(final String key, final CloudEvent event) {
        producer.send(new ProducerRecord<>(Topics.EVENTS.name(), key,
                Topics.EVENTS.valueSerde().serializer().serialize(Topics.EVENTS.name(), event)));
    }

    private void deadLetter(final ConsumerRecord<String, byte[]> record, final String reason) {
        final ProducerRecord<String, byte[]> dead = new ProducerRecord<>(Topics.DELIVERY_DLQ.name(), record.key(),
                record.value());
        dead.headers().add(Topics.ERROR_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        producer.send(dead);
    }

    @Override
    public void close() {
        loop.close();
        producer.close(Duration.ofSeconds(5));
    }
}
