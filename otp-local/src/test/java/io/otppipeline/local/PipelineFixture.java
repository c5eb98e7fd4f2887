package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.otppipeline.testing.TestInfrastructure;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The whole pipeline for an integration test: a real broker and PostgreSQL ({@link TestInfrastructure}), a real
 * SMTP server (GreenMail) and the four services, plus an HTTP client with the demo tenant's keys.
 */
final class PipelineFixture implements AutoCloseable {

    /** The code in a mailed message body (the template shows it in {@code <strong>}). */
    static final Pattern CODE_IN_MAIL = Pattern.compile("<strong>([0-9]{6})</strong>");

    final TestInfrastructure infra;
    final GreenMail smtp;
    final Pipeline pipeline;
    final DevSecrets secrets;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private PipelineFixture(final TestInfrastructure infra, final GreenMail smtp, final Pipeline pipeline,
                            final DevSecrets secrets) {
        this.infra = infra;
        this.smtp = smtp;
        this.pipeline = pipeline;
        this.secrets = secrets;
    }

    /**
     * Starts everything and waits until the API is ready.
     *
     * @param dir scratch directory (secrets, processor state)
     * @param overrides extra service settings, for example per-purpose rules
     */
    static PipelineFixture start(final Path dir, final Map<String, String> overrides) throws Exception {
        final TestInfrastructure infra = TestInfrastructure.start();
        final GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
        final DevSecrets secrets = new DevSecrets(dir.resolve("secrets")).ensure();
        Path passwordFile = null;
        if (infra.jdbcPassword() != null) {
            passwordFile = dir.resolve("secrets/jdbc-password");
            Files.writeString(passwordFile, infra.jdbcPassword());
        }
        final Pipeline pipeline = Pipeline.start(new PipelineSettings(infra.bootstrapServers(), infra.jdbcUrl(),
                infra.jdbcUser(), passwordFile, "127.0.0.1", smtp.getSmtp().getPort(), 0, secrets, dir.resolve("state"),
                20, overrides));
        await().atMost(Duration.ofSeconds(90)).until(pipeline::isReady);
        return new PipelineFixture(infra, smtp, pipeline, secrets);
    }

    /** POST with the demo (non-admin) key. */
    HttpResponse<String> post(final String path, final String json) throws IOException, InterruptedException {
        return postAsync(path, json, secrets.apiKey(), null).join();
    }

    /**
     * POST with {@code apiKey} and, unless {@code null}, an {@code Idempotency-Key}; completes with the response.
     */
    CompletableFuture<HttpResponse<String>> postAsync(final String path, final String json, final String apiKey,
                                                      final String idempotencyKey) {
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(final String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET with the demo (non-admin) key. */
    HttpResponse<String> getWithKey(final String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + secrets.apiKey()).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    URI uri(final String path) {
        return URI.create("http://127.0.0.1:" + pipeline.apiPort() + path);
    }

    /** The code in the newest mail to {@code email}, waiting up to 30 seconds for it. */
    String awaitCodeMailedTo(final String email) {
        return awaitCodeMailedTo(smtp, email);
    }

    /** The code of the newest mail {@code smtp} received for {@code email}, waiting up to 30 s for one. */
    static String awaitCodeMailedTo(final GreenMail smtp, final String email) {
        final MimeMessage message = await().atMost(Duration.ofSeconds(30))
                .until(() -> lastMailTo(smtp, email), Optional::isPresent).orElseThrow();
        final Matcher matcher = CODE_IN_MAIL.matcher(GreenMailUtil.getBody(message));
        assertThat(matcher.find()).as("mail body holds a 6-digit code").isTrue();
        return matcher.group(1);
    }

    private static Optional<MimeMessage> lastMailTo(final GreenMail smtp, final String email) {
        return Arrays.stream(smtp.getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getRecipients(Message.RecipientType.TO))
                        .anyMatch(a -> a.toString().equalsIgnoreCase(email));
            } catch (MessagingException e) {
                return false;
            }
        }).reduce((first, second) -> second);
    }

    /** The JSON of {@code POST /v1/otp} for an e-mailed code. */
    static String codeRequest(final String user, final String email, final String purpose) {
        return "{\"userId\":\"" + user + "\",\"channel\":\"email\",\"destination\":\"" + email
                + "\",\"purpose\":\"" + purpose + "\"}";
    }

    /** The JSON of {@code POST /v1/otp/verify}. */
    static String verification(final String user, final String purpose, final String code) {
        return "{\"userId\":\"" + user + "\",\"purpose\":\"" + purpose + "\",\"code\":\"" + code + "\"}";
    }

    /** Rows of the audit table of the database at {@code jdbc} (a URL with its login). */
    static long auditRows(final String jdbc) throws java.sql.SQLException {
        try (var c = java.sql.DriverManager.getConnection(jdbc); var s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM audit_event")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            pipeline.close();
        } finally {
            smtp.stop();
            infra.close();
        }
    }
}
