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
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import java.net.SocketTimeoutException;
import java.time.Duration;
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
 *
 * <p>Connections are kept and reused (Apache Commons Pool): RFC 5321 section 3.3 lets one SMTP session carry many
 * mail transactions, and a new connection per message (connect, EHLO, STARTTLS, AUTH, QUIT) held the notifier to
 * about 130 messages a second on the local sink (docs/BENCHMARKS.md). A connection unused for
 * {@link #IDLE_CLOSE} is closed, well inside the 5 minutes a server waits before it may close an idle session
 * (RFC 5321 section 4.5.3.2.7); a kept connection that the server closed anyway is replaced once, before the
 * failure counts.
 */
public final class SmtpEmailProvider implements EmailProvider, AutoCloseable {

    /** How long a connection may stay unused before it is closed: 30 seconds. */
    static final Duration IDLE_CLOSE = Duration.ofSeconds(30);

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
    private final GenericObjectPool<Connection> connections;

    /** One connected transport; {@code used} once it has carried a message (it may have gone stale since). */
    private static final class Connection {
        final Transport transport;
        boolean used;

        Connection(final Transport transport) {
            this.transport = transport;
        }
    }

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
        MailStreams.pinProvider();
        this.session = Session.getInstance(p, authenticator);
        try {
            this.from = new InternetAddress(smtp.from(), true);
        } catch (AddressException e) {
            throw new IllegalStateException("smtp.from is not an e-mail address", e);
        }
        final GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(-1);                 // as many as calls run at once (the notifier's call pool bounds them)
        pool.setMinEvictableIdleDuration(IDLE_CLOSE);
        pool.setTimeBetweenEvictionRuns(IDLE_CLOSE.dividedBy(3));
        pool.setJmxEnabled(false);
        this.connections = new GenericObjectPool<>(new BasePooledObjectFactory<>() {
            @Override
            public Connection create() throws MessagingException {
                final Transport transport = session.getTransport("smtp");
                transport.connect();
                return new Connection(transport);
            }

            @Override
            public PooledObject<Connection> wrap(final Connection connection) {
                return new DefaultPooledObject<>(connection);
            }

            @Override
            public void destroyObject(final PooledObject<Connection> p) throws MessagingException {
                p.getObject().transport.close();
            }
        }, pool);
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
            deliver(message, true);
            return message.getMessageID();
        } catch (MessagingException e) {
            throw classify(e);
        }
    }

    /**
     * Sends over a kept connection, or a new one. A kept connection that fails without an SMTP reply and without
     * a timeout (the server or a middlebox closed it) is dropped and the message tried once more on a new
     * connection: no server accepted it, since none answered. A timeout is not retried here (the server may have
     * taken the message and not yet answered; the retry policy decides). Any connection that failed is closed,
     * never reused.
     */
    private void deliver(final MimeMessage message, final boolean mayRetry) throws MessagingException {
        final Connection connection = borrow();
        final boolean kept = connection.used;
        try {
            connection.used = true;
            connection.transport.sendMessage(message, message.getAllRecipients());
        } catch (MessagingException e) {
            invalidate(connection);
            if (kept && mayRetry && replyCode(e) < 0 && !(e.getCause() instanceof SocketTimeoutException)) {
                deliver(message, false);
                return;
            }
            throw e;
        } catch (RuntimeException e) {
            invalidate(connection);
            throw e;
        }
        connections.returnObject(connection);
    }

    private Connection borrow() throws MessagingException {
        try {
            return connections.borrowObject();
        } catch (MessagingException e) {
            throw e;
        } catch (Exception e) {
            throw new MessagingException("no SMTP connection", e);
        }
    }

    private void invalidate(final Connection connection) {
        try {
            connections.invalidateObject(connection);
        } catch (Exception e) {
            // closing a broken connection may fail too; it is gone from the pool either way
        }
    }

    /** Closes every kept connection (SMTP QUIT); sends after this fail. */
    @Override
    public void close() {
        connections.close();
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
