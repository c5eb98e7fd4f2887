package io.otppipeline.notifier;

import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.otppipeline.notifier.provider.EmailMessage;
import io.otppipeline.notifier.provider.Provider;
import io.otppipeline.notifier.provider.SmsMessage;
import io.otppipeline.notifier.provider.SmtpEmailProvider;
import io.otppipeline.notifier.provider.TwilioSmsProvider;
import io.otppipeline.notifier.provider.WebhookSmsProvider;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Builds the e-mail and SMS {@link ProviderChain}s from {@link NotifierConfig}: one adapter per listed provider,
 * in the listed order, each wrapped in its own {@link ResilientProvider}. Owns the thread pool the provider
 * calls run on.
 */
final class ProviderChains implements AutoCloseable {

    private final ProviderChain<EmailMessage> email;
    private final ProviderChain<SmsMessage> sms;
    private final ExecutorService callPool;
    private final List<SmtpEmailProvider> smtp;

    /**
     * @throws IllegalStateException if a provider's secret file cannot be read or a setting is invalid
     */
    ProviderChains(final NotifierConfig config, final DeliveryMetrics metrics, final Clock clock) {
        this.callPool = Executors.newCachedThreadPool(r -> {
            final Thread t = new Thread(r, "otp-notifier-call");
            t.setDaemon(true);
            return t;
        });
        final ResilientProvider.Registries registries = ResilientProvider.Registries.create();
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registries.breakers()).bindTo(metrics.registry());
        TaggedRetryMetrics.ofRetryRegistry(registries.retries()).bindTo(metrics.registry());
        final long timeoutMs = config.resilience().callTimeout().toMillis();
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(timeoutMs))
                .version(HttpClient.Version.HTTP_1_1).executor(callPool).build();
        this.smtp = config.emailProviders().stream().map(name -> new SmtpEmailProvider(config.smtp())).toList();
        this.email = new ProviderChain<>("email", smtp.stream()
                .map(provider -> wrap("email", provider, config, registries, metrics, clock)).toList());
        this.sms = new ProviderChain<>("sms", config.smsProviders().stream()
                .map(name -> wrap("sms", "twilio".equals(name)
                        ? new TwilioSmsProvider(config.twilio(), http, timeoutMs, clock)
                        : new WebhookSmsProvider(config.webhook(), http, timeoutMs, clock),
                        config, registries, metrics, clock))
                .toList());
    }

    ProviderChain<EmailMessage> email() {
        return email;
    }

    ProviderChain<SmsMessage> sms() {
        return sms;
    }

    private <M> ResilientProvider<M> wrap(final String channel, final Provider<M> provider,
                                          final NotifierConfig config, final ResilientProvider.Registries registries,
                                          final DeliveryMetrics metrics, final Clock clock) {
        return new ResilientProvider<>(provider, channel, config.resilience(), registries, callPool, metrics, clock);
    }

    /** Names of the providers of both chains, for the start-up log line. */
    List<String> describe() {
        return List.of("email=" + email.providers().stream().map(ResilientProvider::name).toList(),
                "sms=" + sms.providers().stream().map(ResilientProvider::name).toList());
    }

    @Override
    public void close() {
        callPool.shutdownNow();
        smtp.forEach(SmtpEmailProvider::close);
    }
}
