package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.sun.net.httpserver.HttpServer;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.testing.LogCapture;
import io.otppipeline.testing.TopicScanner;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Magic links end to end, in a real browser (docs/API.md, "Magic links"): headless Chromium (Debian's
 * {@code chromium} and {@code chromium-driver}, installed by {@code .ci/run}) driven by Selenium follows the link
 * from a real mail (GreenMail), sees the confirm page, presses its button and lands on the tenant's redirect URL
 * (a small server in this test) with an exchange code that the test redeems once. Before that, mail-scanner
 * traffic (20 {@code GET}s with scanners' user agents, a {@code HEAD}, a prefetch) consumes nothing; afterwards,
 * a replayed {@code POST} is refused; and neither the link's token nor the exchange code is in any topic, log line
 * or audit row.
 */
@ResourceLock(IntegrationLanes.SERVICES)
class MagicLinkIT {

    private static final Pattern LINK_IN_MAIL = Pattern.compile("(http://127\\.0\\.0\\.1:[0-9]+/l/[A-Za-z0-9._-]+)");
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final List<String> SCANNERS = List.of(
            "Mozilla/5.0 (compatible; Barracuda Sentinel)", "Microsoft Office/16.0 (Microsoft Outlook 16.0.5095)",
            "Mozilla/5.0 (compatible; proofpoint-urldefense)", "Mimecast-URL-Protect/1.0",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 SafeLinks",
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "facebookexternalhit/1.1",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "curl/8.5.0",
            "Symantec-Email-Security/1.0");

    @TempDir
    static Path dir;

    private static PipelineFixture fixture;
    private static HttpServer tenant;
    private static final List<String> redirected = new CopyOnWriteArrayList<>();
    private static ListAppender<ILoggingEvent> logs;
    private static String callback;
    private static int users;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        tenant = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tenant.createContext("/callback", exchange -> {
            redirected.add(String.valueOf(exchange.getRequestURI().getRawQuery()));
            final byte[] page = "<!DOCTYPE html><title>Signed in</title><h1 id=done>Signed in</h1>"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        tenant.start();
        callback = "http://127.0.0.1:" + tenant.getAddress().getPort() + "/callback";
        logs = LogCapture.start();
        fixture = PipelineFixture.start(dir, Map.of("api.magic.link.redirects." + DevSecrets.DEMO_TENANT,
                callback + "," + "http://localhost:3000/"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
        if (tenant != null) {
            tenant.stop(0);
        }
    }

    @Test
    void shouldSignInThroughRealBrowserAfterScannersFetchedTheLinkAndRedeemOnce() throws Exception {
        final String user = "link-" + (++users);
        final String email = user + "@example.com";
        final JsonNode created = request(user, email, callback + "?state=abc");
        final String link = awaitLinkMailedTo(email);
        final String token = link.substring(link.lastIndexOf('/') + 1);

        for (int i = 0; i < 20; i++) { // mail scanners fetch every URL in a message
            assertThat(fetch("GET", link, SCANNERS.get(i % SCANNERS.size()), Map.of()).statusCode()).isEqualTo(200);
        }
        assertThat(fetch("HEAD", link, SCANNERS.get(0), Map.of()).statusCode()).isEqualTo(200);
        final HttpResponse<String> prefetch = fetch("GET", link, "Mozilla/5.0 Chrome/156", Map.of("Sec-Purpose",
                "prefetch", "Purpose", "prefetch"));
        assertThat(prefetch.body()).contains("Confirm sign-in");
        assertThat(prefetch.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'none'").contains("frame-ancestors 'none'"));
        assertThat(prefetch.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(prefetch.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(prefetch.headers().firstValue("X-Robots-Tag")).hasValueSatisfying(v -> assertThat(v)
                .contains("noindex"));
        final ScannerForm scannerForm = ScannerForm.of(prefetch); // a scanner that kept the page's form and cookie

        final WebDriver browser = chromium();
        final String code;
        try {
            browser.get(link);
            assertThat(browser.getTitle()).isEqualTo("Confirm sign-in");
            Files.createDirectories(Path.of("target"));
            Files.write(Path.of("target", "magic-link-confirm.png"),
                    ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            browser.findElement(By.id("confirm")).click();
            new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(
                    By.id("done")));
            final URI landed = URI.create(browser.getCurrentUrl());
            assertThat(landed.getPath()).isEqualTo("/callback");
            assertThat(landed.getRawQuery()).startsWith("state=abc&code=");
            code = URLDecoder.decode(landed.getRawQuery().substring("state=abc&code=".length()),
                    StandardCharsets.UTF_8);
            browser.get(link);
            assertThat(browser.getTitle()).as("used: the neutral page").isEqualTo("Link not usable");
        } finally {
            browser.quit();
        }

        final HttpResponse<String> replayed = scannerForm.post(http, link);
        final HttpResponse<String> first = fixture.post("/v1/magic-links/exchange", "{\"code\":\"" + code + "\"}");
        final HttpResponse<String> second = fixture.post("/v1/magic-links/exchange", "{\"code\":\"" + code + "\"}");

        assertThat(replayed.statusCode()).as("a replayed POST does not redirect").isEqualTo(200);
        assertThat(replayed.body()).contains("can't be used");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        final JsonNode approved = Json.mapper().readTree(first.body());
        assertThat(approved.path("status").asText()).isEqualTo("approved");
        assertThat(approved.path("userId").asText()).isEqualTo(user);
        assertThat(approved.path("purpose").asText()).isEqualTo("login");
        assertThat(approved.path("linkId").asText()).isEqualTo(created.path("linkId").asText());
        assertThat(second.statusCode()).isEqualTo(409);
        final String tokenSecret = token.substring(token.lastIndexOf('.') + 1);
        final String codeSecret = code.substring(code.lastIndexOf('.') + 1);
        assertThat(opensCounted(created.path("linkId").asText())).as("every fetch counted, nothing consumed")
                .isGreaterThanOrEqualTo(21);
        assertNowhere(tokenSecret, codeSecret);
    }

    @Test
    void shouldRefuseWhenRedirectLeavesAllowListOrFormComesFromAnotherSite() throws Exception {
        for (String bad : List.of("https://evil.example/callback", "//evil.example/callback",
                callback.replace("127.0.0.1", "127.0.0.1@evil.example"), "javascript:alert(1)",
                callback + "/../../admin", callback.replace("/callback", "/callbackx"))) {
            final String user = "redirect-" + (++users);
            final HttpResponse<String> r = fixture.post("/v1/magic-links", body(user, user + "@example.com", bad));
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.body()).contains("redirectUrl").doesNotContain("evil");
        }
        final String user = "csrf-" + (++users);
        request(user, user + "@example.com", callback);
        final String link = awaitLinkMailedTo(user + "@example.com");

        final HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(link))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=forged")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(forged.statusCode()).as("no cookie: a form posted from another site").isEqualTo(403);
        assertThat(fetch("GET", link, "Mozilla/5.0", Map.of()).body()).as("still live").contains("Confirm sign-in");
        assertThat(fetch("GET", link.substring(0, link.length() - 4) + "AAAA", "Mozilla/5.0", Map.of()).body())
                .as("a wrong token looks like any unusable link").contains("can't be used");
    }

    /** A page's form and the cookie that came with it, posted again later. */
    private record ScannerForm(String cookie, String csrf) {
        static ScannerForm of(final HttpResponse<String> page) {
            final String setCookie = page.headers().firstValue("Set-Cookie").orElseThrow();
            final Matcher m = CSRF.matcher(page.body());
            assertThat(m.find()).isTrue();
            return new ScannerForm(setCookie.substring(0, setCookie.indexOf(';')), m.group(1));
        }

        HttpResponse<String> post(final HttpClient http, final String link) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create(link)).header("Cookie", cookie)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("csrf=" + java.net.URLEncoder.encode(csrf,
                            StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static JsonNode request(final String user, final String email, final String redirect) throws Exception {
        final HttpResponse<String> r = fixture.post("/v1/magic-links", body(user, email, redirect));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Json.mapper().readTree(r.body());
    }

    private static String body(final String user, final String email, final String redirect) {
        return "{\"userId\":\"" + user + "\",\"destination\":\"" + email + "\",\"purpose\":\"login\",\"redirectUrl\":\""
                + redirect + "\"}";
    }

    private HttpResponse<String> fetch(final String method, final String url, final String agent,
                                       final Map<String, String> headers) throws Exception {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("User-Agent", agent)
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String awaitLinkMailedTo(final String email) {
        final MimeMessage message = await().atMost(Duration.ofSeconds(30)).until(() -> Arrays.stream(
                fixture.smtp.getReceivedMessages()).filter(m -> to(m, email)).findFirst(), Optional::isPresent)
                .orElseThrow();
        final Matcher m = LINK_IN_MAIL.matcher(GreenMailUtil.getBody(message).replace("=\r\n", ""));
        assertThat(m.find()).as("the mail holds the link").isTrue();
        return m.group(1);
    }

    private static boolean to(final MimeMessage m, final String email) {
        try {
            return Arrays.stream(m.getRecipients(Message.RecipientType.TO)).anyMatch(a -> a.toString().equals(email));
        } catch (jakarta.mail.MessagingException e) {
            return false;
        }
    }

    private static WebDriver chromium() {
        final ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=900,700", "--user-data-dir=" + dir.resolve("chromium-profile"));
        final ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static int opensCounted(final String linkId) throws Exception {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            int live = 0;
            for (ConsumerRecord<byte[], byte[]> r : TopicScanner.readAll(fixture.infra.bootstrapServers(),
                    Set.of(Topics.EVENTS.name()))) {
                final JsonNode e = Json.mapper().readTree(r.value());
                if (EventTypes.MAGIC_LINK_OPENED.equals(e.path("type").asText())
                        && linkId.equals(e.path("data").path("linkId").asText())
                        && "live".equals(e.path("data").path("outcome").asText())) {
                    live++;
                }
            }
            return live;
        }, n -> n >= 21);
    }

    private static void assertNowhere(final String... secrets) throws Exception {
        for (ConsumerRecord<byte[], byte[]> r : TopicScanner.readAll(fixture.infra.bootstrapServers(),
                TopicScanner.allTopics(fixture.infra.bootstrapServers()))) {
            final List<String> parts = new ArrayList<>(List.of(text(r.key()), text(r.value())));
            for (Header h : r.headers()) {
                parts.add(text(h.value()));
            }
            for (String part : parts) {
                for (String secret : secrets) {
                    assertThat(part).as("a secret in a record of " + r.topic()).doesNotContain(secret);
                }
            }
        }
        for (ILoggingEvent event : List.copyOf(logs.list)) {
            for (String secret : secrets) {
                assertThat(event.getFormattedMessage()).as("a secret in a log line of " + event.getLoggerName())
                        .doesNotContain(secret);
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> auditRows() > 0);
        try (Connection c = fixture.infra.connect(fixture.infra.jdbcUrl()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT payload::text FROM audit_event")) {
            while (rs.next()) {
                for (String secret : secrets) {
                    assertThat(rs.getString(1)).as("a secret in an audit row").doesNotContain(secret);
                }
            }
        }
    }

    private static int auditRows() throws Exception {
        try (Connection c = fixture.infra.connect(fixture.infra.jdbcUrl()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM audit_event WHERE event_type LIKE 'otp.magic_link.%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String text(final byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
