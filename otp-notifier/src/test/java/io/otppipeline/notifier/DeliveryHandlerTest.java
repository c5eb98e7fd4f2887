package io.otppipeline.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.otppipeline.notifier.NotifierConfig.SmtpSettings;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.delivery.DeliverySecret;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.EventTypes;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveryHandlerTest {

    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");

    private final Aead aead = new Aead(Keyring.generate("d1"));
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private GreenMail smtp;

    @BeforeEach
    void startSmtp() {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.setUser("otp-sender", "s3cret");
        smtp.start();
    }

    @AfterEach
    void stopSmtp() {
        smtp.stop();
    }

    @Test
    void shouldMailCodeWithoutPuttingItInSubjectWhenCodeIsLive() throws Exception {
        final DeliveryHandler.Outcome outcome = handler(null).handle(issued("bob@example.test", "424242", 600));

        final MimeMessage[] mail = smtp.getReceivedMessages();
        assertThat(mail).hasSize(1);
        assertThat(GreenMailUtil.getBody(mail[0])).contains("424242");
        assertThat(mail[0].getSubject()).doesNotContain("424242");
        assertThat(outcome.event().type()).isEqualTo(EventTypes.DELIVERY_SENT);
        assertThat(outcome.event().data().toString()).doesNotContain("424242").doesNotContain("bob@example.test");
    }

    @Test
    void shouldAuthenticateWhenUsernameAndPasswordFileAreSet(@TempDir final Path dir) throws Exception {
        Files.writeString(dir.resolve("smtp-password"), "s3cret\n");

        final DeliveryHandler.Outcome outcome = handler(dir.resolve("smtp-password"))
                .handle(issued("bob@example.test", "424242", 600));

        assertThat(outcome.event().type()).isEqualTo(EventTypes.DELIVERY_SENT);
        assertThat(smtp.getReceivedMessages()).hasSize(1);
    }

    @Test
    void shouldFailWhenSmtpPasswordIsWrong(@TempDir final Path dir) throws Exception {
        Files.writeString(dir.resolve("smtp-password"), "not-the-password");

        final DeliveryHandler.Outcome outcome = handler(dir.resolve("smtp-password"))
                .handle(issued("bob@example.test", "424242", 600));

        assertThat(outcome.event().type()).isEqualTo(EventTypes.DELIVERY_FAILED);
        assertThat(outcome.deadLetterReason()).isEqualTo("provider_error");
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void shouldSuppressWhenLifetimeHasPassed() throws Exception {
        final DeliveryHandler.Outcome outcome = handler(null).handle(issued("bob@example.test", "424242", 0));

        assertThat(outcome.event().type()).isEqualTo(EventTypes.DELIVERY_SUPPRESSED);
        assertThat(outcome.event().data().path("reason").asText()).isEqualTo("expired");
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void shouldDeadLetterWhenSecretWasSealedForAnotherCode() throws Exception {
        final OtpIssued good = issued("bob@example.test", "424242", 600);
        final OtpIssued moved = new OtpIssued(UUID.randomUUID().toString(), good.tenantId(), good.userId(),
                good.purpose(), good.channel(), null, good.issuedAt(), good.expiresAt(), good.destinationMasked(),
                good.secret());

        final DeliveryHandler.Outcome outcome = handler(null).handle(moved);

        assertThat(outcome.deadLetterReason()).isEqualTo("undecryptable");
        assertThat(outcome.event().type()).isEqualTo(EventTypes.DELIVERY_FAILED);
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void shouldFailClearlyWhenChannelIsSms() throws Exception {
        final OtpIssued email = issued("+14155550123", "424242", 600);
        final OtpIssued sms = new OtpIssued(email.otpId(), email.tenantId(), email.userId(), email.purpose(),
                Channel.SMS, null, email.issuedAt(), email.expiresAt(), "+*********23", email.secret());

        final DeliveryHandler.Outcome outcome = handler(null).handle(sms);

        assertThat(outcome.event().data().path("reason").asText()).isEqualTo("not_configured");
    }

    private DeliveryHandler handler(final Path passwordFile) {
        final SmtpSettings settings = new SmtpSettings("127.0.0.1", smtp.getSmtp().getPort(), "otp@example.test",
                passwordFile == null ? null : "otp-sender", passwordFile, "off", 5000);
        return new DeliveryHandler(aead, Map.of(Channel.EMAIL, new SmtpEmailSender(settings, clock),
                Channel.SMS, new UnconfiguredSmsSender()), clock);
    }

    private OtpIssued issued(final String destination, final String code, final long lifetimeSeconds)
            throws Exception {
        final String otpId = UUID.randomUUID().toString();
        final byte[] secret = Json.mapper().writeValueAsBytes(new DeliverySecret(code, destination));
        return new OtpIssued(otpId, "acme", "user-1", "login", Channel.EMAIL, "en", NOW,
                NOW.plusSeconds(lifetimeSeconds), "b***b@example.test",
                aead.seal(secret, otpId.getBytes(StandardCharsets.UTF_8)));
    }
}
