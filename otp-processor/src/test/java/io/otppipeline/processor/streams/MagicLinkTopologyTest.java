package io.otppipeline.processor.streams;

import static io.otppipeline.processor.streams.TopologyHarness.CLIENT;
import static io.otppipeline.processor.streams.TopologyHarness.EMAIL;
import static io.otppipeline.processor.streams.TopologyHarness.START;
import static io.otppipeline.processor.streams.TopologyHarness.TENANT;
import static io.otppipeline.processor.streams.TopologyHarness.USER;
import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.processor.domain.OtpRules;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.command.IdempotencyKey;
import io.otppipeline.schemas.command.IpVerdict;
import io.otppipeline.schemas.command.MagicLink;
import io.otppipeline.schemas.command.MagicLinkConfirmRequested;
import io.otppipeline.schemas.command.MagicLinkExchangeRequested;
import io.otppipeline.schemas.command.MagicLinkOpened;
import io.otppipeline.schemas.command.MagicLinkTokens;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.crypto.SealedBox;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.reply.IssuedReply;
import io.otppipeline.schemas.reply.LinkConfirmedReply;
import io.otppipeline.schemas.reply.LinkExchangedReply;
import io.otppipeline.schemas.reply.LinkOpenedReply;
import io.otppipeline.schemas.reply.ReplyStatus;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Magic links in the decision core (docs/API.md, "Magic links"): a page fetch consumes nothing, the confirm step
 * consumes once and arms a 60-second exchange code, which the tenant's backend redeems once.
 */
class MagicLinkTopologyTest {

    private static final String BASE = "https://verify.example.com";
    private static final String REDIRECT = "https://app.example.com/auth/callback";

    private final TopologyHarness t = new TopologyHarness(OtpRules.DEFAULTS);
    private final SecureRandom random = new SecureRandom();

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void shouldMailRoutedTokenAndStoreOnlyItsHmacWhenLinkIsRequested() throws Exception {
        final IssuedReply issued = TopologyHarness.as(IssuedReply.class, t.send(linkRequest("login")));
        final OtpIssued delivery = t.delivery.readValue();

        final String url = t.openSecret(delivery).link();
        assertThat(url).startsWith(BASE + "/l/v1.");
        assertThat(t.openSecret(delivery).code()).isNull();
        final MagicLinkTokens.Parts parts = MagicLinkTokens.parse(url.substring((BASE + "/l/").length())).orElseThrow();
        final MagicLinkTokens.Route route = MagicLinkTokens.Route.of(t.commandAead.open(parts.route(),
                MagicLinkTokens.LINK_ROUTE.getBytes(StandardCharsets.UTF_8))).orElseThrow();
        assertThat(route).isEqualTo(new MagicLinkTokens.Route(TENANT, USER, issued.otpId()));
        assertThat(issued.expiresAt()).as("15 minutes").isEqualTo(START.plus(Duration.ofMinutes(15)));
        final CloudEvent event = t.events().get(0);
        assertThat(event.type()).isEqualTo(EventTypes.OTP_ISSUED);
        assertThat(event.data().path("kind").asText()).isEqualTo("magic_link");
        assertThat(Json.mapper().writeValueAsString(t.userState())).doesNotContain(parts.secret())
                .doesNotContain(EMAIL);
    }

    @Test
    void shouldConsumeNothingWhenPageIsFetchedManyTimesThenConfirmAndExchangeOnce() {
        t.send(linkRequest("login"));
        final MagicLinkTokens.Parts token = token(t.delivery.readValue());
        final String linkId = t.userState().pending().get("login").otpId();
        t.events();

        for (int i = 0; i < 20; i++) {
            assertThat(open(linkId, token.secret()).live()).as("scanner fetch " + i).isTrue();
        }
        final byte[] exchange = secret();
        final LinkConfirmedReply confirmed = confirm(linkId, token.secret(), exchange);
        final LinkConfirmedReply again = confirm(linkId, token.secret(), secret());
        final LinkOpenedReply afterConfirm = open(linkId, token.secret());
        final LinkExchangedReply redeemed = exchange(linkId, exchange);
        final LinkExchangedReply twice = exchange(linkId, exchange);

        assertThat(confirmed.redirectUrl()).isEqualTo(REDIRECT);
        assertThat(again.status()).as("single use").isEqualTo(ReplyStatus.NOT_FOUND);
        assertThat(afterConfirm.live()).isFalse();
        assertThat(redeemed.approved()).isTrue();
        assertThat(redeemed.purpose()).isEqualTo("login");
        assertThat(twice.status()).isEqualTo(ReplyStatus.CONFLICT);
        final List<CloudEvent> events = t.events();
        assertThat(events).filteredOn(e -> e.type().equals(EventTypes.MAGIC_LINK_OPENED)).hasSize(21)
                .extracting(e -> e.data().path("opens").asInt()).startsWith(1, 2, 3).contains(20);
        assertThat(events).extracting(e -> e.data().path("outcome").asText()).contains("confirmed", "exchanged",
                "conflict");
        assertThat(events.toString()).doesNotContain(token.secret());
    }

