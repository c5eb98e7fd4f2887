package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.zaxxer.hikari.HikariDataSource;
import io.otppipeline.api.ApiConfig;
import io.otppipeline.api.ApiService;
import io.otppipeline.audit.AuditConfig;
import io.otppipeline.audit.AuditDatabase;
import io.otppipeline.audit.AuditService;
import io.otppipeline.audit.AuditVerifier;
import io.otppipeline.audit.JdbcLogin;
import io.otppipeline.notifier.NotifierConfig;
import io.otppipeline.notifier.NotifierService;
import io.otppipeline.processor.ProcessorConfig;
import io.otppipeline.processor.ProcessorService;
import io.otppipeline.runtime.config.Settings;
import io.otppipeline.runtime.kafka.KafkaConnection;
import io.otppipeline.schemas.kafka.Topics;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The pipeline on a secured broker (SASL/PLAIN on every listener, the KRaft authorizer refusing whatever no ACL
 * allows): an administrator creates the topics and each service principal's ACLs with {@code ./otp kafka topics}
 * and {@code ./otp kafka acls --apply}; the four services run as their own principals with
 * {@code kafka.topics.create=false}, their passwords read from files through Kafka's {@code FileConfigProvider}
 * ({@code kafka.client.*}, docs/OPERATIONS.md). Codes are requested, mailed and approved, and the audit chain
 * verifies. A principal without ACLs, and the notifier's and audit's principals, are refused when they write
 * {@code otp.commands.v1} (which can unlock any user) or read the public events.
 */
@ResourceLock(IntegrationLanes.SERVICES)
class KafkaSecurityIT {

    private static final List<String> SERVICES = List.of("otp-api", "otp-processor", "otp-notifier", "otp-audit",
            "otp-tools", "mallory");

    @TempDir
    Path dir;

