package io.otppipeline.notifier.provider;

import io.otppipeline.schemas.crypto.Secrets;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Authenticator;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.util.MailConnectException;

/**
 * E-mail over SMTP with Angus Mail (Jakarta Mail): plain text, or multipart/alternative with an HTML part.
 * Failures map to {@link SendException.Disposition}: connect errors, timeouts and SMTP 4xx replies retry
 * (RFC 5321 section 4.2.1: 4yz is transient); a refused recipient gives up ({@code invalid_destination});
 * refused credentials fail over ({@code provider_auth_failed}); other 5xx replies give up ({@code rejected}).
 */
public final class SmtpEmailProvider implements EmailProvider {

    /**
     * SMTP settings.
     *
     * @param host {@code smtp.host} (settings and defaults: {@code NotifierConfig.SMTP_*})
     * @param port {@code smtp.port}
     * @param from {@code smtp.from}: envelope and header sender
     * @param username {@code smtp.username}: set to authenticate
     * @param passwordFile {@code secrets.smtp.password.file}: password for {@code username}
     * @param startTls {@code smtp.starttls}: {@code required}, {@code optional} or {@code off}
     * @param timeoutMs {@code smtp.timeout.ms}: connect, read and write timeout in milliseconds
     */
    public record Settings(String host, int port, String from, String username, Path passwordFile,
                           String startTls, long timeoutMs) {
    }

    private final Session session;
    private final InternetAddress from;

    /**
     * @throws IllegalStateException if {@code from} is not an address or the password file cannot be read
     */
    public SmtpEmailProvider(final Settings smtp) {
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
        try {
            this.from = new InternetAddress(smtp.from(), true);
        } catch (AddressException e) {
            throw new IllegalStateException("smtp.from is not an e-mail address", e);
        }
    }

    @Override
    public String name() {
        return "smtp";
    }

    @Override
    public String send(final EmailMessage email) throws SendException {
        final MimeMessage message;
        try {
            message = compose(email);
        } catch (AddressException e) {
            throw SendException.permanent("invalid_destination", "not an e-mail address");
        } catch (MessagingException e) {
            throw SendException.permanent("rejected", "message could not be composed");
        }
        try {
            Transport.send(message);
            return message.getMessageID();
        } catch (MessagingException e) {
            throw classify(e);
        }
    }

    private MimeMessage compose(final EmailMessage email) throws MessagingException {
        final MimeMessage message = new MimeMessage(session);
        message.setFrom(from);
        message.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(email.to(), true));
        message.setSubject(email.subject(), StandardCharsets.UTF_8.name());
        if (email.html() == null) {
            message.setText(email.text(), StandardCharsets.UTF_8.name());
        } else {
            final MimeBodyPart text = new MimeBodyPart();
            text.setText(email.text(), StandardCharsets.UTF_8.name());
            final MimeBodyPart html = new MimeBodyPart();
            html.setText(email.html(), StandardCharsets.UTF_8.name(), "html");
            message.setContent(new MimeMultipart("alternative", text, html));
        }
        message.saveChanges();
        return message;
    }

    static SendException classify(final MessagingException e) {
        final String detail = "SMTP: " + e.getClass().getSimpleName();
        if (e instanceof AuthenticationFailedException) {
            return SendException.providerDown("provider_auth_failed", detail);
        }
        if (e instanceof MailConnectException || e.getCause() instanceof SocketTimeoutException) {
            return SendException.retryable(e instanceof MailConnectException ? "unreachable" : "timeout", detail);
        }
        final int code = replyCode(e);
        if (code >= 400 && code < 500) {
            return SendException.retryable("provider_error", detail + " " + code);
        }
        if (e instanceof SMTPAddressFailedException || (e instanceof SendFailedException sfe
                && sfe.getInvalidAddresses() != null && sfe.getInvalidAddresses().length > 0)) {
            return SendException.permanent("invalid_destination", detail + " " + code);
        }
        if (code >= 500) {
            return SendException.permanent("rejected", detail + " " + code);
        }
        return SendException.retryable("unreachable", detail);
    }

    private static int replyCode(final MessagingException e) {
        for (Exception x = e; x != null; x = x instanceof MessagingException m ? m.getNextException() : null) {
            if (x instanceof SMTPSendFailedException f) {
                return f.getReturnCode();
            }
            if (x instanceof SMTPAddressFailedException a) {
                return a.getReturnCode();
            }
        }
        return -1;
    }
}
