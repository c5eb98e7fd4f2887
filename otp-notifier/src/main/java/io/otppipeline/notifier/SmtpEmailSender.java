package io.otppipeline.notifier;

import io.otppipeline.notifier.NotifierConfig.SmtpSettings;
import io.otppipeline.schemas.crypto.Secrets;
import io.otppipeline.schemas.delivery.DeliverySecret;
import io.otppipeline.schemas.delivery.OtpIssued;
import jakarta.mail.Authenticator;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Properties;

/** E-mail over SMTP with Angus Mail (Jakarta Mail). */
final class SmtpEmailSender implements ChannelSender {

    private final Session session;
    private final InternetAddress from;
    private final Clock clock;

    /**
     * @throws IllegalStateException if {@code from} is not an address or the password file cannot be read
     */
    SmtpEmailSender(final SmtpSettings smtp, final Clock clock) {
        final Properties p = new Properties();
        p.put("mail.smtp.host", smtp.host());
        p.put("mail.smtp.port", Integer.toString(smtp.port()));
        p.put("mail.smtp.connectiontimeout", Long.toString(smtp.timeoutMs()));
        p.put("mail.smtp.timeout", Long.toString(smtp.timeoutMs()));
        p.put("mail.smtp.writetimeout", Long.toString(smtp.timeoutMs()));
        p.put("mail.smtp.starttls.enable", Boolean.toString(!"off".equals(smtp.startTls())));
        p.put("mail.smtp.starttls.required", Boolean.toString("required".equals(smtp.startTls())));
        Authenticator authenticator = null;
        if (smtp.username() != null) {
            p.put("mail.smtp.auth", "true");
            final String password = smtp.passwordFile() == null ? "" : Secrets.readText(smtp.passwordFile());
            authenticator = new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(smtp.username(), password);
                }
            };
        }
        this.session = Session.getInstance(p, authenticator);
        this.clock = clock;
        try {
            this.from = new InternetAddress(smtp.from(), true);
        } catch (MessagingException e) {
            throw new IllegalStateException("smtp.from is not an e-mail address", e);
        }
    }

    @Override
    public String provider() {
        return "smtp";
    }

    @Override
    public String send(final OtpIssued issued, final DeliverySecret secret) throws SendException {
        try {
            final MimeMessage message = new MimeMessage(session);
            message.setFrom(from);
            message.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(secret.destination(), true));
            message.setSubject(MessageText.subject(), StandardCharsets.UTF_8.name());
            message.setText(MessageText.body(issued, secret.code(), clock.instant()), StandardCharsets.UTF_8.name());
            message.saveChanges();
            Transport.send(message);
            return message.getMessageID();
        } catch (MessagingException e) {
            throw new SendException("provider_error", "SMTP refused or unreachable: " + e.getClass().getSimpleName());
        }
    }
}
