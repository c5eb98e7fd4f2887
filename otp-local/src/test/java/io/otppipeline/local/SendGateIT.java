package io.otppipeline.local;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.testing.TopicScanner;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The send gate (docs/ARCHITECTURE.md section 5b) on a real broker, with the notifier sending SMS to a WireMock
 * Twilio: what reaches the provider is what is counted. The demo tenant's SMS budget per calling code is 100 per
 * hour here; the destination budget is the default (5 per 10 minutes).
 */
@ResourceLock(IntegrationLanes.SERVICES)
class SendGateIT {

    private static final int COUNTRY_BUDGET = 100;
    private static final int PUMPED = 1000;
    private static final String SAFE_NUMBER = "+33142000001";

    @RegisterExtension
    static final WireMockExtension TWILIO = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().containerThreads(32)).build();

    @TempDir
    static Path dir;

    private static PipelineFixture fixture;
    private static int users;

    @BeforeAll
    static void startPipeline() throws Exception {
        Files.writeString(dir.resolve("twilio-token"), "token\n");
        Files.writeString(dir.resolve("safe-list"), "# the tenant's monitoring phone\n+33 1 42 00 00 01\n");
        TWILIO.stubFor(post(urlPathMatching("/2010-04-01/Accounts/.*/Messages.json")).willReturn(aResponse()
                .withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"sid\":\"SM1\"}")));
        fixture = PipelineFixture.start(dir, Map.of(
                "otp.gate.country.max.per.hour", Integer.toString(COUNTRY_BUDGET),
                "otp.gate.safe.list.file", dir.resolve("safe-list").toString(),
                "notifier.sms.providers", "twilio",
                "sms.twilio.base.url", TWILIO.baseUrl(),
                "sms.twilio.account.sid", "AC00000000000000000000000000000001",
                "sms.twilio.from", "+15005550006",
                "secrets.sms.twilio.auth.token.file", dir.resolve("twilio-token").toString()));
    }

    @AfterAll
    static void stopPipeline() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldSendExactlyTheCountryBudgetWhenThousandInventedUsersPumpOnePrefix() throws Exception {
        final List<String> otpIds = new ArrayList<>();
        for (int batch = 0; batch < PUMPED / 100; batch++) {
            final List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                responses.add(request(String.format(Locale.ROOT, "+44 20 7946 %04d", batch * 100 + i)));
            }
            responses.forEach(r -> {
                assertThat(r.join().statusCode()).as("the answer does not reveal the gate").isEqualTo(201);
                otpIds.add(json(r.join().body()).path("otpId").asText());
            });
        }

        await().atMost(Duration.ofMinutes(3)).until(() -> suppressedReasons(otpIds).size()
                + callsTo("+44").size() >= PUMPED);
        assertThat(callsTo("+44")).as("SMS that reached the provider").hasSize(COUNTRY_BUDGET);
        assertThat(suppressedReasons(otpIds)).hasSize(PUMPED - COUNTRY_BUDGET)
                .allSatisfy((otpId, reason) -> assertThat(reason).isEqualTo("country_limit"));

        assertThat(request("+33 1 42 00 10 00").join().statusCode()).isEqualTo(201);
        await().atMost(Duration.ofMinutes(1)).until(() -> callsTo("+33142001000").size() == 1);

        // the runbook's first step names the pumped country at the top (docs/RUNBOOKS.md, "SMS pumping")
        final List<String> byCountry = runbookPumpingQuery();
        assertThat(byCountry).as("codes by calling code and country, most first").isNotEmpty();
        assertThat(byCountry.get(0)).isEqualTo(PUMPED + " +44 GB");
        assertThat(byCountry).anySatisfy(line -> assertThat(line).endsWith(" +33 FR"));
    }

    @Test
    void shouldSendEveryCodeWhenNumberIsSafeListed() throws Exception {
        final int codes = 12;
        final List<String> otpIds = new ArrayList<>();
        for (int i = 0; i < codes; i++) {
            final HttpResponse<String> response = request("+33 1 42 00 00 01").join();
            assertThat(response.statusCode()).isEqualTo(201);
            otpIds.add(json(response.body()).path("otpId").asText());
        }

        await().atMost(Duration.ofMinutes(1)).until(() -> callsTo(SAFE_NUMBER).size() == codes);
        assertThat(suppressedReasons(otpIds)).isEmpty();
    }

    /**
     * Runs the SMS-pumping command of docs/RUNBOOKS.md (marked {@code <!-- pumping-query -->}): its
     * {@code ./otp audit replay} in this JVM over the last hour, its output through the rest of the command line
     * (jq, sort, uniq) in bash, as an operator would. Returns the lines printed, stripped.
     */
    private static List<String> runbookPumpingQuery() throws Exception {
        final Matcher command = Pattern.compile("<!-- pumping-query -->`\\./otp audit replay --from <1 h ago> "
                + "--type (\\S+) \\| ([^`]+)`").matcher(Files.readString(Path.of("..", "docs", "RUNBOOKS.md")));
        assertThat(command.find()).as("the SMS-pumping command in docs/RUNBOOKS.md").isTrue();
        final CliRun replay = CliRun.of("audit", "replay", "--bootstrap-servers", fixture.infra.bootstrapServers(),
                "--from", Instant.now().minus(Duration.ofHours(1)).toString(), "--type", command.group(1));
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        final Process pipe = new ProcessBuilder("bash", "-c", command.group(2)).redirectErrorStream(true).start();
        try (OutputStream in = pipe.getOutputStream()) {
            in.write(replay.out().getBytes(StandardCharsets.UTF_8));
        }
        final String printed = new String(pipe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(pipe.waitFor()).as(printed).isZero();
        return printed.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    private static CompletableFuture<HttpResponse<String>> request(final String phone) {
        final String body = "{\"userId\":\"invented-" + users++ + "\",\"channel\":\"sms\",\"destination\":\"" + phone
                + "\",\"purpose\":\"login\"}";
        return fixture.postAsync("/v1/otp", body, fixture.secrets.apiKey(), null);
    }

    /** The {@code To} numbers the provider was called with that start with {@code prefix}. */
    private static List<String> callsTo(final String prefix) {
        return TWILIO.getAllServeEvents().stream().map(e -> form(e.getRequest().getBodyAsString()).get("To"))
                .filter(to -> to.startsWith(prefix)).toList();
    }

    /** otpId → reason of every committed {@code otp.delivery.suppressed} event about one of {@code otpIds}. */
    private static Map<String, String> suppressedReasons(final List<String> otpIds) throws Exception {
        final Set<String> wanted = Set.copyOf(otpIds);
        final Map<String, String> reasons = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicScanner.readCommitted(fixture.infra.bootstrapServers(),
                Set.of(Topics.EVENTS.name()))) {
            final JsonNode event = json(new String(r.value(), StandardCharsets.UTF_8));
            final String otpId = event.path("data").path("otpId").asText();
            if (EventTypes.DELIVERY_SUPPRESSED.equals(event.path("type").asText()) && wanted.contains(otpId)) {
                assertThat(reasons.put(otpId, event.path("data").path("reason").asText())).as("one event per code")
                        .isNull();
            }
        }
        return reasons;
    }

    private static JsonNode json(final String body) {
        try {
            return Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> form(final String body) {
        return Arrays.stream(body.split("&")).map(p -> p.split("=", 2)).collect(Collectors.toMap(
                p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8), (a, b) -> b));
    }
}
