package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import io.otppipeline.schemas.Json;
import io.otppipeline.testing.LogCapture;
import io.otppipeline.testing.TopicScanner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.commons.codec.binary.Base32;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Authenticator apps end to end (docs/ARCHITECTURE.md section 11): enrol over HTTP, decode the QR image back to the
 * {@code otpauth://} URI with ZXing, compute codes with {@code oathtool} (Debian's OATH Toolkit: an implementation
 * nobody here wrote; {@code .ci/run} installs it), and verify them through the API on a real broker.
 */
@ResourceLock(IntegrationLanes.SERVICES)
class AuthenticatorIT {

    @TempDir
    static Path dir;

    private static PipelineFixture fixture;
    private static ListAppender<ILoggingEvent> logs;

    @BeforeAll
    static void startPipeline() throws Exception {
        logs = LogCapture.start();
        fixture = PipelineFixture.start(dir, Map.of("otp.lockout.max.failures", "5")); // the fifth failure locks
    }

    @AfterAll
    static void stopPipeline() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldApproveOathtoolCodeOnceAndRefuseReplayOldCodeAndGuessesWhenTotpIsEnrolled() throws Exception {
        final JsonNode enrolled = json(post("/v1/users/totp-user/factors/totp", ""));
        final String uri = decodeQr(enrolled.path("qrPngBase64").asText());
        assertThat(uri).isEqualTo(enrolled.path("otpauthUri").asText())
                .startsWith("otpauth://totp/otp-pipeline:totp-user?").contains("&period=30", "&digits=6");
        final String secret = query(uri).get("secret");
        final String factorId = enrolled.path("factorId").asText();
        assertThat(enrolled.path("status").asText()).isEqualTo("unverified");
        // codes are computed here and decided at the broker's time: stay clear of a step boundary
        await().atMost(Duration.ofSeconds(30)).until(() -> secondOfStep() >= 2 && secondOfStep() <= 20);
        final long now = System.currentTimeMillis() / 1000;

        final JsonNode confirmed = json(post("/v1/users/totp-user/factors/" + factorId + "/confirm",
                "{\"code\":\"" + oathtool("--totp", secret, now - 30) + "\"}"));
        final String current = oathtool("--totp", secret, now);
        final JsonNode approved = verify("totp-user", current);
        final JsonNode replayed = verify("totp-user", current);
        final JsonNode old = verify("totp-user", oathtool("--totp", secret, now - 60));
        final List<JsonNode> guesses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            guesses.add(verify("totp-user", wrong(current)));
        }