    @Test
    void shouldServeCodesAndRefuseForeignPrincipalsWhenSaslAndAclsAreOn() throws Exception {
        final Map<String, String> passwords = new HashMap<>();
        passwords.put("admin", UUID.randomUUID().toString());
        SERVICES.forEach(user -> passwords.put(user, UUID.randomUUID().toString()));
        final int port = LocalKafka.freePorts();
        try (LocalKafka kafka = new LocalKafka(dir.resolve("kafka"), port).withSasl("admin", passwords).start();
             EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            final String bootstrap = kafka.bootstrapServers();
            final Map<String, Path> settingsFiles = new HashMap<>();
            for (Map.Entry<String, String> user : passwords.entrySet()) {
                settingsFiles.put(user.getKey(), writeClientSettings(user.getKey(), user.getValue()));
            }

            final CliRun topics = CliRun.of("kafka", "topics", "--bootstrap-servers", bootstrap,
                    "--kafka-settings", settingsFiles.get("admin").toString());
            assertThat(topics.exitCode()).as(topics.err()).isZero();
            final CliRun acls = CliRun.of("kafka", "acls", "--apply", "--bootstrap-servers", bootstrap,
                    "--kafka-settings", settingsFiles.get("admin").toString());
            assertThat(acls.exitCode()).as(acls.err()).isZero();
            assertThat(acls.out()).containsPattern("User:otp-api +WRITE +TOPIC +otp\\.commands\\.v1 +LITERAL")
                    .contains(KafkaAcls.bindings(KafkaAcls.Principals.DEFAULT).size() + " bindings created");

            final GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)
                    .dynamicPort());
            smtp.start();
            final DevSecrets secrets = new DevSecrets(dir.resolve("secrets")).ensure();
            final String jdbc = postgres.getJdbcUrl("postgres", "postgres");
            final Map<String, String> base = new HashMap<>(Pipeline.settingsMap(new PipelineSettings(bootstrap, jdbc,
                    "postgres", null, "127.0.0.1", smtp.getSmtp().getPort(), 0, secrets, dir.resolve("state"), 100,
                    Map.of("kafka.topics.create", "false"))));
            final Deque<AutoCloseable> started = new ArrayDeque<>();
            final VerifyingLoad load;
            try {
                final AuditService audit = AuditService.start(AuditConfig.from(as("otp-audit", base, settingsFiles)));
                started.push(audit);
                final ProcessorService processor = ProcessorService.start(
                        ProcessorConfig.from(as("otp-processor", base, settingsFiles)));
                started.push(processor);
                final NotifierService notifier = NotifierService.start(
                        NotifierConfig.from(as("otp-notifier", base, settingsFiles)));
                started.push(notifier);
                final ApiService api = ApiService.start(ApiConfig.from(as("otp-api", base, settingsFiles)));
                started.push(api);
                await().atMost(Duration.ofSeconds(120)).until(() -> api.isReady() && processor.isReady()
                        && notifier.isReady() && audit.isLive());

                load = new VerifyingLoad(smtp, secrets.apiKey(), VerifyingLoad.single(api.port()), "sasl-", 5);
                try {
                    load.settle(4);
                    load.finish();
                } finally {
                    load.close();
                }
                final int codes = load.issued().size();
                await().atMost(Duration.ofSeconds(60)).until(() -> PipelineFixture.auditRows(jdbc) >= 2L * codes);
                assertThat(audit.isLive()).as("audit sink still consuming").isTrue();
                try (HikariDataSource db = AuditDatabase.open(new JdbcLogin(jdbc, "postgres", null),
                        AuditDatabase.READER_ROLE, 1, "verify")) {
                    assertThat(new AuditVerifier(db).verify().findings()).as("audit chains").isEmpty();
                }

                for (String stranger : List.of("mallory", "otp-notifier", "otp-audit", "otp-tools")) {
                    assertThatThrownBy(() -> produce(bootstrap, settingsFiles.get(stranger), Topics.COMMANDS.name()))
                            .as(stranger + " writing " + Topics.COMMANDS.name())
                            .hasRootCauseInstanceOf(TopicAuthorizationException.class);
                }
                assertThatThrownBy(() -> produce(bootstrap, settingsFiles.get("otp-api"), Topics.EVENTS.name()))
                        .as("otp-api writing the public events")
                        .hasRootCauseInstanceOf(TopicAuthorizationException.class);
                assertThatThrownBy(() -> readOne(bootstrap, settingsFiles.get("mallory"), Topics.EVENTS.name()))
                        .as("mallory reading the public events")
                        .isInstanceOf(TopicAuthorizationException.class);
                final CliRun replay = CliRun.of("audit", "replay", "--bootstrap-servers", bootstrap,
                        "--kafka-settings", settingsFiles.get("otp-tools").toString(),
                        "--from", "2020-01-01T00:00:00Z");
                assertThat(replay.exitCode()).as(replay.err()).isZero();
                assertThat(replay.out().lines().count()).as("events replayed as otp-tools")
                        .isGreaterThanOrEqualTo(2L * codes);
            } finally {
                while (!started.isEmpty()) {
                    started.pop().close();
                }
                smtp.stop();
            }
            load.print("KafkaSecurityIT");
            assertThat(load.total("5xx") + load.total("error")).as("5xx or transport errors").isZero();
            assertThat(load.total("not approved")).as("right codes not approved").isZero();
            assertThat(load.issued()).isNotEmpty().hasSize(load.requested());
        }
    }

    /**
     * A user's {@code kafka.client.*} settings file; the password is in a file of its own, read by Kafka's
     * {@code FileConfigProvider}, so neither the settings nor the environment hold it.
     */
    private Path writeClientSettings(final String user, final String password) throws Exception {
        final Path secret = dir.resolve("secrets-kafka").resolve(user + ".properties");
        Files.createDirectories(secret.getParent());
        Files.writeString(secret, "password=" + password + "\n");
        final Properties p = new Properties();
        p.put("kafka.client.security.protocol", "SASL_PLAINTEXT");
        p.put("kafka.client.sasl.mechanism", "PLAIN");
        p.put("kafka.client.config.providers", "file");
        p.put("kafka.client.config.providers.file.class",
                "org.apache.kafka.common.config.provider.FileConfigProvider");
        p.put("kafka.client.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"" + user + "\" password=\"${file:" + secret + ":password}\";");
        final Path file = dir.resolve("kafka-" + user + ".properties");
        try (var w = Files.newBufferedWriter(file)) {
            p.store(w, null);
        }
        return file;
    }

    private static Settings as(final String user, final Map<String, String> base, final Map<String, Path> files) {
        final Map<String, String> m = new HashMap<>(base);
        Settings.load(files.get(user), Map.of()).passThrough("").forEach(m::put);
        return Settings.of(m);
    }

    /** The connection {@code ./otp audit|kafka --kafka-settings settings} would use. */
    private static KafkaConnection connection(final String bootstrap, final Path settings) {
        final KafkaOptions options = new KafkaOptions();
        options.bootstrapServers = bootstrap;
        options.settingsFile = settings;
        return options.connection();
    }

    private static void produce(final String bootstrap, final Path settings, final String topic) throws Exception {
        final Properties p = connection(bootstrap, settings).properties();
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "alice", new byte[] {'{', '}'})).get();
        } catch (ExecutionException e) {
            throw e;
        }
    }

    private static void readOne(final String bootstrap, final Path settings, final String topic) {
        final Properties p = connection(bootstrap, settings).properties();
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(new org.apache.kafka.common.TopicPartition(topic, 0)));
            consumer.poll(Duration.ofSeconds(10));
        }
    }
}
