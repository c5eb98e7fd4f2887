package io.otppipeline.notifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otppipeline.notifier.provider.SmsMessage;
import io.otppipeline.runtime.config.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contract tests of the SMS adapters against WireMock: the Twilio Messages API request shape, how each answer
 * is treated (201, 400, 429 with Retry-After, 500, a timeout, 401), failover to the webhook provider, and the
 * circuit breaker opening and closing again.
 */
class SmsProviderContractTest {

    private static final String SID = "AC0123456789abcdef0123456789abcdef";
    private static final String TWILIO_PATH = "/2010-04-01/Accounts/" + SID + "/Messages.json";
    private static final String CODE = "493817";

    @RegisterExtension
    static final WireMockExtension TWILIO = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static final WireMockExtension WEBHOOK = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).build();

    @TempDir
    Path dir;

    private ProviderChains chains;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AfterEach
    void close() {
        if (chains != null) {
            chains.close();
        }
    }

    @Test
    void shouldPostTwilioFormWithBasicAuthWhenSendingSms() throws Exception {
        twilioAnswers(201, "{\"sid\":\"SM42\",\"status\":\"queued\"}");

        final ProviderChain.Result result = send(chain(Map.of()), Clock.systemUTC());

        assertThat(result.messageId()).isEqualTo("SM42");
        assertThat(result.provider()).isEqualTo("twilio");
        final String basic = "Basic " + Base64.getEncoder().encodeToString(
                (SID + ":twilio-token").getBytes(StandardCharsets.UTF_8));
        TWILIO.verify(1, postRequestedFor(urlEqualTo(TWILIO_PATH))
                .withHeader("Authorization", equalTo(basic))
                .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                .withFormParam("To", equalTo("+14155550123"))
                .withFormParam("From", equalTo("+15005550006"))
                .withFormParam("Body", containing(CODE)));
    }

    @Test
    void shouldGiveUpWithoutRetryOrFailoverWhenTwilioRefusesTheNumber() throws Exception {
        twilioAnswers(400, "{\"code\":21211,\"message\":\"The 'To' number is not a valid phone number.\"}");
        webhookAnswers(200, "{\"id\":\"wh-1\"}");

        final AtomicInteger attempts = new AtomicInteger();
        final ProviderChain.Result result = send(chain(Map.of()), attempts);

        assertThat(result.failure().reason()).isEqualTo("invalid_destination");
        assertThat(attempts).hasValue(1);
        assertThat(WEBHOOK.getAllServeEvents()).isEmpty();
    }

    @Test
    void shouldWaitForRetryAfterWhenTwilioAnswers429() throws Exception {
        TWILIO.stubFor(post(urlEqualTo(TWILIO_PATH)).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withBody("{\"code\":20429}")).willSetStateTo("ok"));
        TWILIO.stubFor(post(urlEqualTo(TWILIO_PATH)).inScenario("429").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(201).withBody("{\"sid\":\"SM43\"}")));

        final AtomicInteger attempts = new AtomicInteger();
        final ProviderChain.Result result = send(chain(Map.of()), attempts);

        assertThat(result.messageId()).isEqualTo("SM43");
        assertThat(attempts).hasValue(2);
        final List<LoggedRequest> calls = TWILIO.findAll(postRequestedFor(urlEqualTo(TWILIO_PATH)));
        assertThat(calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime())
                .as("milliseconds between the 429 and the retry").isGreaterThanOrEqualTo(1000);
    }

    @Test
    void shouldFailOverAtOnceWhenRetryAfterIsLongerThanTheLimit() throws Exception {
        twilioAnswers(429, "{}", "Retry-After", "3600");
        webhookAnswers(202, "{\"id\":\"wh-2\"}");

        final AtomicInteger attempts = new AtomicInteger();
        final ProviderChain.Result result = send(chain(Map.of()), attempts);

        assertThat(result.provider()).isEqualTo("webhook");
        assertThat(attempts).hasValue(2);
    }

    @Test
    void shouldRetryWhenTwilioAnswers500ThenAccepts() throws Exception {
        TWILIO.stubFor(post(urlEqualTo(TWILIO_PATH)).inScenario("500").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("ok"));
        TWILIO.stubFor(post(urlEqualTo(TWILIO_PATH)).inScenario("500").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(201).withBody("{\"sid\":\"SM44\"}")));

        final AtomicInteger attempts = new AtomicInteger();
        final ProviderChain.Result result = send(chain(Map.of()), attempts);

        assertThat(result.messageId()).isEqualTo("SM44");
        assertThat(attempts).hasValue(2);
    }

    @Test
    void shouldRetryWhenTwilioDoesNotAnswerWithinTheCallTimeout() throws Exception {
        TWILIO.stubFor(post(urlEqualTo(TWILIO_PATH)).inScenario("slow").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(201).withFixedDelay(2_000).withBody("{\"sid\":\"late\"}"))
                .willSetStateTo("ok"));
        TWILIO.stubFor(post(urlEqualTo(TWILIO_PATH)).inScenario("slow").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(201).withBody("{\"sid\":\"SM45\"}")));

        final AtomicInteger attempts = new AtomicInteger();
        final ProviderChain.Result result = chain(Map.of("notifier.call.timeout.ms", "300"))
                .send(message(), inTenMinutes(Clock.systemUTC()), attempts);

        assertThat(result.messageId()).isEqualTo("SM45");
        assertThat(attempts).hasValue(2);
    }

    @Test
    void shouldFailOverToWebhookWhenTwilioKeepsFailing() throws Exception {
        twilioAnswers(503, "{}");
        webhookAnswers(200, "{\"id\":\"wh-3\"}");

        final AtomicInteger attempts = new AtomicInteger();
        final ProviderChain<SmsMessage> chain = chain(Map.of("notifier.retry.initial.backoff.ms", "200"));
        final long started = System.nanoTime();
        final ProviderChain.Result result = chain.send(message(), inTenMinutes(Clock.systemUTC()), attempts);
        System.out.printf("failover with the default backoff after 3 failed twilio calls: %d ms%n",
                (System.nanoTime() - started) / 1_000_000);

        assertThat(result.provider()).isEqualTo("webhook");
        assertThat(result.messageId()).isEqualTo("wh-3");
        assertThat(attempts).hasValue(4);
        WEBHOOK.verify(1, postRequestedFor(urlEqualTo("/sms"))
                .withHeader("Authorization", equalTo("Bearer webhook-token"))
                .withHeader("Idempotency-Key", equalTo("otp-1"))
                .withRequestBody(equalToJson("{\"to\":\"+14155550123\",\"reference\":\"otp-1\",\"body\":\""
                        + "${json-unit.any-string}\"}")));
    }

    @Test
    void shouldFailOverWithoutRetryWhenTwilioRefusesOurCredentials() throws Exception {
        twilioAnswers(401, "{\"code\":20003}");
        webhookAnswers(200, "{\"id\":\"wh-4\"}");

        final AtomicInteger attempts = new AtomicInteger();
        final ProviderChain.Result result = send(chain(Map.of()), attempts);

        assertThat(result.provider()).isEqualTo("webhook");
        assertThat(attempts).hasValue(2);
    }

    @Test
    void shouldOpenCircuitWhenTwilioFailsAndCloseItWhenTwilioRecovers() throws Exception {
        final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T09:00:00Z"));
        twilioAnswers(500, "{}");
        webhookAnswers(200, "{\"id\":\"wh\"}");
        final ProviderChain<SmsMessage> chain = chain(Map.of("notifier.retry.max.attempts", "1",
                "notifier.breaker.window.calls", "4", "notifier.breaker.minimum.calls", "4",
                "notifier.breaker.open.ms", "30000", "notifier.breaker.half.open.calls", "2"), clock);
        final ResilientProvider<SmsMessage> twilio = chain.providers().get(0);

        for (int i = 0; i < 4; i++) {
            assertThat(send(chain, clock).provider()).isEqualTo("webhook");
        }
        assertThat(twilio.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(send(chain, clock).provider()).isEqualTo("webhook");
        assertThat(TWILIO.findAll(postRequestedFor(urlEqualTo(TWILIO_PATH)))).as("no call while open").hasSize(4);

        twilioAnswers(201, "{\"sid\":\"SM46\"}");
        clock.advance(Duration.ofSeconds(31));
        assertThat(send(chain, clock).provider()).isEqualTo("twilio");
        assertThat(twilio.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(send(chain, clock).provider()).isEqualTo("twilio");
        assertThat(twilio.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void shouldStopRetryingAndNotSendWhenCodeExpiresDuringRetries() throws Exception {
        twilioAnswers(503, "{}");
        final ProviderChain<SmsMessage> chain = chain(Map.of("notifier.sms.providers", "twilio",
                "notifier.retry.max.attempts", "50", "notifier.retry.initial.backoff.ms", "100",
                "notifier.retry.multiplier", "1.0"));

        final AtomicInteger attempts = new AtomicInteger();
        final ProviderChain.Result result = chain.send(message(), Instant.now().plusMillis(500), attempts);

        assertThat(result.expired()).isTrue();
        assertThat(result.failure()).isNull();
        assertThat(attempts.get()).isBetween(1, 49);
        assertThat(TWILIO.getAllServeEvents()).hasSize(attempts.get());
    }

    @Test
    void shouldMeterCallsPerProviderAndBreakerStateWhenSending() throws Exception {
        twilioAnswers(500, "{}");
        webhookAnswers(200, "{\"id\":\"wh-5\"}");
        final ProviderChain<SmsMessage> chain = chain(Map.of("notifier.retry.max.attempts", "2"));

        send(chain, Clock.systemUTC());

        assertThat(meters.get("otp.notifier.provider.calls").tags("provider", "twilio", "channel", "sms",
                "outcome", "provider_error").timer().count()).isEqualTo(2);
        assertThat(meters.get("otp.notifier.provider.calls").tags("provider", "webhook", "outcome", "success")
                .timer().count()).isEqualTo(1);
        assertThat(meters.get("resilience4j.circuitbreaker.state").tags("name", "sms.twilio", "state", "closed")
                .gauge().value()).isEqualTo(1.0);
    }

    private static ProviderChain.Result send(final ProviderChain<SmsMessage> chain, final AtomicInteger attempts) {
        return chain.send(message(), inTenMinutes(Clock.systemUTC()), attempts);
    }

    private ProviderChain.Result send(final ProviderChain<SmsMessage> chain, final Clock clock) {
        return chain.send(message(), inTenMinutes(clock), new AtomicInteger());
    }

    private static Instant inTenMinutes(final Clock clock) {
        return clock.instant().plusSeconds(600);
    }

    private static SmsMessage message() {
        return new SmsMessage("otp-1", "+14155550123", CODE + " is your verification code.");
    }

    private static void twilioAnswers(final int status, final String body, final String... header) {
        TWILIO.resetAll();
        TWILIO.stubFor(post(urlEqualTo(TWILIO_PATH)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)
                .withHeader(header.length > 0 ? header[0] : "X-Test", header.length > 1 ? header[1] : "1")));
    }

    private static void webhookAnswers(final int status, final String body) {
        WEBHOOK.stubFor(post(urlEqualTo("/sms")).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    private ProviderChain<SmsMessage> chain(final Map<String, String> overrides) throws Exception {
        return chain(overrides, Clock.systemUTC());
    }

    private ProviderChain<SmsMessage> chain(final Map<String, String> overrides, final Clock clock)
            throws Exception {
        Files.writeString(dir.resolve("twilio-token"), "twilio-token\n");
        Files.writeString(dir.resolve("webhook-token"), "webhook-token\n");
        final Map<String, String> s = new HashMap<>(Map.of(
                "kafka.bootstrap.servers", "unused:9092",
                "secrets.delivery.keyring.file", dir.resolve("unused").toString(),
                "smtp.host", "127.0.0.1",
                "notifier.sms.providers", "twilio,webhook",
                "sms.twilio.base.url", TWILIO.baseUrl(),
                "sms.twilio.account.sid", SID,
                "sms.twilio.from", "+15005550006",
                "secrets.sms.twilio.auth.token.file", dir.resolve("twilio-token").toString(),
                "sms.webhook.url", WEBHOOK.baseUrl() + "/sms",
                "secrets.sms.webhook.token.file", dir.resolve("webhook-token").toString()));
        s.put("notifier.retry.initial.backoff.ms", "20");
        s.putAll(overrides);
        chains = new ProviderChains(NotifierConfig.from(Settings.of(s)), new DeliveryMetrics(meters),
                clock);
        return chains.sms();
    }
}