        assertThat(confirmed.path("status").asText()).isEqualTo("active");
        assertThat(approved.path("status").asText()).isEqualTo("approved");
        assertThat(approved.path("factorId").asText()).isEqualTo(factorId);
        assertThat(replayed.path("status").asText()).as("a step is accepted once").isEqualTo("denied");
        assertThat(old.path("status").asText()).as("two steps old").isEqualTo("denied");
        assertThat(guesses.get(2).path("retryAfterSeconds").asLong()).as("the fifth failure locks the user")
                .isEqualTo(900);
        assertThat(verify("totp-user", oathtool("--totp", secret, now + 30)).path("status").asText())
                .isEqualTo("locked");
        assertNoRecordHolds(secret);
    }

    @Test
    void shouldFollowOathtoolCounterWhenHotpIsEnrolled() throws Exception {
        final JsonNode enrolled = json(post("/v1/users/hotp-user/factors/hotp", "{}"));
        final String uri = decodeQr(enrolled.path("qrPngBase64").asText());
        assertThat(uri).contains("&counter=0");
        final String secret = query(uri).get("secret");

        final JsonNode confirmed = json(post("/v1/users/hotp-user/factors/" + enrolled.path("factorId").asText()
                + "/confirm", "{\"code\":\"" + oathtool("--hotp", secret, 0) + "\"}"));

        assertThat(confirmed.path("status").asText()).isEqualTo("active");
        assertThat(verify("hotp-user", oathtool("--hotp", secret, 3)).path("status").asText())
                .as("inside the look-ahead").isEqualTo("approved");
        assertThat(verify("hotp-user", oathtool("--hotp", secret, 2)).path("status").asText()).isEqualTo("denied");
        assertThat(verify("hotp-user", oathtool("--hotp", secret, 4)).path("status").asText()).isEqualTo("approved");
    }

    /**
     * No record of any topic (changelogs included), no log line and no audit row holds the secret in any encoding
     * (the audit rows are awaited: the audit service copies the events asynchronously).
     */
    private static void assertNoRecordHolds(final String base32) throws Exception {
        final byte[] raw = new Base32().decode(base32);
        final List<String> forms = List.of(base32, HexFormat.of().formatHex(raw), Base64.getEncoder().encodeToString(raw));
        for (ConsumerRecord<byte[], byte[]> r : TopicScanner.readAll(fixture.infra.bootstrapServers(),
                TopicScanner.allTopics(fixture.infra.bootstrapServers()))) {
            final String value = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
            for (String form : forms) {
                assertThat(value).as(r.topic()).doesNotContain(form);
            }
        }
        for (ILoggingEvent event : List.copyOf(logs.list)) {
            final String line = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
            for (String form : forms) {
                assertThat(line).as("log line of " + event.getLoggerName()).doesNotContain(form);
            }
        }
        final String audited = await().atMost(Duration.ofMinutes(1)).until(AuthenticatorIT::auditedFactorEvents,
                rows -> rows.contains("otp.factor.activated"));
        for (String form : forms) {
            assertThat(audited).doesNotContain(form);
        }
    }

    /** Every audit row of the TOTP user, payload included, as one string. */
    private static String auditedFactorEvents() throws SQLException {
        final StringBuilder rows = new StringBuilder();
        try (Connection c = fixture.infra.connect(fixture.infra.jdbcUrl());
             PreparedStatement s = c.prepareStatement("SELECT event_type, payload::text FROM audit_event "
                     + "WHERE subject = 'totp-user' ORDER BY kafka_partition, kafka_offset");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                rows.append(rs.getString(1)).append(' ').append(rs.getString(2)).append('\n');
            }
        }
        return rows.toString();
    }

    private static long secondOfStep() {
        return System.currentTimeMillis() / 1000 % 30;
    }

    /**
     * The code {@code oathtool} computes: {@code --totp} at {@code value} (Unix seconds) or {@code --hotp} for counter
     * {@code value}.
     */
    private static String oathtool(final String mode, final String base32Secret, final long value) throws Exception {
        final List<String> command = new ArrayList<>(List.of("oathtool", mode, "-b"));
        command.addAll("--totp".equals(mode) ? List.of("-N", "@" + value) : List.of("-c", Long.toString(value)));
        command.add(base32Secret);
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertThat(process.exitValue()).as(out).isZero();
        assertThat(out).matches("[0-9]{6}");
        return out;
    }

    private static String decodeQr(final String pngBase64) throws Exception {
        final var image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(pngBase64)));
        final int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
                new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels)))).getText();
    }

    private static Map<String, String> query(final String uri) {
        return Arrays.stream(URI.create(uri).getRawQuery().split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
    }

    private static JsonNode verify(final String user, final String code) throws IOException {
        return json(post("/v1/factors/verify", "{\"userId\":\"" + user + "\",\"code\":\"" + code + "\"}"));
    }

    private static HttpResponse<String> post(final String path, final String body) {
        return fixture.postAsync(path, body, fixture.secrets.apiKey(), null).join();
    }

    private static String wrong(final String code) {
        return (code.charAt(0) == '0' ? "1" : "0") + code.substring(1);
    }

    private static JsonNode json(final HttpResponse<String> response) throws IOException {
        return Json.mapper().readTree(response.body());
    }
}
