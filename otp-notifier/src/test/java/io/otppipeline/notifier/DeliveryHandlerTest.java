package io.otppipeline.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.runtime.config.Settings;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.delivery.DeliverySecret;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.EventTypes;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The notifier's handling of one delivery record against a real SMTP server (GreenMail, with authentication). */
class DeliveryHandlerTest {

    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");

    private final Aead aead = new Aead(Keyring.generate("d1"));
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private GreenMail smtp;
    private ProviderChains chains;

    @TempDir
    Path dir;

    @BeforeEach
    void startSmtp() throws Exception {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.setUser("otp-sender", "s3cret");
        smtp.start();
        Files.writeString(dir.resolve("smtp-password"), "s3cret\n");
    }

    @AfterEach
    void stopSmtp() {
        smtp.stop();
        if (chains != null) {
            chains.close();
        }
    }

    static Stream<Arguments> subjects() {
        return Stream.of(
                Arguments.of("login", "en", "Your sign-in code", "Your verification code is"),
                Arguments.of("step_up", "en", "Confirm it is you", "Your verification code is"),
                Arguments.of("password_reset", "en", "Your password reset code", "reset your password"),
                Arguments.of("login", "de", "Ihr Anmeldecode", "Ihr Bestätigungscode lautet"),
                Arguments.of("step_up", "de", "Bestätigen Sie, dass Sie es sind", "Ihr Bestätigungscode lautet"),
                Arguments.of("password_reset", "de", "Ihr Code zum Zurücksetzen des Passworts",
                        "Passwort zurück"),
                Arguments.of("login", "fr", "Votre code de connexion", "Votre code de vérification est"),
                Arguments.of("step_up", "fr", "Confirmez votre identité", "Votre code de vérification est"),
                Arguments.of("password_reset", "fr", "Votre code de réinitialisation du mot de passe",
                        "réinitialiser votre mot de passe"));
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("subjects")
    void shouldMailPurposeTextInLocaleWithoutCodeInSubjectWhenCodeIsLive(final String purpose, final String locale,
                                                                         final String subject, final String lead)
            throws Exception {
        final DeliveryHandler.Outcome outcome = handler(Map.of()).handle(
                issued(Channel.EMAIL, "bob@example.test", "424242", purpose, locale, 600));

        final MimeMessage[] mail = smtp.getReceivedMessages();
        assertThat(mail).hasSize(1);
        assertThat(mail[0].getSubject()).isEqualTo(subject).doesNotContain("424242");
        final MimeMultipart parts = (MimeMultipart) mail[0].getContent();
        assertThat(parts.getContentType()).startsWith("multipart/alternative");
        final String text = (String) parts.getBodyPart(0).getContent();
        final String html = (String) parts.getBodyPart(1).getContent();
        assertThat(text).contains(lead).contains("424242").contains("10");
        assertThat(html).contains("<strong>424242</strong>").contains("lang=\"" + locale + "\"");
        assertThat(outcome.event().type()).isEqualTo(EventTypes.DELIVERY_SENT);
        assertThat(outcome.event().data().path("provider").asText()).isEqualTo("smtp");
        assertThat(outcome.event().data().toString()).doesNotContain("424242").doesNotContain("bob@example.test");
    }

    @Test
    void shouldFallBackToLanguageThenDefaultLocaleWhenLocaleHasNoTemplates() throws Exception {
        handler(Map.of()).handle(issued(Channel.EMAIL, "a@example.test", "111111", "login", "de-CH", 600));
        handler(Map.of()).handle(issued(Channel.EMAIL, "b@example.test", "222222", "login", "pt-BR", 600));
        handler(Map.of()).handle(issued(Channel.EMAIL, "c@example.test", "333333", "newsletter_optin", null, 600));

        final MimeMessage[] mail = smtp.getReceivedMessages();
        assertThat(mail).extracting(MimeMessage::getSubject)
                .containsExactly("Ihr Anmeldecode", "Your sign-in code", "Your verification code");
    }

    @Test
    void shouldUseOperatorTemplateWhenTemplatesDirHasOne() throws Exception {
        Files.createDirectories(dir.resolve("templates/en"));
        Files.writeString(dir.resolve("templates/en/login.subject.mustache"), "Sign in to Acme ({{minutes}} min)");

        handler(Map.of("notifier.templates.dir", dir.resolve("templates").toString()))
                .handle(issued(Channel.EMAIL, "bob@example.test", "424242", "login", "en", 300));

        assertThat(smtp.getReceivedMessages()[0].getSubject()).isEqualTo("Sign in to Acme (5 min)");
    }

    @Test
    void shouldDeadLetterWithTemplateErrorWhenOperatorTemplateUsesUnknownVariable() throws Exception {
        Files.createDirectories(dir.resolve("templates/en"));
        Files.writeString(dir.resolve("templates/en/newsletter.text.mustache"), "Hello {{firstName}}: {{code}}");

        final DeliveryHandler.Outcome outcome = handler(Map.of("notifier.templates.dir",
                dir.resolve("templates").toString()))
                .handle(issued(Channel.EMAIL, "bob@example.test", "424242", "newsletter", "en", 600));

        assertThat(outcome.deadLetterReason()).isEqualTo("template_error");
        assertThat(outcome.event().type()).isEqualTo(EventTypes.DELIVERY_FAILED);
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void shouldRefuseToStartWhenSubjectTemplateUsesTheCode() throws Exception {
        Files.createDirectories(dir.resolve("templates/en"));
        Files.writeString(dir.resolve("templates/en/login.subject.mustache"), "Your code is {{code}}");

        final Map<String, String> s = Map.of("notifier.templates.dir", dir.resolve("templates").toString());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> handler(s))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("subject");
    }

    @Test
    void shouldFailOverNothingAndReportAuthFailureWhenSmtpPasswordIsWrong() throws Exception {
        Files.writeString(dir.resolve("smtp-password"), "not-the-password");

        final DeliveryHandler.Outcome outcome = handler(Map.of())
                .handle(issued(Channel.EMAIL, "bob@example.test", "424242", "login", "en", 600));

        assertThat(outcome.event().type()).isEqualTo(EventTypes.DELIVERY_FAILED);
        assertThat(outcome.deadLetterReason()).isEqualTo("provider_auth_failed");
        assertThat(outcome.event().data().path("attempts").asInt()).isEqualTo(1);
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void shouldSuppressWhenLifetimeHasPassed() throws Exception {
        final DeliveryHandler.Outcome outcome = handler(Map.of())
                .handle(issued(Channel.EMAIL, "bob@example.test", "424242", "login", "en", 0));

        assertThat(outcome.event().type()).isEqualTo(EventTypes.DELIVERY_SUPPRESSED);
        assertThat(outcome.event().data().path("reason").asText()).isEqualTo("expired");
        assertThat(outcome.deadLetterReason()).isNull();
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void shouldDeadLetterWhenSecretWasSealedForAnotherCode() throws Exception {
        final OtpIssued good = issued(Channel.EMAIL, "bob@example.test", "424242", "login", "en", 600);
        final OtpIssued moved = new OtpIssued(UUID.randomUUID().toString(), good.tenantId(), good.userId(),
                good.purpose(), good.channel(), null, good.issuedAt(), good.expiresAt(), good.destinationMasked(),
                good.destinationHash(), good.secret());

        final DeliveryHandler.Outcome outcome = handler(Map.of()).handle(moved);

        assertThat(outcome.deadLetterReason()).isEqualTo("undecryptable");
        assertThat(outcome.event().type()).isEqualTo(EventTypes.DELIVERY_FAILED);
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void shouldFailClearlyWhenNoSmsProviderIsConfigured() throws Exception {
        final DeliveryHandler.Outcome outcome = handler(Map.of())
                .handle(issued(Channel.SMS, "+14155550123", "424242", "login", "en", 600));

        assertThat(outcome.event().data().path("reason").asText()).isEqualTo("not_configured");
        assertThat(outcome.deadLetterReason()).isEqualTo("not_configured");
    }

    private DeliveryHandler handler(final Map<String, String> overrides) {
        final Map<String, String> s = new HashMap<>(Map.of(
                "kafka.bootstrap.servers", "unused:9092",
                "secrets.delivery.keyring.file", dir.resolve("unused").toString(),
                "smtp.host", "127.0.0.1",
                "smtp.port", Integer.toString(smtp.getSmtp().getPort()),
                "smtp.from", "otp@example.test",
                "smtp.username", "otp-sender",
                "secrets.smtp.password.file", dir.resolve("smtp-password").toString()));
        s.putAll(overrides);
        final NotifierConfig config = NotifierConfig.from(Settings.of(s));
        final DeliveryMetrics metrics = new DeliveryMetrics(new SimpleMeterRegistry());
        if (chains != null) {
            chains.close();
        }
        chains = new ProviderChains(config, metrics, clock);
        return new DeliveryHandler(aead, new MessageTemplates(config.templatesDir(), config.defaultLocale(),
                config.codeInSubject()), chains.email(), chains.sms(), metrics, clock);
    }

    private OtpIssued issued(final Channel channel, final String destination, final String code, final String purpose,
                             final String locale, final long lifetimeSeconds) throws Exception {
        final String otpId = UUID.randomUUID().toString();
        final byte[] secret = Json.mapper().writeValueAsBytes(new DeliverySecret(code, destination));
        return new OtpIssued(otpId, "acme", "user-1", purpose, channel, locale, NOW,
                NOW.plusSeconds(lifetimeSeconds), "b***b@example.test", "p1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                aead.seal(secret, otpId.getBytes(StandardCharsets.UTF_8)));
    }
}
