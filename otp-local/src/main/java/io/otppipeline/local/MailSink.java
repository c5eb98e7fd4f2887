package io.otppipeline.local;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local SMTP sink: a GreenMail SMTP server on 127.0.0.1 that accepts every message, plus a poller that
 * saves each message it received as {@code NNNNNN.eml} in {@code mailDir}, where {@code ./otp mail} reads
 * the newest. This is the development stand-in for a mailbox: it holds real codes, so it exists only under
 * the local data directory.
 */
final class MailSink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MailSink.class);

    private final GreenMail greenMail;
    private final Path mailDir;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread t = new Thread(r, "mail-sink");
        t.setDaemon(true);
        return t;
    });
    /** The messages already saved, by identity: GreenMail lists messages by mailbox, not by arrival. */
    private final Set<MimeMessage> saved = Collections.newSetFromMap(new IdentityHashMap<>());
    private int files;

    MailSink(final int port, final Path mailDir) {
        this.greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        this.mailDir = mailDir;
    }

    MailSink start() throws IOException {
        Files.createDirectories(mailDir);
        greenMail.start();
        poller.scheduleWithFixedDelay(this::saveNew, 200, 200, TimeUnit.MILLISECONDS);
        return this;
    }

    int port() {
        return greenMail.getSmtp().getPort();
    }

    /**
     * Saves every message not saved yet. GreenMail returns the received messages grouped by mailbox, so a new
     * message to a recipient who already had one appears in the middle of the list: counting positions (as this
     * did) saved some messages twice and lost others when recipients repeat.
     */
    private synchronized void saveNew() {
        for (MimeMessage message : greenMail.getReceivedMessages()) {
            if (!saved.add(message)) {
                continue;
            }
            final Path file = mailDir.resolve(String.format(Locale.ROOT, "%d-%06d.eml",
                    System.currentTimeMillis(), ++files));
            try (OutputStream out = Files.newOutputStream(file)) {
                message.writeTo(out);
            } catch (IOException | MessagingException e) {
                LOG.warn("could not save a received message to {}", file, e);
            }
        }
    }

    /** How many messages were saved. */
    synchronized int savedCount() {
        return files;
    }

    @Override
    public void close() {
        poller.shutdownNow();
        saveNew();
        greenMail.stop();
    }
}
