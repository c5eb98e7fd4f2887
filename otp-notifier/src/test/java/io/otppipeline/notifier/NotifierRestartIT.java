package io.otppipeline.notifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.delivery.DeliverySecret;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.runtime.kafka.KafkaConnection;
import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.testing.ChildJvm;
import io.otppipeline.testing.TestInfrastructure;
import io.otppipeline.testing.TopicScanner;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * At most one send per code across a notifier crash: the notifier runs in its own JVM against a real broker and
 * a WireMock Twilio that answers slowly, is killed with SIGKILL in the middle of a batch (sends finished but
 * offsets not committed), and a second notifier takes over the partitions. Every code must reach the provider;
 * a code the ledger recorded before the kill must not be sent again; the only duplicates allowed are the calls
 * in flight at the kill (at most {@code notifier.send.concurrency}). An unreadable and an undecryptable record
 * among them go to the dead-letter topic without stopping the others.
 */
class NotifierRestartIT {

    private static final int CODES = 200;
    private static final int CONCURRENCY = 4;
    private static final String SID = "AC00000000000000000000000000000001";

    @RegisterExtension
    static final WireMockExtension TWILIO = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().containerThreads(32)).build();

    @TempDir
    Path dir;

    private TestInfrastructure infra;
    private Path deliveryKeyring;
    private final List<Process> notifiers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        infra = TestInfrastructure.start();
        deliveryKeyring = dir.resolve("delivery.keyring.json");
        Keyring.generate("k1").write(deliveryKeyring);
        Files.writeString(dir.resolve("twilio-token"), "token\n");
        KafkaConnection.plaintext(infra.bootstrapServers()).ensureTopics();
        TWILIO.stubFor(post(urlPathMatching("/2010-04-01/Accounts/.*/Messages.json")).willReturn(aResponse()
                .withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"sid\":\"SM1\"}")
                .withFixedDelay(100)));
    }

    @AfterEach
    void stop() throws Exception {
        ChildJvm.stopAll(notifiers);
        if (infra != null) {
            infra.close();
        }
    }

    @Test
    void shouldNotResendRecordedCodesWhenNotifierIsKilledMidBatch() throws Exception {
        final Map<String, String> phoneByOtp = produceCodes();
        notifiers.add(startNotifier("notifier-1"));
        await().atMost(Duration.ofMinutes(2)).until(() -> TWILIO.getAllServeEvents().size() >= 50);
        notifiers.get(0).destroyForcibly().waitFor();

        final Map<String, ConsumerRecord<byte[], byte[]>> ledger = byOtpId(Topics.DELIVERY_LEDGER.name());
        ledger.keySet().retainAll(phoneByOtp.keySet());
        final Map<String, ConsumerRecord<byte[], byte[]>> delivery = byOtpId(Topics.DELIVERY.name());
        final Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets();
        final long recordedNotCommitted = ledger.keySet().stream().filter(otpId -> {
            final ConsumerRecord<byte[], byte[]> r = delivery.get(otpId);
            final OffsetAndMetadata c = committed.get(new TopicPartition(r.topic(), r.partition()));
            return c == null || r.offset() >= c.offset();
        }).count();

        produceLedgerGarbage(); // the taking-over notifier reads the ledger first: damaged records must not stop it
        notifiers.add(startNotifier("notifier-2"));
        await().atMost(Duration.ofMinutes(2)).until(() -> sentOtpIds().size() == CODES);

        final Map<String, List<ServeEvent>> callsByPhone = TWILIO.getAllServeEvents().stream()
                .collect(Collectors.groupingBy(e -> form(e.getRequest().getBodyAsString()).get("To")));
        final long duplicates = callsByPhone.values().stream().mapToLong(calls -> calls.size() - 1).sum();
        report(ledger, callsByPhone, phoneByOtp, recordedNotCommitted, duplicates);

        assertThat(recordedNotCommitted).as("the kill fell between sends and the offset commit").isPositive();
        assertThat(callsByPhone.keySet()).containsExactlyInAnyOrderElementsOf(phoneByOtp.values());
        for (String otpId : ledger.keySet()) {
            assertThat(callsByPhone.get(phoneByOtp.get(otpId))).as("code recorded before the kill").hasSize(1);
        }
        assertThat(duplicates).as("only calls in flight at the kill").isLessThanOrEqualTo(CONCURRENCY);
        assertThat(deadLetterReasons()).as("unreadable records dead-lettered, the rest went on")
                .containsOnly("malformed", "incomplete", "undecryptable")
                .contains("malformed", "incomplete", "undecryptable");
    }

    private Map<String, String> produceCodes() throws Exception {
        final Aead aead = new Aead(Keyring.load(deliveryKeyring));
        final Map<String, String> phoneByOtp = new HashMap<>();
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            final Instant now = Instant.now();
            for (int i = 0; i < CODES; i++) {
                final String otpId = "otp-" + i;
                final String phone = String.format(Locale.ROOT, "+1555%07d", i);
                final byte[] secret = Json.mapper().writeValueAsBytes(new DeliverySecret(
                        String.format(Locale.ROOT, "%06d", 100_000 + i), phone));
                final OtpIssued issued = new OtpIssued(otpId, "acme", "user-" + i, "login", Channel.SMS, "en", now,
                        now.plusSeconds(600), "+1*******" + i % 10, "p1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                        aead.seal(secret, otpId.getBytes(StandardCharsets.UTF_8)));
                producer.send(new ProducerRecord<>(Topics.DELIVERY.name(), Topics.userKey("acme", "user-" + i),
                        Topics.DELIVERY.valueSerde().serializer().serialize(Topics.DELIVERY.name(), issued)));
                phoneByOtp.put(otpId, phone);
                if (i == CODES / 2) {
                    produceUnreadable(producer, aead, now);
                }
            }
        }
        return phoneByOtp;
    }

    /**
     * A record that is not JSON, a null record (it used to stop the notifier for good) and one whose code was sealed
     * for another otpId: all must be dead-lettered, and the partition keeps moving.
     */
    private static void produceUnreadable(final KafkaProducer<String, byte[]> producer, final Aead aead,
                                          final Instant now) throws IOException {
        producer.send(new ProducerRecord<>(Topics.DELIVERY.name(), "acme:broken",
                "not json".getBytes(StandardCharsets.UTF_8)));
        producer.send(new ProducerRecord<>(Topics.DELIVERY.name(), "acme:tombstone", null));
        final OtpIssued moved = new OtpIssued("otp-moved", "acme", "user-moved", "login", Channel.SMS, "en", now,
                now.plusSeconds(600), "+1*******9", "p1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", aead.seal(Json.mapper().writeValueAsBytes(
                        new DeliverySecret("999999", "+15559999999")), "otp-other".getBytes(StandardCharsets.UTF_8)));
        producer.send(new ProducerRecord<>(Topics.DELIVERY.name(), "acme:user-moved",
                Topics.DELIVERY.valueSerde().serializer().serialize(Topics.DELIVERY.name(), moved)));
    }

    /** Records on the delivery ledger that are not outcomes: no key, not JSON, a header of the wrong length. */
    private void produceLedgerGarbage() {
        final Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int partition = 0; partition < Topics.DELIVERY_LEDGER.partitions(); partition++) {
                final ProducerRecord<String, byte[]> noKey = new ProducerRecord<>(Topics.DELIVERY_LEDGER.name(),
                        partition, null, "{}".getBytes(StandardCharsets.UTF_8));
                noKey.headers().add("delivery-offset", ByteBuffer.allocate(8).putLong(Long.MAX_VALUE).array());
                final ProducerRecord<String, byte[]> notJson = new ProducerRecord<>(Topics.DELIVERY_LEDGER.name(),
                        partition, "otp-x", "not json".getBytes(StandardCharsets.UTF_8));
                notJson.headers().add("delivery-offset", ByteBuffer.allocate(8).putLong(Long.MAX_VALUE).array());
                final ProducerRecord<String, byte[]> shortHeader = new ProducerRecord<>(Topics.DELIVERY_LEDGER.name(),
                        partition, "otp-y", "{}".getBytes(StandardCharsets.UTF_8));
                shortHeader.headers().add("delivery-offset", new byte[] {1, 2, 3});
                producer.send(noKey);
                producer.send(notJson);
                producer.send(shortHeader);
            }
            producer.flush();
        }
    }

    private List<String> deadLetterReasons() throws Exception {
        return TopicScanner.readAll(infra.bootstrapServers(), Set.of(Topics.DELIVERY_DLQ.name())).stream()
                .map(r -> new String(r.headers().lastHeader(Topics.ERROR_HEADER).value(), StandardCharsets.UTF_8))
                .toList();
    }

    private Process startNotifier(final String name) throws IOException {
        final Path props = dir.resolve(name + ".properties");
        Files.writeString(props, String.join("\n",
                "kafka.bootstrap.servers=" + infra.bootstrapServers(),
                "secrets.delivery.keyring.file=" + deliveryKeyring,
                "smtp.host=127.0.0.1",
                "notifier.sms.providers=twilio",
                "sms.twilio.base.url=" + TWILIO.baseUrl(),
                "sms.twilio.account.sid=" + SID,
                "sms.twilio.from=+15005550006",
                "secrets.sms.twilio.auth.token.file=" + dir.resolve("twilio-token"),
                "notifier.send.concurrency=" + CONCURRENCY,
                "notifier.batch.size=20",
                "notifier.http.port=-1",
                // the second notifier waits for the killed one's session to time out; the test broker allows 2 s
                // (TestInfrastructure.MIN_SESSION_TIMEOUT_MS)
                "notifier.consumer.session.timeout.ms=2000",
                "notifier.consumer.heartbeat.interval.ms=500") + "\n");
        return ChildJvm.start("io.otppipeline.notifier.NotifierMain", props, dir.resolve(name + ".log"));
    }

    private Map<String, ConsumerRecord<byte[], byte[]>> byOtpId(final String topic) throws Exception {
        final Map<String, ConsumerRecord<byte[], byte[]>> byId = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicScanner.readAll(infra.bootstrapServers(), Set.of(topic))) {
            if (r.value() == null || r.value().length == 0 || r.value()[0] != '{') { // poison records of this test
                continue;
            }
            final JsonNode value = Json.mapper().readTree(r.value());
            byId.put(value.has("otpId") ? value.path("otpId").asText() : value.path("data").path("otpId").asText(),
                    r);
        }
        return byId;
    }

    private Set<String> sentOtpIds() throws Exception {
        final Set<String> ids = new java.util.HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicScanner.readAll(infra.bootstrapServers(),
                Set.of(Topics.EVENTS.name()))) {
            final JsonNode event = Json.mapper().readTree(r.value());
            if (EventTypes.DELIVERY_SENT.equals(event.path("type").asText())) {
                ids.add(event.path("data").path("otpId").asText());
            }
        }
        return ids;
    }

    private Map<TopicPartition, OffsetAndMetadata> committedOffsets() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                infra.bootstrapServers()))) {
            return admin.listConsumerGroupOffsets("otp-notifier").partitionsToOffsetAndMetadata().get();
        }
    }

    /** Prints the figures of the run: how much the ledger saved, the duplicates left and the window. */
    private static void report(final Map<String, ConsumerRecord<byte[], byte[]>> ledger,
                               final Map<String, List<ServeEvent>> callsByPhone, final Map<String, String> phoneByOtp,
                               final long recordedNotCommitted, final long duplicates) {
        final List<Long> windows = new ArrayList<>();
        ledger.forEach((otpId, r) -> {
            final ServeEvent call = callsByPhone.get(phoneByOtp.get(otpId)).get(0);
            final long answered = call.getRequest().getLoggedDate().getTime() + call.getTiming().getTotalTime();
            windows.add(Math.max(0, r.timestamp() - answered));
        });
        windows.sort(Long::compare);
        System.out.printf(Locale.ROOT, "notifier restart: %d codes recorded in the ledger before the kill, %d of them"
                        + " past the committed offset (sent twice without the ledger); %d duplicate sends (calls in"
                        + " flight at the kill); provider answer -> ledger record: p50 %d ms, max %d ms%n",
                ledger.size(), recordedNotCommitted, duplicates, windows.get(windows.size() / 2),
                windows.get(windows.size() - 1));
    }

    private static Map<String, String> form(final String body) {
        final Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            final int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }
}
