package io.otppipeline.local;

import io.otppipeline.notifier.NotifierConfig;
import io.otppipeline.runtime.config.Settings;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./otp local}: a real single-node KRaft broker, PostgreSQL, an SMTP sink and the four services, with
 * development secrets, all under one data directory that a second start reuses. Each piece of
 * infrastructure can be swapped for an external one with a flag.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = "Run the whole pipeline on this machine until Ctrl-C.")
final class LocalCommand implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = ".otp-local", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--api-port", defaultValue = "8080", description = "HTTP port of otp-api (default: ${DEFAULT-VALUE}).")
    int apiPort;

    @Option(names = "--bootstrap-servers", description = "Use this Kafka instead of starting a broker.")
    String bootstrapServers;

    @Option(names = "--kafka-port", defaultValue = "9092",
            description = "Client port of the local broker; the controller uses the next one (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--jdbc-url", description = "Use this PostgreSQL instead of the embedded one.")
    String jdbcUrl;

    @Option(names = "--jdbc-user", defaultValue = "postgres", description = "Database user (default: ${DEFAULT-VALUE}).")
    String jdbcUser;

    @Option(names = "--jdbc-password-file", description = "File holding the database password (default: none).")
    Path jdbcPasswordFile;

    @Option(names = "--pg-port", defaultValue = "5433", description = "Port of the embedded PostgreSQL (default: ${DEFAULT-VALUE}).")
    int pgPort;

    @Option(names = "--smtp-host", description = "Send mail to this SMTP server instead of the embedded sink.")
    String smtpHost;

    @Option(names = "--smtp-port", defaultValue = "2525",
            description = "Port of the external SMTP server, or of the embedded sink (default: ${DEFAULT-VALUE}).")
    int smtpPort;

    @Option(names = "--sms-port", defaultValue = "2526",
            description = "Port of the embedded SMS sink, the notifier's webhook SMS provider (default: ${DEFAULT-VALUE}).")
    int smsPort;

    @Option(names = "--config", description = "Properties file with further service settings, for example "
            + "per-purpose rules such as otp.purpose.login.resend.cooldown.seconds=30 (docs/CONFIGURATION.md).")
    Path configFile;

    @Option(names = "--commit-interval-ms", defaultValue = "200",
            description = "Processor transaction commit interval in milliseconds (default: ${DEFAULT-VALUE}).")
    long commitIntervalMs;

    /** The file of settings {@code ./otp local} and docker-compose.yml add to the defaults (class path root). */
    static final String DEMO_ENV = "demo.env";

    private final Deque<AutoCloseable> running = new ConcurrentLinkedDeque<>();

    @Override
    public Integer call() throws Exception {
        final long started = System.nanoTime();
        final Path dir = dataDir.toAbsolutePath();
        Files.createDirectories(dir.resolve("logs"));
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "otp-local-shutdown"));
        final CountDownLatch forever = new CountDownLatch(1);
        try {
            final DevSecrets secrets = new DevSecrets(dir.resolve("secrets")).ensure();
            final CompletableFuture<String> postgres = jdbcUrl != null ? CompletableFuture.completedFuture(jdbcUrl)
                    : CompletableFuture.supplyAsync(() -> startPostgres(dir));
            final String kafka = bootstrapServers != null ? bootstrapServers : startKafka(dir);
            final String jdbc = postgres.join();
            final String smtp = smtpHost != null ? smtpHost : startMailSink(dir);
            final Map<String, String> overrides = overrides();
            if (!overrides.containsKey(NotifierConfig.SMS_PROVIDERS.name())) { // texts go to the SMS sink unless configured
                final SmsSink sms = new SmsSink(smsPort, dir.resolve("sms"), secrets.smsWebhookToken()).start();
                running.push(sms);
                overrides.put(NotifierConfig.SMS_PROVIDERS.name(), "webhook");
                overrides.put(NotifierConfig.WEBHOOK_URL.name(), sms.url());
                overrides.put(NotifierConfig.WEBHOOK_TOKEN_FILE.name(), secrets.smsWebhookToken().toString());
            }
            final Pipeline pipeline = Pipeline.start(new PipelineSettings(kafka, jdbc, jdbcUser, jdbcPasswordFile, smtp, smtpPort,
                    apiPort, secrets, dir.resolve("processor-state"), commitIntervalMs, overrides));
            running.push(pipeline);
            awaitReady(pipeline);
            printBanner(dir, secrets, kafka, jdbc, pipeline.apiPort(), System.nanoTime() - started);
        } catch (Exception e) {
            System.err.println("otp local failed to start: " + e.getMessage());
            throw e;
        }
        forever.await();
        return 0;
    }

    private String startKafka(final Path dir) throws IOException, InterruptedException {
        final LocalKafka kafka = new LocalKafka(dir.resolve("kafka"), kafkaPort);
        running.push(kafka);
        kafka.start();
        return kafka.bootstrapServers();
    }

    /** Runs beside the broker's start-up: PostgreSQL and Kafka share nothing. */
    private String startPostgres(final Path dir) {
        try {
            final LocalPostgres postgres = LocalPostgres.start(dir.resolve("postgres"), pgPort,
                    dir.resolve("logs/postgres.log"));
            running.push(postgres);
            return postgres.jdbcUrl();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start; see " + dir.resolve("logs/postgres.log"), e);
        }
    }

    private String startMailSink(final Path dir) throws IOException {
        final MailSink sink = new MailSink(smtpPort, dir.resolve("mail")).start();
        running.push(sink);
        return "127.0.0.1";
    }

    private static void awaitReady(final Pipeline pipeline) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!pipeline.isReady()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the pipeline was not ready within 120 s");
            }
            Thread.sleep(100);
        }
    }

    private Map<String, String> overrides() throws IOException {
        final Map<String, String> overrides = new HashMap<>(demoSettings());
        if (configFile != null) {
            final Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                props.load(reader);
            }
            props.stringPropertyNames().forEach(k -> overrides.put(k, props.getProperty(k)));
        }
        return overrides;
    }

    /**
     * The settings that {@code ./otp local} adds to the services' defaults, from the class path's {@code demo.env}:
     * the same file docker-compose.yml gives every service as {@code env_file}, so both run with one definition.
     * Its lines are {@code VARIABLE=value} in the services' environment form ({@link Settings#fromEnvironment});
     * blank lines and lines starting with {@code #} are skipped, as docker-compose skips them.
     *
     * @return setting keys to values
     * @throws IllegalStateException if the file is missing from the class path or a line has no {@code =}
     */
    static Map<String, String> demoSettings() throws IOException {
        final Map<String, String> variables = new HashMap<>();
        try (var in = LocalCommand.class.getResourceAsStream("/" + DEMO_ENV)) {
            if (in == null) {
                throw new IllegalStateException(DEMO_ENV + " is missing from the class path");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
                final String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                final int equals = l.indexOf('=');
                if (equals < 1) {
                    throw new IllegalStateException(DEMO_ENV + ": not VARIABLE=value: " + l);
                }
                variables.put(l.substring(0, equals), l.substring(equals + 1));
            }
        }
        return Settings.fromEnvironment(variables);
    }

    private void printBanner(final Path dir, final DevSecrets secrets, final String kafka, final String jdbc,
                             final int port, final long elapsedNanos) {
        final String api = "http://127.0.0.1:" + port;
        final String out = String.join(System.lineSeparator(),
                "",
                String.format(Locale.ROOT, "OTP pipeline ready in %.1f s. Data directory: %s",
                        elapsedNanos / 1e9, dir),
                "  API         " + api,
                "  API key     " + secrets.apiKey() + "   (tenant demo; also in " + secrets.apiKeyPlaintext() + ")",
                "  Admin key   in " + secrets.adminKeyPlaintext() + "   (scope admin: POST /v1/users/{userId}/unlock)",
                "  Twilio      Verify v2 API on " + api + "/v2: Service SID in " + secrets.twilioServiceSidFile()
                        + ", Account SID (HTTP Basic user) in " + secrets.twilioAccountSidFile()
                        + ", password = the API key (docs/TWILIO.md)",
                "  Kafka       " + kafka + (bootstrapServers == null ? "   (log: " + dir.resolve("kafka/kafka.log") + ")" : ""),
                "  PostgreSQL  " + jdbc,
                smtpHost == null
                        ? "  Mail        SMTP sink on 127.0.0.1:" + smtpPort + "; each message is saved under "
                        + dir.resolve("mail") + "; print the newest with: ./otp mail --data-dir " + dataDir
                        : "  Mail        sent to " + smtpHost + ":" + smtpPort,
                "  SMS         texts are saved under " + dir.resolve("sms") + " (unless --config names SMS providers); "
                        + "print the newest with: ./otp sms --data-dir " + dataDir,
                "",
                "Request a code:",
                "  curl -s -X POST " + api + "/v1/otp -H \"Authorization: Bearer $(cat " + secrets.apiKeyPlaintext()
                        + ")\" -H 'Content-Type: application/json' \\",
                "    -d '{\"userId\":\"alice\",\"channel\":\"email\",\"destination\":\"alice@example.com\","
                        + "\"purpose\":\"login\"}'",
                "Stop with Ctrl-C.",
                "");
        System.out.println(out);
    }

    private void stopAll() {
        while (!running.isEmpty()) {
            try {
                running.pop().close();
            } catch (Exception e) {
                System.err.println("stopping: " + e);
            }
        }
    }
}
