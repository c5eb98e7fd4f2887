package io.otppipeline.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.api.bus.CommandBus;
import io.otppipeline.api.bus.IpVerdicts;
import io.otppipeline.api.http.ApiKeys;
import io.otppipeline.api.http.ClientAddresses;
import io.otppipeline.api.http.ConnectionLimits;
import io.otppipeline.api.twilio.TwilioServices;
import io.otppipeline.runtime.kafka.KafkaConnection;
import io.otppipeline.schemas.command.IpActivity;
import io.otppipeline.schemas.command.IpVerdict;
import io.otppipeline.schemas.command.MagicLinkOpened;
import io.otppipeline.schemas.command.MagicLinkTokens;
import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.reply.LinkOpenedReply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The magic-link pages behind a reverse proxy ({@code api.trusted.proxies}, {@link ClientAddresses}): the address a
 * link's open records, and the IP guard counts, is the browser's that the proxy forwards, and only when the proxy is
 * trusted; an untrusted peer's forwarding header is ignored (issue 32, item 5). Served by the real HTTP server over a
 * stand-in command bus.
 */
class LinkPagesBehindProxyTest {

    @TempDir
    Path dir;

    private final Keyring commandKeyring = Keyring.generate("c1");
    private final AtomicReference<OtpCommand> sent = new AtomicReference<>();

    @Test
    void shouldRecordForwardedBrowserAddressWhenPeerIsTrustedProxy() throws Exception {
        assertThat(openedFrom(List.of("127.0.0.1"), "198.51.100.17")).isEqualTo("198.51.100.17");
    }

    @Test
    void shouldRecordPeerAddressWhenPeerIsNotTrusted() throws Exception {
        assertThat(openedFrom(List.of("10.0.0.0/8"), "198.51.100.17")).isEqualTo("127.0.0.1");
    }

    /** The client address of the open command that a GET of a link page, sent with {@code forwardedFor}, causes. */
    private String openedFrom(final List<String> trusted, final String forwardedFor) throws Exception {
        final CommandBus bus = new StandInBus(sent::set, c -> CompletableFuture.completedFuture(
                new LinkOpenedReply(c.commandId(), false, null, false)), () -> true);
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
        try (ApiService api = ApiService.start(new ApiConfig(KafkaConnection.plaintext("unused:9092"), "127.0.0.1", 0,
                1000, 1024, "otp-api", dir.resolve("unused"), dir.resolve("unused"), "read_uncommitted", 64,
                "otp-pipeline", 10_000, 3_000, TwilioServices.NONE, null, null, ConnectionLimits.DEFAULTS,
                new ClientAddresses(trusted), 48, null), new ApiKeys(List.of(key.entry())), commandKeyring, bus, noVerdicts)) {
            final String token = MagicLinkTokens.format(new Aead(commandKeyring).seal(
                    new MagicLinkTokens.Route("acme", "alice", "0b8e5b1e-2f4a-4c7e-9a51-6d1f0c3b2a11").bytes(),
                    MagicLinkTokens.LINK_ROUTE.getBytes(StandardCharsets.UTF_8)), new byte[32]);
            final HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + api.port() + "/l/" + token))
                    .header("X-Forwarded-For", forwardedFor).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as(page.body()).isLessThan(500);
        }
        assertThat(sent.get()).isInstanceOf(MagicLinkOpened.class);
        return ((MagicLinkOpened) sent.get()).client().ip();
    }
}
