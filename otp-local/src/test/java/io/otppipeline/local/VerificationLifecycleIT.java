package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.verify.v2.service.Verification;
import com.twilio.rest.verify.v2.service.VerificationCheck;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.crypto.Secrets;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A verification's lifecycle beyond issue and verify, end to end on a real broker with real mail: status with the
 * delivery outcome, lockout notices, and the Twilio Verify v2 facade driven by Twilio's own Java helper library ({@code com.twilio.sdk:twilio}),
 * pointed at the local API by {@link LocalTwilioHttpClient}: the library's requests, parsing and exceptions are
 * Twilio's, the codes come from real mail (GreenMail), the decisions from the processor on a real broker. The
 * Service and Account SIDs are the ones {@code ./otp local} generates ({@link DevSecrets#twilioSettings()}).
 */
@ResourceLock(IntegrationLanes.SERVICES)
class VerificationLifecycleIT {

    @TempDir
    static Path dir;

    private static PipelineFixture fixture;
    private static SmsSink sms;
    private static TwilioRestClient twilio;
    private static String service;
    private static int users;

    @BeforeAll
    static void startPipeline() throws Exception {
        final Path smsToken = dir.resolve("sms-webhook-token");
        Files.writeString(smsToken, "local-sms-token");
        sms = new SmsSink(0, dir.resolve("sms"), smsToken).start();
        // the lockout at the per-code cap (default 10), so that one code's five wrong guesses start the lockout
        // whose notice a test reads
        fixture = PipelineFixture.start(dir, Map.of("otp.lockout.notice.tenants", DevSecrets.DEMO_TENANT,
                "otp.lockout.max.failures", "5",
                "notifier.sms.providers", "webhook", "sms.webhook.url", sms.url(),
                "secrets.sms.webhook.token.file", smsToken.toString()));
        service = Secrets.readText(fixture.secrets.twilioServiceSidFile());
        twilio = new TwilioRestClient.Builder(Secrets.readText(fixture.secrets.twilioAccountSidFile()),
                fixture.secrets.apiKey()).httpClient(new LocalTwilioHttpClient(fixture.uri("").toString())).build();
    }

    @AfterAll
    static void stopPipeline() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
        if (sms != null) {
            sms.close();
        }
    }

    @Test
    void shouldApproveSmsCodeWhenItIsReadFromTheLocalSmsSink() throws Exception {
        final String user = "texted-" + (++users);
        final JsonNode issued = Json.mapper().readTree(fixture.post("/v1/otp", "{\"userId\":\"" + user
                + "\",\"channel\":\"sms\",\"destination\":\"+44 7911 123456\",\"purpose\":\"login\"}").body());

        final JsonNode text = await().atMost(Duration.ofSeconds(30)).until(() -> newestText("+447911123456"),
                t -> t != null && t.path("reference").asText().equals(issued.path("otpId").asText()));
        final Matcher code = Pattern.compile("([0-9]{6})").matcher(text.path("body").asText());
        assertThat(code.find()).as(text.toString()).isTrue();
        final String delivery = await().atMost(Duration.ofSeconds(30)).until(() -> status(issued, user)
                .path("delivery").asText(), "sent"::equals);
        final JsonNode verified = Json.mapper().readTree(fixture.post("/v1/otp/verify", "{\"userId\":\"" + user
                + "\",\"purpose\":\"login\",\"code\":\"" + code.group(1) + "\"}").body());

        assertThat(delivery).as("the webhook took it").isEqualTo("sent");
        assertThat(verified.path("status").asText()).isEqualTo("approved");
    }

    /** The newest text the SMS sink saved for {@code to}, or {@code null}. */
    private static JsonNode newestText(final String to) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("sms"))) {
            JsonNode newest = null;
            for (Path f : files.sorted().toList()) {
                final JsonNode t = Json.mapper().readTree(f.toFile());
                if (to.equals(t.path("to").asText())) {
                    newest = t;
                }
            }
            return newest;
        }
    }

    @Test
    void shouldApproveThroughTwilioSdkWhenCodeFromMailIsChecked() {
        final String to = email();

        final Verification created = Verification.creator(service, to, "email").setLocale("en").create(twilio);
        final VerificationCheck check = VerificationCheck.creator(service).setTo(to)
                .setCode(fixture.awaitCodeMailedTo(to)).create(twilio);

        assertThat(created.getStatus()).isEqualTo("pending");
        assertThat(created.getSid()).startsWith("VE").hasSize(66);
        assertThat(created.getServiceSid()).isEqualTo(service);
        assertThat(created.getChannel()).isEqualTo(Verification.Channel.EMAIL);
        assertThat(check.getStatus()).isEqualTo("approved");
        assertThat(check.getValid()).isTrue();
        assertThat(check.getSid()).isEqualTo(created.getSid());
        final ApiException gone = catchThrowableOfType(ApiException.class,
                () -> Verification.fetcher(service, created.getSid()).fetch(twilio));
        assertThat(gone.getCode()).as("Twilio forgets an approved verification").isEqualTo(20404);
    }

    @Test
    void shouldRaiseMaxCheckAttemptsThroughSdkWhenWrongCodeIsCheckedFiveTimes() {
        final String to = email();
        Verification.creator(service, to, "email").create(twilio);
        final String wrong = wrong(fixture.awaitCodeMailedTo(to));

        for (int i = 0; i < 4; i++) {
            final VerificationCheck denied = VerificationCheck.creator(service).setTo(to).setCode(wrong)
                    .create(twilio);
            assertThat(denied.getStatus()).as("a wrong code leaves the verification pending").isEqualTo("pending");
            assertThat(denied.getValid()).isFalse();
        }
        final ApiException fifth = catchThrowableOfType(ApiException.class,
                () -> VerificationCheck.creator(service).setTo(to).setCode(wrong).create(twilio));

        assertThat(fifth.getCode()).isEqualTo(60202);
        assertThat(fifth.getStatusCode()).isEqualTo(429);
    }

    @Test
    void shouldFetchThenCancelThroughSdkWhenVerificationIsPending() {
        final String to = email();
        final Verification created = Verification.creator(service, to, "email").create(twilio);
        final String code = fixture.awaitCodeMailedTo(to);

        final Verification fetched = Verification.fetcher(service, created.getSid()).fetch(twilio);
        final Verification canceled = Verification.updater(service, created.getSid(), Verification.Status.CANCELED)
                .update(twilio);

        assertThat(fetched.getStatus()).isEqualTo("pending");
        assertThat(fetched.getTo()).as("masked: the SID carries no destination").contains("***").isNotEqualTo(to);
        assertThat(fetched.getChannel()).isEqualTo(Verification.Channel.EMAIL);
        assertThat(canceled.getStatus()).isEqualTo("canceled");
        assertThat(catchThrowableOfType(ApiException.class, () -> VerificationCheck.creator(service)
                .setVerificationSid(created.getSid()).setCode(code).create(twilio)).getCode())
                .as("a canceled code is gone, even the right one").isEqualTo(20404);
    }

    @Test
    void shouldRefuseWithTwilioCodesWhenCredentialsOrParametersAreWrong() {
        final TwilioRestClient stranger = new TwilioRestClient.Builder(
                Secrets.readText(fixture.secrets.twilioAccountSidFile()), "otp_live_not-a-key")
                .httpClient(new LocalTwilioHttpClient(fixture.uri("").toString())).build();

        final ApiException unauthenticated = catchThrowableOfType(ApiException.class,
                () -> Verification.creator(service, email(), "email").create(stranger));
        final ApiException call = catchThrowableOfType(ApiException.class,
                () -> Verification.creator(service, "+14155550123", "call").create(twilio));
        final ApiException badNumber = catchThrowableOfType(ApiException.class,
                () -> Verification.creator(service, "+1 not a number", "sms").create(twilio));
        final ApiException otherService = catchThrowableOfType(ApiException.class,
                () -> Verification.creator("VA" + "0".repeat(32), email(), "email").create(twilio));

        assertThat(unauthenticated.getCode()).isEqualTo(20003);
        assertThat(unauthenticated.getStatusCode()).isEqualTo(401);
        assertThat(call.getCode()).isEqualTo(60200);
        assertThat(badNumber.getCode()).isEqualTo(60200);
        assertThat(badNumber.getMessage()).doesNotContain("not a number");
        assertThat(otherService.getCode()).isEqualTo(20404);
    }

    @Test
    void shouldShowStatusAndDeliveryOverOwnApiWhenCodeWasMailed() throws Exception {
        final String user = "status-" + (++users);
        final String to = user + "@example.com";
        final JsonNode issued = Json.mapper().readTree(fixture.post("/v1/otp", "{\"userId\":\"" + user
                + "\",\"channel\":\"email\",\"destination\":\"" + to + "\",\"purpose\":\"login\"}").body());
        final String code = fixture.awaitCodeMailedTo(to);

        final JsonNode sent = await().atMost(Duration.ofSeconds(30)).until(() -> status(issued, user),
                s -> "sent".equals(s.path("delivery").asText()));
        fixture.post("/v1/otp/verify", "{\"userId\":\"" + user + "\",\"purpose\":\"login\",\"code\":\""
                + wrong(code) + "\"}");
        final JsonNode afterWrong = status(issued, user);

        assertThat(sent.path("status").asText()).isEqualTo("pending");
        assertThat(sent.toString()).doesNotContain(code).doesNotContain(to);
        assertThat(afterWrong.path("failedAttempts").asInt()).isEqualTo(1);
        assertThat(afterWrong.path("attemptsRemaining").asInt()).isEqualTo(4);
    }

    @Test
    void shouldApproveSpacedCodeAndForgetCanceledCodeOverOwnApi() throws Exception {
        final String user = "cancel-" + (++users);
        final String to = user + "@example.com";
        final String request = "{\"userId\":\"" + user + "\",\"channel\":\"email\",\"destination\":\"" + to
                + "\",\"purpose\":\"login\"}";
        fixture.post("/v1/otp", request);
        final String first = fixture.awaitCodeMailedTo(to);
        final String spaced = first.substring(0, 3) + " " + first.substring(3);
        final JsonNode approved = Json.mapper().readTree(fixture.post("/v1/otp/verify", "{\"userId\":\"" + user
                + "\",\"purpose\":\"login\",\"code\":\"" + spaced + "\"}").body());
        final JsonNode second = Json.mapper().readTree(fixture.post("/v1/otp", request.replace("login", "step_up"))
                .body());
        final String code = await().atMost(Duration.ofSeconds(30)).until(() -> fixture.awaitCodeMailedTo(to),
                c -> !c.equals(first));

        final HttpResponse<String> canceled = fixture.post("/v1/otp/" + second.path("otpId").asText() + "/cancel",
                "{\"userId\":\"" + user + "\"}");
        final JsonNode afterCancel = Json.mapper().readTree(fixture.post("/v1/otp/verify", "{\"userId\":\"" + user
                + "\",\"purpose\":\"step_up\",\"code\":\"" + code + "\"}").body());

        assertThat(approved.path("status").asText()).as("\"123 456\" reads as 123456").isEqualTo("approved");
        assertThat(canceled.statusCode()).isEqualTo(200);
        assertThat(afterCancel.path("status").asText()).as("even the right code").isEqualTo("not_found");
        assertThat(fixture.getWithKey("/v1/otp/" + second.path("otpId").asText() + "?userId=" + user).statusCode())
                .isEqualTo(404);
    }

    @Test
    void shouldMailOneNoticeInUsersLocaleWhenLockoutStarts() throws Exception {
        final String user = "notice-" + (++users);
        final String to = user + "@example.com";
        fixture.post("/v1/otp", "{\"userId\":\"" + user + "\",\"channel\":\"email\",\"destination\":\"" + to
                + "\",\"purpose\":\"login\",\"locale\":\"de-CH\"}");
        final String code = fixture.awaitCodeMailedTo(to);
        for (int i = 0; i < 5; i++) {
            fixture.post("/v1/otp/verify", "{\"userId\":\"" + user + "\",\"purpose\":\"login\",\"code\":\""
                    + wrong(code) + "\"}");
        }

        final List<MimeMessage> mails = await().atMost(Duration.ofSeconds(30)).until(() -> mailsTo(to),
                m -> m.size() >= 2);

        assertThat(mails).hasSize(2);
        final MimeMessage notice = mails.get(1);
        assertThat(notice.getSubject()).isEqualTo("Anmeldung bei Ihrem Konto pausiert");
        assertThat(GreenMailUtil.getBody(notice)).contains("15 Minuten").doesNotContain(code);
        assertThat(fixture.post("/v1/otp/verify", "{\"userId\":\"" + user + "\",\"purpose\":\"login\",\"code\":\""
                + code + "\"}").body()).contains("locked");
    }

    private static List<MimeMessage> mailsTo(final String address) throws MessagingException {
        final List<MimeMessage> found = new ArrayList<>();
        for (MimeMessage m : fixture.smtp.getReceivedMessages()) {
            if (Arrays.stream(m.getRecipients(Message.RecipientType.TO)).anyMatch(a -> a.toString().equals(address))) {
                found.add(m);
            }
        }
        return found;
    }

    private static JsonNode status(final JsonNode issued, final String user) throws Exception {
        final HttpResponse<String> r = fixture.getWithKey("/v1/otp/" + issued.path("otpId").asText() + "?userId="
                + user);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    private static String email() {
        return "twilio-" + (++users) + "@example.com";
    }

    private static String wrong(final String code) {
        return code.equals("000000") ? "000001" : "000000";
    }
}
