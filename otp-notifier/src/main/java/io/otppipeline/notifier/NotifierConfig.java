package io.otppipeline.notifier;

import io.otppipeline.notifier.provider.SmtpEmailProvider;
import io.otppipeline.notifier.provider.TwilioSmsProvider;
import io.otppipeline.notifier.provider.WebhookSmsProvider;
import io.otppipeline.schemas.config.Settings;
import io.otppipeline.schemas.kafka.KafkaConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed settings of otp-notifier (keys in {@code otp-notifier.properties}, or {@code OTP_*} variables). Secrets
 * come only from files ({@code secrets.*.file}).
 *
 * @param kafka {@code kafka.bootstrap.servers} (required), {@code kafka.client.*}, {@code kafka.replication.factor},
 *     {@code kafka.topics.create}: how every Kafka client of the service connects ({@link KafkaConnection})
 * @param groupId {@code notifier.group.id}: consumer group; default {@code otp-notifier}
 * @param deliveryKeyring {@code secrets.delivery.keyring.file}: required; opens sealed codes
 * @param emailProviders {@code notifier.email.providers}: comma-separated, in failover order; {@code smtp}
 *     (the only e-mail adapter); default {@code smtp}
 * @param smsProviders {@code notifier.sms.providers}: comma-separated, in failover order, from {@code twilio}
 *     and {@code webhook}; default empty (SMS fails with {@code not_configured})
 * @param smtp SMTP settings ({@code smtp.*}); {@code null} unless {@code smtp} is an e-mail provider
 * @param twilio Twilio settings ({@code sms.twilio.*}); {@code null} unless listed
 * @param webhook webhook settings ({@code sms.webhook.*}); {@code null} unless listed
 * @param resilience timeouts, retries and circuit breakers
 * @param templatesDir {@code notifier.templates.dir}: operator templates, searched before the shipped ones;
 *     default none
 * @param defaultLocale {@code notifier.templates.default.locale}: default {@code en}
 * @param codeInSubject {@code notifier.templates.code.in.subject}: default {@code false}
 * @param concurrency {@code notifier.send.concurrency}: records of a batch sent in parallel; default 8
 * @param batchSize {@code notifier.batch.size}: records per poll ({@code max.poll.records}); default 50
 * @param ledgerLookback {@code notifier.ledger.lookback.ms}: the furthest back a read of the delivery ledger
 *     starts when a partition is assigned, in milliseconds (it starts where the first uncommitted delivery
 *     record was appended, less a minute); default 3600000
 * @param httpPort {@code notifier.http.port}: port of {@code /metrics} and {@code /healthz}; 0 picks a free
 *     port, -1 turns it off; default 9102
 * @param consumerOverrides {@code notifier.consumer.<name>}: Kafka consumer settings passed through, for
 *     example {@code notifier.consumer.session.timeout.ms}; default none
 */
public record NotifierConfig(KafkaConnection kafka, String groupId, Path deliveryKeyring,
                             List<String> emailProviders, List<String> smsProviders,
                             SmtpEmailProvider.Settings smtp, TwilioSmsProvider.Settings twilio,
                             WebhookSmsProvider.Settings webhook, ResilienceSettings resilience,
                             Path templatesDir, String defaultLocale, boolean codeInSubject,
                             int concurrency, int batchSize, Duration ledgerLookback, int httpPort,
                             Map<String, String> consumerOverrides) {

    /**
     * Reads the settings listed above.
     *
     * @throws IllegalStateException naming a missing or malformed setting, or an unknown provider
     */
    public static NotifierConfig from(final Settings s) {
        final List<String> email = list(s.string("notifier.email.providers", "smtp"));
        final List<String> sms = list(s.string("notifier.sms.providers", ""));
        email.stream().filter(p -> !p.equals("smtp")).findFirst().ifPresent(p -> {
            throw new IllegalStateException("notifier.email.providers: unknown provider " + p + " (known: smtp)");
        });
        sms.stream().filter(p -> !p.equals("twilio") && !p.equals("webhook")).findFirst().ifPresent(p -> {
            throw new IllegalStateException("notifier.sms.providers: unknown provider " + p
                    + " (known: twilio, webhook)");
        });
        return new NotifierConfig(
                KafkaConnection.from(s),
                s.string("notifier.group.id", "otp-notifier"),
                s.path("secrets.delivery.keyring.file"),
                email, sms,
                email.contains("smtp") ? smtp(s) : null,
                sms.contains("twilio") ? twilio(s) : null,
                sms.contains("webhook") ? new WebhookSmsProvider.Settings(s.required("sms.webhook.url"),
                        s.path("secrets.sms.webhook.token.file")) : null,
                ResilienceSettings.from(s),
                s.optionalPath("notifier.templates.dir"),
                s.string("notifier.templates.default.locale", "en"),
                s.flag("notifier.templates.code.in.subject", false),
                (int) s.number("notifier.send.concurrency", 8),
                (int) s.number("notifier.batch.size", 50),
                Duration.ofMillis(s.number("notifier.ledger.lookback.ms", 3_600_000)),
                (int) s.number("notifier.http.port", 9102),
                s.passThrough("notifier.consumer."));
    }

    private static SmtpEmailProvider.Settings smtp(final Settings s) {
        return new SmtpEmailProvider.Settings(
                s.required("smtp.host"),
                (int) s.number("smtp.port", 25),
                s.string("smtp.from", "no-reply@localhost"),
                s.string("smtp.username", null),
                s.optionalPath("secrets.smtp.password.file"),
                s.string("smtp.starttls", "off"),
                s.number("smtp.timeout.ms", 10_000));
    }

    private static TwilioSmsProvider.Settings twilio(final Settings s) {
        final String from = s.string("sms.twilio.from", null);
        final String service = s.string("sms.twilio.messaging.service.sid", null);
        if (from == null && service == null) {
            throw new IllegalStateException("sms.twilio.from or sms.twilio.messaging.service.sid is required");
        }
        return new TwilioSmsProvider.Settings(s.string("sms.twilio.base.url", "https://api.twilio.com"),
                s.required("sms.twilio.account.sid"), s.path("secrets.sms.twilio.auth.token.file"), from, service);
    }

    private static List<String> list(final String csv) {
        return Arrays.stream(csv.split(",")).map(p -> p.strip().toLowerCase(Locale.ROOT)).filter(p -> !p.isEmpty())
                .distinct().toList();
    }
}
