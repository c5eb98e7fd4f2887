package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.otppipeline.testing.Ports;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local mail sink keeps every message, also when recipients repeat (a review saw 1,039 mails kept as 534). */
class MailSinkTest {

    @TempDir
    Path dir;

    @Test
    void shouldSaveEveryMessageWhenRecipientsRepeat() throws Exception {
        final int port = Ports.free();
        try (MailSink sink = new MailSink(port, dir).start()) {
            final Properties props = new Properties();
            props.put("mail.smtp.host", "127.0.0.1");
            props.put("mail.smtp.port", Integer.toString(port));
            final Session session = Session.getInstance(props);
            for (int i = 0; i < 120; i++) { // 10 recipients, each 12 times, interleaved
                final MimeMessage m = new MimeMessage(session);
                m.setFrom(new InternetAddress("otp@localhost"));
                m.setRecipient(Message.RecipientType.TO, new InternetAddress("user" + (i % 10) + "@example.com"));
                m.setSubject("message " + i);
                m.setText("body " + i);
                Transport.send(m);
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> files().size() == 120);
        }
        final List<String> subjects = files().stream().map(f -> {
            try {
                return new MimeMessage(null, Files.newInputStream(f)).getSubject();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(subjects).hasSize(120).doesNotHaveDuplicates();
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".eml")).sorted().toList();
        }
    }
}
