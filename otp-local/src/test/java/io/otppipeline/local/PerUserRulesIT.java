package io.otppipeline.local;

import static io.otppipeline.local.PipelineFixture.codeRequest;
import static io.otppipeline.local.PipelineFixture.verification;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.otppipeline.schemas.Json;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The per-user rules over HTTP on a real broker, where requests really race: the processor's single writer per
 * user is what must make these counts exact (the old design needed {@code SELECT ... FOR UPDATE}). Purpose
 * {@code burst} is configured with the resend cooldown at 0 so that the send window alone decides.
 */
@ResourceLock(IntegrationLanes.SERVICES)
class PerUserRulesIT {

    private static final int RACERS = 200;

    @TempDir
    static Path dir;

    private static PipelineFixture fixture;

    @BeforeAll
    static void startPipeline() throws Exception {
        // the lockout at the per-code cap (default 10): these tests are about the lockout itself
        fixture = PipelineFixture.start(dir, Map.of("otp.purpose.burst.resend.cooldown.seconds", "0",
                "otp.lockout.max.failures", "5"));
    }

    @AfterAll
    static void stopPipeline() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldApproveExactlyOnceWhen200VerificationsOfTheRightCodeRace() throws Exception {
        final String user = newUser();
        final String email = user + "@example.test";
        assertThat(fixture.post("/v1/otp", codeRequest(user, email, "login")).statusCode()).isEqualTo(201);
        final String body = verification(user, "login", fixture.awaitCodeMailedTo(email));

        final List<HttpResponse<String>> responses = race(i -> fixture.postAsync("/v1/otp/verify", body,
                fixture.secrets.apiKey(), null));

        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        final Map<String, Long> statuses = countBy(responses, r -> json(r).path("status").asText());
        assertThat(statuses).containsEntry("approved", 1L).containsEntry("not_found", RACERS - 1L);
    }

    @Test
    void shouldAcceptOneWhen200CodeRequestsRaceInsideTheCooldown() {
        final String user = newUser();
        final String body = codeRequest(user, user + "@example.test", "login");

        final List<HttpResponse<String>> responses = race(i -> fixture.postAsync("/v1/otp", body,
                fixture.secrets.apiKey(), null));

        final Map<Integer, Long> codes = countBy(responses, HttpResponse::statusCode);
        assertThat(codes).containsEntry(201, 1L).containsEntry(429, RACERS - 1L);
        assertThat(responses).filteredOn(r -> r.statusCode() == 429)
                .allSatisfy(r -> assertThat(r.headers().firstValue("Retry-After")).isPresent());
    }

    @Test
    void shouldAcceptThreeWhen200CodeRequestsRaceWithoutCooldown() {
        final String user = newUser();
        final String body = codeRequest(user, user + "@example.test", "burst");

        final List<HttpResponse<String>> responses = race(i -> fixture.postAsync("/v1/otp", body,
                fixture.secrets.apiKey(), null));

        assertThat(countBy(responses, HttpResponse::statusCode)).containsEntry(201, 3L)
                .containsEntry(429, RACERS - 3L);
    }

    @Test
    void shouldStayLockedWhenNewCodeIsRequestedAfterLockoutUntilAdminUnlocks() throws Exception {
        final String user = newUser();
        final String email = user + "@example.test";
        fixture.post("/v1/otp", codeRequest(user, email, "login"));
        final String code = fixture.awaitCodeMailedTo(email);
        final String wrong = wrong(code);
        for (int i = 0; i < 5; i++) {
            fixture.post("/v1/otp/verify", verification(user, "login", wrong));
        }

        final HttpResponse<String> regenerate = fixture.post("/v1/otp", codeRequest(user, email, "step_up"));
        final HttpResponse<String> verify = fixture.post("/v1/otp/verify", verification(user, "login", code));

        assertThat(regenerate.statusCode()).isEqualTo(423);
        assertThat(regenerate.headers().firstValue("Retry-After")).isPresent();
        assertThat(json(verify).path("status").asText()).isEqualTo("locked");
        assertThat(json(verify).path("retryAfterSeconds").asLong()).isBetween(1L, 900L);

        final String unlockPath = "/v1/users/" + user + "/unlock";
        assertThat(fixture.postAsync(unlockPath, "{}", fixture.secrets.apiKey(), null).join().statusCode())
                .isEqualTo(403);
        assertThat(fixture.postAsync(unlockPath, "{}", fixture.secrets.adminKey(), null).join().statusCode())
                .isEqualTo(200);
        assertThat(fixture.post("/v1/otp", codeRequest(user, email, "step_up")).statusCode()).isEqualTo(201);
    }

