package io.otppipeline.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.api.bus.IpVerdicts;
import io.otppipeline.api.http.ApiKeys;
import io.otppipeline.api.http.ClientAddresses;
import io.otppipeline.api.http.ConnectionLimits;
import io.otppipeline.api.twilio.TwilioServices;
import io.otppipeline.runtime.kafka.KafkaConnection;
import io.otppipeline.schemas.command.IpActivity;
import io.otppipeline.schemas.command.IpVerdict;
import io.otppipeline.schemas.command.MagicLinkConfirmRequested;
import io.otppipeline.schemas.command.MagicLinkOpened;
import io.otppipeline.schemas.command.MagicLinkTokens;
import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.reply.LinkConfirmedReply;
import io.otppipeline.schemas.reply.LinkOpenedReply;
import io.otppipeline.schemas.reply.OtpReply;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The magic-link pages over the real HTTP server, on a stand-in command bus (issue 32):
 * <ul>
 *   <li>behind a reverse proxy ({@code api.trusted.proxies}, {@link ClientAddresses}) the address a link's open
 *       records, and the IP guard counts, is the browser's that the proxy forwards, and only when the proxy is
 *       trusted (item 5);</li>
 *   <li>served over https the CSRF cookie carries the {@code __Host-} prefix ({@code Secure}, {@code Path=/}, no
 *       {@code Domain}) and only that cookie lets the form through; over plain http (where a browser refuses
 *       {@code Secure}) it stays {@code otp_link_csrf} on {@code /l/} (item 7).</li>
 * </ul>
 */
class LinkPagesHttpTest {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @TempDir
    Path dir;

    private final Keyring commandKeyring = Keyring.generate("c1");
    private final List<OtpCommand> sent = new CopyOnWriteArrayList<>();

    @Test
    void shouldRecordForwardedBrowserAddressWhenPeerIsTrustedProxy() throws Exception {
        assertThat(openedFrom(List.of("127.0.0.1"), "198.51.100.17")).isEqualTo("198.51.100.17");
    }

    @Test
    void shouldRecordPeerAddressWhenPeerIsNotTrusted() throws Exception {
        assertThat(openedFrom(List.of("10.0.0.0/8"), "198.51.100.17")).isEqualTo("127.0.0.1");
    }

    @Test
    void shouldSetHostPrefixedSecureCookieAndAcceptOnlyItWhenServedOverHttps() throws Exception {
        try (ApiService api = start("https://verify.example.com", List.of())) {
            final String token = token();
            final HttpResponse<String> page = get(api, token, Map.of());
            final String setCookie = page.headers().firstValue("Set-Cookie").orElseThrow();
            final String value = setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));

            assertThat(setCookie).startsWith("__Host-otp_link_csrf=").contains("; Path=/;", "; Secure", "HttpOnly",
                    "SameSite=Strict").doesNotContainIgnoringCase("domain");
            assertThat(post(api, token, "otp_link_csrf=" + value, csrf(page)).statusCode())
                    .as("the unprefixed name, as a sibling subdomain could plant it").isEqualTo(403);
            assertThat(sent).noneMatch(c -> c instanceof MagicLinkConfirmRequested);
            assertThat(post(api, token, "__Host-otp_link_csrf=" + value, csrf(page)).statusCode()).isEqualTo(200);
            assertThat(sent).anyMatch(c -> c instanceof MagicLinkConfirmRequested);
        }
    }

    @Test
    void shouldKeepPlainCookieOnLinkPathWhenServedOverHttp() throws Exception {
        try (ApiService api = start(null, List.of())) {
            final String token = token();
            final HttpResponse<String> page = get(api, token, Map.of());
            final String setCookie = page.headers().firstValue("Set-Cookie").orElseThrow();

            assertThat(setCookie).startsWith("otp_link_csrf=").contains("; Path=/l/;").doesNotContain("Secure");
            assertThat(post(api, token, setCookie.substring(0, setCookie.indexOf(';')), csrf(page)).statusCode())
                    .isEqualTo(200);
            assertThat(sent).anyMatch(c -> c instanceof MagicLinkConfirmRequested);
        }
    }

    /** The client address of the open command that a GET of a link page, sent with {@code forwardedFor}, causes. */
    private String openedFrom(final List<String> trusted, final String forwardedFor) throws Exception {
        try (ApiService api = start(null, trusted)) {
            final HttpResponse<String> page = get(api, token(), Map.of("X-Forwarded-For", forwardedFor));
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        }
        final MagicLinkOpened opened = (MagicLinkOpened) sent.stream().filter(c -> c instanceof MagicLinkOpened)
                .findFirst().orElseThrow();
        return opened.client().ip();
    }

    private ApiService start(final String publicBaseUrl, final List<String> trusted) {
        final StandInBus bus = new StandInBus(sent::add, c -> CompletableFuture.completedFuture(answer(c)), () -> true);
        final IpVerdicts noVerdicts = new IpVerdicts() {
            @Override
            public IpVerdict find(final String tenantId, final IpActivity kind, final String ip) {
                return null;
            }

            @Override
            public void close() {
            }
        };
        final ApiKeys.Issued key = ApiKeys.issue("acme-1", "acme");
        return ApiService.start(new ApiConfig(KafkaConnection.plaintext("unused:9092"), "127.0.0.1", 0, 1000, 1024,
                "otp-api", dir.resolve("unused"), dir.resolve("unused"), "read_uncommitted", 64, "otp-pipeline",
                10_000, 3_000, TwilioServices.NONE, publicBaseUrl, null, ConnectionLimits.DEFAULTS,
                new ClientAddresses(trusted), 48, null), new ApiKeys(List.of(key.entry())), commandKeyring, bus,
                noVerdicts);
    }

    private static OtpReply answer(final OtpCommand command) {
        return command instanceof MagicLinkOpened
                ? new LinkOpenedReply(command.commandId(), true, "https://app.example.com/auth/done", false)
                : new LinkConfirmedReply(command.commandId(), null, false);
    }

    private String token() {
        return MagicLinkTokens.format(new Aead(commandKeyring).seal(
                new MagicLinkTokens.Route("acme", "alice", "0b8e5b1e-2f4a-4c7e-9a51-6d1f0c3b2a11").bytes(),
                MagicLinkTokens.LINK_ROUTE.getBytes(StandardCharsets.UTF_8)), new byte[32]);
    }

    private static String csrf(final HttpResponse<String> page) {
        final Matcher m = CSRF.matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        return m.group(1);
    }

    private static HttpResponse<String> get(final ApiService api, final String token,
                                            final Map<String, String> headers) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + api.port() + "/l/" + token)).GET();
        headers.forEach(request::header);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(final ApiService api, final String token, final String cookie,
                                             final String csrf) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + api.port() + "/l/" + token)).header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