    @Test
    void shouldRefuseExchangeWhenItsMinuteHasPassedOrCodeIsWrong() {
        t.send(linkRequest("login"));
        final MagicLinkTokens.Parts token = token(t.delivery.readValue());
        final String linkId = t.userState().pending().get("login").otpId();
        final byte[] exchange = secret();
        confirm(linkId, token.secret(), exchange);

        assertThat(exchange(linkId, secret()).approved()).as("a guessed code").isFalse();
        t.advance(Duration.ofSeconds(61));
        assertThat(exchange(linkId, exchange).approved()).as("after 60 seconds").isFalse();
    }

    @Test
    void shouldCountWrongTokenAsFailureAndKillOlderLinkWhenNewerOneIsIssued() {
        t.send(linkRequest("login"));
        final MagicLinkTokens.Parts first = token(t.delivery.readValue());
        final String firstId = t.userState().pending().get("login").otpId();

        final LinkConfirmedReply wrong = confirm(firstId, MagicLinkTokens.secretText(secret()), secret());
        t.advance(Duration.ofSeconds(61));
        t.send(linkRequest("login"));
        final MagicLinkTokens.Parts second = token(t.delivery.readValue());
        final String secondId = t.userState().pending().get("login").otpId();

        assertThat(wrong.status()).isEqualTo(ReplyStatus.NOT_FOUND);
        assertThat(t.userState().lockout().failuresMs()).hasSize(1);
        assertThat(open(firstId, first.secret()).live()).as("superseded").isFalse();
        assertThat(open(secondId, second.secret()).live()).isTrue();
        assertThat(t.verify("login", "123456").status()).as("a link is not verified by a code")
                .isEqualTo(ReplyStatus.NOT_FOUND);
        t.advance(Duration.ofMinutes(16));
        assertThat(confirm(secondId, second.secret(), secret()).status()).as("expired after 15 minutes")
                .isEqualTo(ReplyStatus.NOT_FOUND);
    }

    @Test
    void shouldAddAtMostOneEventWhenUsedLinkIsFetchedAThousandTimes() {
        t.send(linkRequest("login"));
        final MagicLinkTokens.Parts token = token(t.delivery.readValue());
        final String linkId = t.userState().pending().get("login").otpId();
        final byte[] exchange = secret();
        confirm(linkId, token.secret(), exchange);
        t.events();

        for (int i = 0; i < 1000; i++) {
            assertThat(open(linkId, token.secret()).live()).isFalse();
        }
        final List<CloudEvent> whileConfirmed = t.events();
        exchange(linkId, exchange);
        t.events();
        for (int i = 0; i < 1000; i++) {
            open(linkId, token.secret());
        }
        final List<CloudEvent> afterExchange = t.events();

        assertThat(whileConfirmed).as("1,000 fetches of a used link").hasSize(1)
                .extracting(e -> e.data().path("outcome").asText()).containsExactly("not_found");
        assertThat(afterExchange).as("1,000 fetches of a link no longer held").isEmpty();
    }

    @Test
    void shouldStopReplayingAnExchangeWhenItsCodeHasExpired() {
        t.send(linkRequest("login"));
        final MagicLinkTokens.Parts token = token(t.delivery.readValue());
        final String linkId = t.userState().pending().get("login").otpId();
        final byte[] exchange = secret();
        confirm(linkId, token.secret(), exchange);
        final IdempotencyKey key = new IdempotencyKey("exchange-1", "hash-e");

        final LinkExchangedReply first = exchange(linkId, exchange, key);
        final LinkExchangedReply replayed = exchange(linkId, exchange, key);
        t.advance(Duration.ofSeconds(61));
        final LinkExchangedReply late = exchange(linkId, exchange, key);

        assertThat(first.approved()).isTrue();
        assertThat(replayed.approved()).as("a retry inside the code's minute gets the same answer").isTrue();
        assertThat(late.approved()).as("not once the exchange code has expired (docs: once, within 60 s)")
                .isFalse();
    }