    @Test
    void shouldConsumeOnceWhenPasswordResetCodeWasApproved() throws Exception {
        final String user = newUser();
        final String email = user + "@example.test";
        final String otpId = json(fixture.post("/v1/otp", codeRequest(user, email, "password_reset")))
                .path("otpId").asText();
        final String code = fixture.awaitCodeMailedTo(email);
        final String consumeBody = "{\"userId\":\"" + user + "\"}";

        assertThat(fixture.post("/v1/otp/" + otpId + "/consume", consumeBody).statusCode()).isEqualTo(409);
        assertThat(json(fixture.post("/v1/otp/verify", verification(user, "password_reset", code)))
                .path("status").asText()).isEqualTo("approved");
        assertThat(fixture.post("/v1/otp/" + otpId + "/consume", consumeBody).statusCode()).isEqualTo(200);
        assertThat(fixture.post("/v1/otp/" + otpId + "/consume", consumeBody).statusCode()).isEqualTo(409);
    }

    @Test
    void shouldAnswerFirstDecisionOrUnprocessableWhenIdempotencyKeyIsReused() throws Exception {
        final String user = newUser();
        final String email = user + "@example.test";
        fixture.post("/v1/otp", codeRequest(user, email, "login"));
        final String code = fixture.awaitCodeMailedTo(email);
        final String wrong = wrong(code);
        final String key = UUID.randomUUID().toString();

        final HttpResponse<String> first = verifyWithKey(user, wrong, key);
        final HttpResponse<String> retry = verifyWithKey(user, wrong, key);
        final HttpResponse<String> otherBody = verifyWithKey(user, code, key);
        final HttpResponse<String> next = verifyWithKey(user, wrong, UUID.randomUUID().toString());

        assertThat(json(first).path("attemptsRemaining").asInt()).isEqualTo(4);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(json(retry).path("replayed").asBoolean()).isTrue();
        assertThat(retry.body()).isEqualTo(first.body().replaceFirst("}$", ",\"replayed\":true}"));
        assertThat(otherBody.statusCode()).isEqualTo(422);
        assertThat(otherBody.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json(next).path("attemptsRemaining").asInt()).isEqualTo(3);
    }

    private static HttpResponse<String> verifyWithKey(final String user, final String code, final String key) {
        return fixture.postAsync("/v1/otp/verify", verification(user, "login", code), fixture.secrets.apiKey(), key)
                .join();
    }

    private static List<HttpResponse<String>> race(final Function<Integer, CompletableFuture<HttpResponse<String>>> call) {
        final List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, RACERS).boxed().map(call)
                .toList();
        return calls.stream().map(CompletableFuture::join).toList();
    }

    private static <K> Map<K, Long> countBy(final List<HttpResponse<String>> responses,
                                            final Function<HttpResponse<String>, K> key) {
        return responses.stream().collect(Collectors.groupingBy(key, Collectors.counting()));
    }

    private static JsonNode json(final HttpResponse<String> response) {
        try {
            return Json.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    private static String wrong(final String code) {
        return (code.charAt(0) == '0' ? "1" : "0") + code.substring(1);
    }

    private static String newUser() {
        return "rules-" + UUID.randomUUID();
    }
}
