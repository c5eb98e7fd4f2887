package io.otppipeline.notifier.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SMTP adapter's kept connections against a real SMTP server (GreenMail): messages sent in turn share a
 * connection, and a kept connection that the server closed meanwhile costs no failure.
 */
class SmtpEmailProviderTest {

    private GreenMail smtp;
    private SmtpEmailProvider provider;

    @AfterEach
    void stop() {
        if (provider != null) {
            provider.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void shouldDeliverOnNewConnectionWhenServerClosedTheKeptOne() throws Exception {
        final int port = freePort();
        smtp = start(port);
        provider = new SmtpEmailProvider(new SmtpEmailProvider.Settings("127.0.0.1", port, "otp@example.com", null,
                null, "off", 5000));
        provider.send(message("first@example.com"));
        smtp.stop();   // closes every session, the kept one included
        smtp = start(port);

        provider.send(message("second@example.com"));

        final MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(1);
        assertThat(received[0].getAllRecipients()[0].toString()).isEqualTo("second@example.com");
    }

    @Test
    void shouldCarryEveryMessageOverOneConnectionWhenSentInTurn() throws Exception {
        smtp = start(freePort());
        try (CountingRelay relay = new CountingRelay(smtp.getSmtp().getPort())) {
            provider = new SmtpEmailProvider(new SmtpEmailProvider.Settings("127.0.0.1", relay.port(),
                    "otp@example.com", null, null, "off", 5000));

            for (int i = 0; i < 20; i++) {
                provider.send(message("user" + i + "@example.com"));
            }

            assertThat(smtp.getReceivedMessages()).hasSize(20);
            assertThat(relay.connections()).isEqualTo(1);
        }
    }

    /** A TCP relay to the SMTP server that counts the connections it accepted. */
    private static final class CountingRelay implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final AtomicInteger accepted = new AtomicInteger();
        private final ExecutorService threads = Executors.newCachedThreadPool();

        CountingRelay(final int targetPort) throws IOException {
            threads.submit(() -> {
                while (!server.isClosed()) {
                    final Socket client = server.accept();
                    accepted.incrementAndGet();
                    final Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    threads.submit(() -> copy(client, target));
                    threads.submit(() -> copy(target, client));
                }
                return null;
            });
        }

        private static Void copy(final Socket from, final Socket to) throws IOException {
            try (from; to) {
                from.getInputStream().transferTo(to.getOutputStream());
            }
            return null;
        }

        int port() {
            return server.getLocalPort();
        }

        int connections() {
            return accepted.get();
        }

        @Override
        public void close() throws IOException {
            server.close();
            threads.shutdownNow();
        }
    }

    private static GreenMail start(final int port) {
        final GreenMail server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.start();
        return server;
    }

    private static EmailMessage message(final String to) {
        return new EmailMessage("ref", to, "Your code", "123456 is your code", null);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