    @Test
    void shouldRefuseConfirmWithoutConsumingOrCountingWhenIpGuardBlocksTheAddress() {
        t.send(linkRequest("login"));
        final MagicLinkTokens.Parts token = token(t.delivery.readValue());
        final String linkId = t.userState().pending().get("login").otpId();
        t.events();
        final IpVerdict blocked = new IpVerdict(CLIENT.ip(), t.now().toEpochMilli() + 60_000, 0);

        final LinkConfirmedReply refused = confirm(linkId, token.secret(), secret(), blocked);
        final LinkConfirmedReply guessed = confirm(linkId, MagicLinkTokens.secretText(secret()), secret(), blocked);
        final List<CloudEvent> refusals = t.events();
        final LinkConfirmedReply confirmed = confirm(linkId, token.secret(), secret());

        assertThat(refused.redirectUrl()).as("the right token from a blocked address").isNull();
        assertThat(guessed.redirectUrl()).isNull();
        assertThat(refusals).extracting(e -> e.data().path("outcome").asText())
                .containsExactly("rate_limited", "rate_limited");
        assertThat(t.userState().lockout().failuresMs()).as("a refused guess counts nothing").isEmpty();
        assertThat(confirmed.redirectUrl()).as("the link stayed live").isEqualTo(REDIRECT);
    }

    private OtpRequested linkRequest(final String purpose) {
        final String commandId = TopologyHarness.id();
        final byte[] entropy = secret();
        return new OtpRequested(commandId, TENANT, USER, purpose, Channel.EMAIL, "en", CLIENT, START,
                seal(EMAIL.getBytes(StandardCharsets.UTF_8), commandId), seal(entropy, commandId), null, null,
                new MagicLink(BASE, REDIRECT));
    }

    private MagicLinkTokens.Parts token(final OtpIssued delivery) {
        final String url = t.openSecret(delivery).link();
        return MagicLinkTokens.parse(url.substring(url.lastIndexOf('/') + 1)).orElseThrow();
    }

    private LinkOpenedReply open(final String linkId, final String secret) {
        final String id = TopologyHarness.id();
        return TopologyHarness.as(LinkOpenedReply.class, t.send(new MagicLinkOpened(id, TENANT, USER, linkId,
                seal(secret.getBytes(StandardCharsets.UTF_8), id), CLIENT, START)));
    }

    private LinkConfirmedReply confirm(final String linkId, final String secret, final byte[] exchange) {
        return confirm(linkId, secret, exchange, null);
    }

    private LinkConfirmedReply confirm(final String linkId, final String secret, final byte[] exchange,
                                       final IpVerdict verdict) {
        final String id = TopologyHarness.id();
        return TopologyHarness.as(LinkConfirmedReply.class, t.send(new MagicLinkConfirmRequested(id, TENANT, USER,
                linkId, seal(secret.getBytes(StandardCharsets.UTF_8), id),
                seal(MagicLinkTokens.secretText(exchange).getBytes(StandardCharsets.UTF_8), id), CLIENT, START,
                verdict)));
    }

    private LinkExchangedReply exchange(final String linkId, final byte[] exchange) {
        return exchange(linkId, exchange, null);
    }

    private LinkExchangedReply exchange(final String linkId, final byte[] exchange, final IdempotencyKey key) {
        final String id = TopologyHarness.id();
        return TopologyHarness.as(LinkExchangedReply.class, t.send(new MagicLinkExchangeRequested(id, TENANT, USER,
                linkId, seal(MagicLinkTokens.secretText(exchange).getBytes(StandardCharsets.UTF_8), id), null, START,
                key)));
    }

    private SealedBox seal(final byte[] plaintext, final String commandId) {
        return t.commandAead.seal(plaintext, commandId.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] secret() {
        final byte[] b = new byte[32];
        random.nextBytes(b);
        return b;
    }
}
