package io.otppipeline.notifier;

import io.otppipeline.notifier.provider.SmtpEmailProvider;
import io.otppipeline.notifier.provider.TwilioSmsProvider;
import io.otppipeline.notifier.provider.WebhookSmsProvider;
import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.SettingCatalog;
import io.otppipeline.runtime.config.Settings;
import io.otppipeline.runtime.config.SharedSettings;
import io.otppipeline.runtime.kafka.KafkaConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed settings of otp-notifier (keys in {@code otp-notifier.properties}, or {@code OTP_*} variables). Secrets
 * come only from files ({@code secrets.*.file}).
 *
 * @param kafka how every Kafka client of the service connects ({@link KafkaConnection#SETTINGS})
 * @param groupId {@link #GROUP_ID}
 * @param deliveryKeyring {@link SharedSettings#DELIVERY_KEYRING_FILE}: opens sealed codes
 * @param emailProviders {@link #EMAIL_PROVIDERS}
 * @param smsProviders {@link #SMS_PROVIDERS}
 * @param smtp {@link #SMTP_HOST} and the other {@code smtp.*} settings; {@code null} unless {@code smtp} is an
 *     e-mail provider
 * @param twilio {@code sms.twilio.*} settings; {@code null} unless listed
 * @param webhook {@code sms.webhook.*} settings; {@code null} unless listed
 * @param resilience timeouts, retries and circuit breakers ({@link ResilienceSettings#SETTINGS})
 * @param templatesDir {@link #TEMPLATES_DIR}
 * @param defaultLocale {@link #DEFAULT_LOCALE}
 * @param codeInSubject {@link #CODE_IN_SUBJECT}
 * @param concurrency {@link #SEND_CONCURRENCY}
 * @param batchSize {@link #BATCH_SIZE}
 * @param ledgerLookback {@link #LEDGER_LOOKBACK_MS}
 * @param httpHost {@link #HTTP_HOST}
 * @param httpPort {@link #HTTP_PORT}
 * @param consumerOverrides {@link #CONSUMER_PREFIX} settings, passed through
 */
public record NotifierConfig(KafkaConnection kafka, String groupId, Path deliveryKeyring,
                             List<String> emailProviders, List<String> smsProviders,
                             SmtpEmailProvider.Settings smtp, TwilioSmsProvider.Settings twilio,
                             WebhookSmsProvider.Settings webhook, ResilienceSettings resilience,
                             Path templatesDir, String defaultLocale, boolean codeInSubject,
                             int concurrency, int batchSize, Duration ledgerLookback, String httpHost, int httpPort,
                             Map<String, String> consumerOverrides) {

    /** {@code notifier.consumer.<name>}: Kafka consumer settings passed through as {@code <name>}. */
    public static final String CONSUMER_PREFIX = "notifier.consumer.";

    public static final Setting<String> GROUP_ID = Setting.string("notifier.group.id", "otp-notifier",
            "consumer group; its ACLs in docs/OPERATIONS.md follow it");
    public static final Setting<String> EMAIL_PROVIDERS = Setting.string("notifier.email.providers", "smtp",
            "comma-separated, in failover order; smtp is the only e-mail adapter");
    public static final Setting<String> SMS_PROVIDERS = Setting.string("notifier.sms.providers", "",
            "comma-separated, in failover order, from twilio and webhook; empty: SMS fails with not_configured");
    public static final Setting<Path> TEMPLATES_DIR = Setting.path("notifier.templates.dir",
            "operator templates, searched before the shipped ones");
    public static final Setting<String> DEFAULT_LOCALE = Setting.string("notifier.templates.default.locale", "en",
            "locale of a message whose request named none or one without templates");
    public static final Setting<Boolean> CODE_IN_SUBJECT = Setting.flag("notifier.templates.code.in.subject", false,
            "put the code in the e-mail subject (visible on lock screens; off by default)");
    public static final Setting<Long> SEND_CONCURRENCY = Setting.integer("notifier.send.concurrency", 8, "count",
            "records of a batch sent in parallel").check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> BATCH_SIZE = Setting.integer("notifier.batch.size", 50, "records",
            "records per poll (max.poll.records)").check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> LEDGER_LOOKBACK_MS = Setting.integer("notifier.ledger.lookback.ms", 3_600_000,
            "milliseconds", "the furthest back a read of the delivery ledger starts when a partition is assigned "
                    + "(it starts where the first uncommitted delivery record was appended, less a minute)")
            .check(Setting.atLeast(0), "at least 0");
    public static final Setting<String> HTTP_HOST = Setting.string("notifier.http.host", "127.0.0.1",
            "listen address of /healthz, /readyz and /metrics");
    public static final Setting<Long> HTTP_PORT = Setting.integer("notifier.http.port", 9102, "port",
            "port of /healthz, /readyz and /metrics; 0 picks a free one, -1 turns them off")
            .check(Setting.between(-1, 65_535), "between -1 and 65535");
    public static final Setting<String> SMTP_HOST = Setting.string("smtp.host", null, "SMTP server").required();
    public static final Setting<Long> SMTP_PORT = Setting.integer("smtp.port", 25, "port", "SMTP port")
            .check(Setting.between(1, 65_535), "between 1 and 65535");
    public static final Setting<String> SMTP_FROM = Setting.string("smtp.from", "no-reply@localhost",
            "sender address");
    public static final Setting<String> SMTP_USERNAME = Setting.string("smtp.username", null, "SMTP login");
    public static final Setting<Path> SMTP_PASSWORD_FILE = Setting.path("secrets.smtp.password.file",
            "SMTP password");
    public static final Setting<String> SMTP_STARTTLS = Setting.string("smtp.starttls", "off",
            "off, optional or required").check(v -> List.of("off", "optional", "required").contains(v),
            "off, optional or required");
    public static final Setting<Long> SMTP_TIMEOUT_MS = Setting.integer("smtp.timeout.ms", 10_000, "milliseconds",
            "connect, read and write timeout").check(Setting.atLeast(1), "at least 1");
    public static final Setting<String> TWILIO_BASE_URL = Setting.string("sms.twilio.base.url",
            "https://api.twilio.com", "Twilio's API (tests point it at WireMock)");
    public static final Setting<String> TWILIO_ACCOUNT_SID = Setting.string("sms.twilio.account.sid", null,
            "the Twilio account that sends SMS").required();
    public static final Setting<Path> TWILIO_AUTH_TOKEN_FILE = Setting.path("secrets.sms.twilio.auth.token.file",
            "the account's auth token").required();
    public static final Setting<String> TWILIO_FROM = Setting.string("sms.twilio.from", null,
            "sender number (E.164); this or a Messaging Service SID is required");
    public static final Setting<String> TWILIO_MESSAGING_SERVICE_SID = Setting.string(
            "sms.twilio.messaging.service.sid", null, "Messaging Service that picks the sender");
    public static final Setting<String> WEBHOOK_URL = Setting.string("sms.webhook.url", null,
            "the webhook SMS provider's endpoint").required();
    public static final Setting<Path> WEBHOOK_TOKEN_FILE = Setting.path("secrets.sms.webhook.token.file",
            "bearer token for the webhook").required();

    /** Every setting otp-notifier reads; it owns {@code notifier.*}, {@code smtp.*}, {@code sms.*}. */
    public static final SettingCatalog CATALOG = new SettingCatalog("otp-notifier",
            List.of("notifier.", "smtp.", "sms.", "kafka."), List.of(), catalog(),
            List.of(CONSUMER_PREFIX, KafkaConnection.CLIENT_PREFIX));

    private static List<Setting<?>> catalog() {
        final List<Setting<?>> all = new ArrayList<>(List.of(GROUP_ID, EMAIL_PROVIDERS, SMS_PROVIDERS, TEMPLATES_DIR,
                DEFAULT_LOCALE, CODE_IN_SUBJECT, SEND_CONCURRENCY, BATCH_SIZE, LEDGER_LOOKBACK_MS, HTTP_HOST, HTTP_PORT,
                SMTP_HOST, SMTP_PORT, SMTP_FROM, SMTP_USERNAME, SMTP_PASSWORD_FILE, SMTP_STARTTLS, SMTP_TIMEOUT_MS,
                TWILIO_BASE_URL, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN_FILE, TWILIO_FROM, TWILIO_MESSAGING_SERVICE_SID,
                WEBHOOK_URL, WEBHOOK_TOKEN_FILE, SharedSettings.DELIVERY_KEYRING_FILE));
        all.addAll(ResilienceSettings.SETTINGS);
        all.addAll(KafkaConnection.SETTINGS);
        return List.copyOf(all);
    }

    /**
     * Reads the settings listed above.
     *
     * @throws IllegalStateException naming a missing or malformed setting, or an unknown provider
     */
    public static NotifierConfig from(final Settings s) {
        CATALOG.check(s);
        KafkaConnection.checkPassThrough(CONSUMER_PREFIX, s.passThrough(CONSUMER_PREFIX), false);
        final List<String> email = list(EMAIL_PROVIDERS.read(s));
        final List<String> sms = list(SMS_PROVIDERS.read(s));
        email.stream().filter(p -> !p.equals("smtp")).findFirst().ifPresent(p -> {
            throw new IllegalStateException("notifier.email.providers: unknown provider " + p + " (known: smtp)");
        });
        sms.stream().filter(p -> !p.equals("twilio") && !p.equals("webhook")).findFirst().ifPresent(p -> {
            throw new IllegalStateException("notifier.sms.providers: unknown provider " + p
                    + " (known: twilio, webhook)");
        });
        return new NotifierConfig(
                KafkaConnection.from(s),
                GROUP_ID.read(s),
                SharedSettings.DELIVERY_KEYRING_FILE.read(s),
                email, sms,
                email.contains("smtp") ? smtp(s) : null,
                sms.contains("twilio") ? twilio(s) : null,
                sms.contains("webhook") ? new WebhookSmsProvider.Settings(WEBHOOK_URL.read(s),
                        WEBHOOK_TOKEN_FILE.read(s)) : null,
                ResilienceSettings.from(s),
                TEMPLATES_DIR.read(s),
                DEFAULT_LOCALE.read(s),
                CODE_IN_SUBJECT.read(s),
                SEND_CONCURRENCY.read(s).intValue(),
                BATCH_SIZE.read(s).intValue(),
                Duration.ofMillis(LEDGER_LOOKBACK_MS.read(s)),
                HTTP_HOST.read(s),
                HTTP_PORT.read(s).intValue(),
                s.passThrough(CONSUMER_PREFIX));
    }

    private static SmtpEmailProvider.Settings smtp(final Settings s) {
        return new SmtpEmailProvider.Settings(SMTP_HOST.read(s), SMTP_PORT.read(s).intValue(), SMTP_FROM.read(s),
                SMTP_USERNAME.read(s), SMTP_PASSWORD_FILE.read(s), SMTP_STARTTLS.read(s), SMTP_TIMEOUT_MS.read(s));
    }

    private static TwilioSmsProvider.Settings twilio(final Settings s) {
        final String from = TWILIO_FROM.read(s);
        final String service = TWILIO_MESSAGING_SERVICE_SID.read(s);
        if (from == null && service == null) {
            throw new IllegalStateException("sms.twilio.from or sms.twilio.messaging.service.sid is required");
        }
        return new TwilioSmsProvider.Settings(TWILIO_BASE_URL.read(s), TWILIO_ACCOUNT_SID.read(s),
                TWILIO_AUTH_TOKEN_FILE.read(s), from, service);
    }

    private static List<String> list(final String csv) {
        return Arrays.stream(csv.split(",")).map(p -> p.strip().toLowerCase(Locale.ROOT)).filter(p -> !p.isEmpty())
                .distinct().toList();
    }
}
