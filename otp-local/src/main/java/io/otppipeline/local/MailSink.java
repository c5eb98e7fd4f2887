package io.otppipeline.local;

import com.icegreen.greenmail.mail.MovingMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.otppipeline.notifier.provider.MailStreams;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local SMTP sink: a GreenMail SMTP server on 127.0.0.1 that accepts every message and writes it, as it is
 * delivered, to {@code <epoch ms>-NNNNNN.eml} in {@code mailDir}, where {@code ./otp mail} reads the newest; one file
 * per recipient. Nothing is kept in memory and nothing polls, so an idle sink costs nothing and a long run does not
 * grow (issue 30). This is the development stand-in for a mailbox: it holds real codes, so it exists only under the
 * local data directory.
 */
final class MailSink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MailSink.class);

    private final GreenMail greenMail;
    private final Path mailDir;
    private final AtomicInteger files = new AtomicInteger();

    MailSink(final int port, final Path mailDir) {
        MailStreams.pinProvider(); // GreenMail parses every message with Jakarta Mail
        this.greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        this.mailDir = mailDir;
    }

    MailSink start() throws IOException {
        Files.createDirectories(mailDir);
        greenMail.getUserManager().setMessageDeliveryHandler((message, address) -> new FileDrop(address.getEmail()));
        greenMail.start();
        return this;
    }

    int port() {
        return greenMail.getSmtp().getPort();
    }

    /** How many messages were saved. */
    int savedCount() {
        return files.get();
    }

    private void save(final MimeMessage message) {
        final String n = Integer.toString(files.incrementAndGet()); // not String.format: a third of the sink thread's JFR samples
        final Path file = mailDir.resolve(System.currentTimeMillis() + "-" + "0".repeat(Math.max(0, 6 - n.length()))
                + n + ".eml");
        try (OutputStream out = Files.newOutputStream(file)) {
            message.writeTo(out);
        } catch (IOException | MessagingException e) {
            LOG.warn("could not save a received message to {}", file, e);
        }
    }

    @Override
    public void close() {
        greenMail.stop();
    }

    /** The recipient GreenMail delivers to: writes each message to a file instead of keeping a mailbox. */
    private final class FileDrop implements GreenMailUser {

        private final String email;

        FileDrop(final String email) {
            this.email = email;
        }

        @Override
        public void deliver(final MovingMessage message) {
            save(message.getMessage());
        }

        @Override
        public void deliver(final MimeMessage message) {
            save(message);
        }

        @Override
        public String getEmail() {
            return email;
        }

        @Override
        public String getLogin() {
            return email;
        }

        @Override
        public void create() {
        }

        @Override
        public void delete() {
        }

        @Override
        public String getPassword() {
            return null;
        }

        @Override
        public void setPassword(final String password) {
        }

        @Override
        public void authenticate(final String password) {
            throw new UnsupportedOperationException("the local mail sink has no mailboxes to log in to");
        }

        @Override
        public String getQualifiedMailboxName() {
            return email;
        }
    }
}
