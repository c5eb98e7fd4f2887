package io.otppipeline.api.links;

import io.otppipeline.api.http.ClientAddresses;
import io.otppipeline.api.http.HttpAnswer;
import io.otppipeline.api.http.JsonBody;
import io.otppipeline.api.http.Problem;
import io.otppipeline.api.http.ProblemException;
import io.otppipeline.api.v1.CreateOtpRequest;
import io.otppipeline.api.v1.OtpRoutes;
import io.otppipeline.api.v1.ReplyAnswers;
import io.otppipeline.api.v1.RequestValidator;
import io.javalin.http.Context;
import io.otppipeline.schemas.command.ClientInfo;
import io.otppipeline.schemas.command.IdempotencyKey;
import io.otppipeline.schemas.command.MagicLink;
import io.otppipeline.schemas.command.MagicLinkConfirmRequested;
import io.otppipeline.schemas.command.MagicLinkExchangeRequested;
import io.otppipeline.schemas.command.MagicLinkOpened;
import io.otppipeline.schemas.command.MagicLinkTokens;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.crypto.Mac;
import io.otppipeline.schemas.crypto.SealedBox;
import io.otppipeline.schemas.crypto.SealedBoxException;
import io.otppipeline.schemas.reply.IssuedReply;
import io.otppipeline.schemas.reply.LinkConfirmedReply;
import io.otppipeline.schemas.reply.LinkExchangedReply;
import io.otppipeline.schemas.reply.LinkOpenedReply;
import io.otppipeline.schemas.reply.OtpReply;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Magic links over HTTP (docs/API.md, "Magic links"), built so that mail scanners cannot burn them:
 *
 * <ul>
 *   <li>{@code POST /v1/magic-links} {@code {userId, destination, purpose, redirectUrl, locale?, client?}}: the
 *       redirect URL must be in the tenant's allow-list ({@link RedirectAllowList}); the same rules as a code
 *       request; {@code 201 {linkId, expiresAt, destinationMasked}}.</li>
 *   <li>{@code GET /l/{token}}: consumes nothing. A live link shows the confirm page (and sets the form's cookie);
 *       anything else the neutral page, with the same status. {@code HEAD} answers the headers only and asks the
 *       processor nothing.</li>
 *   <li>{@code POST /l/{token}} (the page's form): the only step that consumes the link. The form token must match
 *       the browser's cookie ({@code SameSite=Strict}, so a form posted from another site has no cookie: login
 *       CSRF is refused with 403). Then {@code 303} to the redirect URL with {@code code=<exchange code>}, or the
 *       neutral page.</li>
 *   <li>{@code POST /v1/magic-links/exchange} {@code {code}}: the tenant's backend redeems the exchange code, once,
 *       within {@code otp.magic.link.exchange.seconds}: {@code 200 {status: approved, userId, purpose, linkId}},
 *       then {@code 409}.</li>
 * </ul>
 * Tokens and exchange codes are {@link MagicLinkTokens}: the route part is opened here with the command keyring,
 * the secret part is sealed into the command for the processor to compare. Neither is ever logged.
 */
public final class MagicLinkRoutes {

    /**
     * The form token's cookie: random per page view, bound to the form by an HMAC. Served over https it is
     * {@value #HOST_CSRF_COOKIE}: the {@code __Host-} prefix makes the browser refuse it unless it is {@code Secure},
     * set by this host with {@code Path=/} and no {@code Domain}, so a sibling subdomain cannot plant or overwrite it
     * (RFC 6265bis, "Cookie Name Prefixes"; OWASP CSRF Cheat Sheet). A browser refuses a {@code Secure} cookie from a
     * plain-http origin, so {@code ./otp local} over http keeps {@value #CSRF_COOKIE} on {@code /l/}.
     */
    static final String CSRF_COOKIE = "otp_link_csrf";
    static final String HOST_CSRF_COOKIE = "__Host-otp_link_csrf";
    private static final int MAX_PAGE_SECONDS = 900;

    private final OtpRoutes otp;
    private final Aead commandAead;
    private final Mac csrfMac;
    private final RedirectAllowList redirects;
    private final Supplier<String> baseUrl;
    private final ClientAddresses proxies;
    private final MagicLinkPages pages = new MagicLinkPages();
    private final SecureRandom random = new SecureRandom();

    /**
     * @param otp the code routes, whose authentication, validation and publishing these share
     * @param commandKeyring seals commands' secrets and opens tokens' routes; a derived subkey signs form tokens
     * @param baseUrl this API's public base URL ({@code api.public.base.url}), known once the server listens
     * @param proxies the reverse proxies whose forwarding headers name the browser ({@code api.trusted.proxies})
     */
    public MagicLinkRoutes(final OtpRoutes otp, final Keyring commandKeyring, final RedirectAllowList redirects,
                    final Supplier<String> baseUrl, final ClientAddresses proxies) {
        this.otp = otp;
        this.proxies = proxies;
        this.commandAead = new Aead(commandKeyring);
        this.csrfMac = new Mac(commandKeyring.derive("otp-link-csrf-v1"));
        this.redirects = redirects;
        this.baseUrl = baseUrl;
    }

    /** {@code POST /v1/magic-links}. */
    public void create(final Context ctx) {
        final String tenant = otp.authenticate(ctx).tenant();
        final CreateMagicLinkRequest typed = JsonBody.read(ctx, CreateMagicLinkRequest.class);
        final CreateOtpRequest body = RequestValidator.checked(new CreateOtpRequest(typed.userId(), "email",
                typed.destination(), typed.purpose(), typed.locale(), typed.client()));
        if (typed.redirectUrl() == null || !redirects.allows(tenant, typed.redirectUrl())) {
            throw new ProblemException(Problem.validation(List.of(new Problem.FieldError("redirectUrl",
                    "must start with one of this tenant's allowed redirect prefixes (api.magic.link.redirects)"))));
        }
        final IdempotencyKey key = otp.idempotency().read(ctx, "magic-link", tenant, typed);
        final OtpRequested code = otp.request(tenant, body, key);
        final OtpRequested link = new OtpRequested(code.commandId(), code.tenantId(), code.userId(), code.purpose(),
                code.channel(), code.locale(), code.client(), code.sentAt(), code.destination(), code.entropy(),
                code.idempotency(), code.ipVerdict(), new MagicLink(baseUrl.get(), typed.redirectUrl()));
        otp.answer(ctx, "magic-link", link, reply -> reply instanceof IssuedReply issued
                ? new HttpAnswer(201, issued.replayed() ? Map.of(ReplyAnswers.REPLAYED_HEADER, "true") : Map.of(),
                        new Created(issued.otpId(), issued.expiresAt(), issued.destinationMasked(),
                                issued.replayed() ? Boolean.TRUE : null))
                : ReplyAnswers.of(reply));
    }

    /**
     * {@code 201} body of {@code POST /v1/magic-links}.
     *
     * @param linkId id of the new link (the {@code otpId} in events; cancel and status use it as one)
     * @param expiresAt when the link stops working (RFC 3339)
     * @param destinationMasked masked address
     * @param replayed {@code true} for a replayed decision, else absent
     */
    record Created(String linkId, Instant expiresAt, String destinationMasked, Boolean replayed) {
    }

    /** {@code HEAD /l/{token}}: headers only; the processor is not asked and nothing is counted. */
    public void head(final Context ctx) {
        pages.headers(ctx, null);
        ctx.status(200).contentType("text/html; charset=utf-8");
    }

    /** {@code GET /l/{token}}: the confirm page for a live link, the neutral page otherwise. */
    public void open(final Context ctx) {
        final String token = ctx.pathParam("token");
        final Optional<Route> route = route(token, MagicLinkTokens.LINK_ROUTE);
        if (route.isEmpty()) {
            pages.neutral(ctx, 200);
            return;
        }
        final String commandId = UUID.randomUUID().toString();
        final Route r = route.get();
        otp.decide(ctx, "link-open", new MagicLinkOpened(commandId, r.ids().tenantId(), r.ids().userId(),
                r.ids().linkId(), seal(r.secret(), commandId), client(ctx), Instant.now()), reply -> {
            if (reply instanceof LinkOpenedReply opened && opened.live()) {
                final String cookie = MagicLinkTokens.secretText(randomBytes());
                ctx.header("Set-Cookie", (secure() ? HOST_CSRF_COOKIE + "=" + cookie + "; Path=/; Secure"
                        : CSRF_COOKIE + "=" + cookie + "; Path=/l/") + "; Max-Age=" + MAX_PAGE_SECONDS
                        + "; HttpOnly; SameSite=Strict");
                pages.confirm(ctx, token, formToken(cookie, token), opened.redirectUrl());
            } else {
                pages.neutral(ctx, 200);
            }
        }, error -> pages.neutral(ctx, 503));
    }

    /** {@code POST /l/{token}}: consumes the link and redirects with an exchange code. */
    public void confirm(final Context ctx) {
        final String token = ctx.pathParam("token");
        final String cookie = ctx.cookie(secure() ? HOST_CSRF_COOKIE : CSRF_COOKIE);
        final String form = ctx.formParam("csrf");
        if (cookie == null || form == null || !MessageDigest.isEqual(form.getBytes(StandardCharsets.US_ASCII),
                formToken(cookie, token).getBytes(StandardCharsets.US_ASCII))) {
            pages.neutral(ctx, 403); // not from the page this browser was shown (login CSRF), or no cookie
            return;
        }
        final Optional<Route> route = route(token, MagicLinkTokens.LINK_ROUTE);
        if (route.isEmpty()) {
            pages.neutral(ctx, 200);
            return;
        }
        final Route r = route.get();
        final String commandId = UUID.randomUUID().toString();
        final byte[] exchange = randomBytes();
        final String exchangeCode = MagicLinkTokens.format(commandAead.seal(new MagicLinkTokens.Route(
                r.ids().tenantId(), r.ids().userId(), r.ids().linkId()).bytes(),
                MagicLinkTokens.EXCHANGE_ROUTE.getBytes(StandardCharsets.UTF_8)), exchange);
        final ClientInfo client = client(ctx);
        otp.decide(ctx, "link-confirm", new MagicLinkConfirmRequested(commandId, r.ids().tenantId(),
                r.ids().userId(), r.ids().linkId(), seal(r.secret(), commandId),
                seal(MagicLinkTokens.secretText(exchange), commandId), client, Instant.now(),
                otp.failureVerdict(r.ids().tenantId(), client)), reply -> {
            if (reply instanceof LinkConfirmedReply confirmed && confirmed.redirectUrl() != null
                    && redirects.allows(r.ids().tenantId(), confirmed.redirectUrl())) {
                pages.headers(ctx, null);
                if (secure()) {
                    ctx.header("Set-Cookie", HOST_CSRF_COOKIE + "=; Path=/; Secure; Max-Age=0; HttpOnly; "
                            + "SameSite=Strict");
                } else {
                    ctx.removeCookie(CSRF_COOKIE, "/l/");
                }
                ctx.status(303).header("Location", confirmed.redirectUrl()
                        + (confirmed.redirectUrl().contains("?") ? "&" : "?") + "code=" + exchangeCode);
            } else {
                pages.neutral(ctx, 200);
            }
        }, error -> pages.neutral(ctx, 503));
    }

    /** {@code POST /v1/magic-links/exchange}. */
    public void exchange(final Context ctx) {
        final String tenant = otp.authenticate(ctx).tenant();
        final ExchangeRequest body = JsonBody.read(ctx, ExchangeRequest.class);
        final Optional<Route> route = route(body.code(), MagicLinkTokens.EXCHANGE_ROUTE)
                .filter(r -> r.ids().tenantId().equals(tenant)); // another tenant's code is just not redeemable
        if (route.isEmpty()) {
            throw new ProblemException(Problem.of(409, "exchange-code-used", "Exchange code not redeemable",
                    "The exchange code was redeemed already, expired, or is not this tenant's."));
        }
        final Route r = route.get();
        final IdempotencyKey key = otp.idempotency().read(ctx, "magic-link-exchange", tenant, body);
        final String commandId = UUID.randomUUID().toString();
        otp.answer(ctx, "magic-link-exchange", new MagicLinkExchangeRequested(commandId, tenant, r.ids().userId(),
                r.ids().linkId(), seal(r.secret(), commandId), null, Instant.now(), key),
                reply -> reply instanceof LinkExchangedReply exchanged
                        ? ReplyAnswers.exchanged(exchanged, r.ids().userId()) : ReplyAnswers.of(reply));
    }

    /**
     * Body of {@code POST /v1/magic-links}.
     *
     * @param userId the tenant's user id
     * @param destination e-mail address (magic links are mailed only)
     * @param purpose purpose name
     * @param redirectUrl where the confirm step sends the browser; must match the tenant's allow-list
     * @param locale BCP 47 tag for the mail, or {@code null}
     * @param client the end user's client, or {@code null}
     */
    record CreateMagicLinkRequest(String userId, String destination, String purpose, String redirectUrl,
                                  String locale, ClientInfo client) {
        @Override
        public String toString() {
            return "CreateMagicLinkRequest[userId=" + userId + ", purpose=" + purpose + "]";
        }
    }

    /**
     * Body of {@code POST /v1/magic-links/exchange}.
     *
     * @param code the exchange code from the redirect's {@code code} parameter
     */
    record ExchangeRequest(String code) {
        @Override
        public String toString() {
            return "ExchangeRequest[redacted]";
        }
    }

    /** What a token names, opened, and its secret part. */
    private record Route(MagicLinkTokens.Route ids, String secret) {
    }

    private Optional<Route> route(final String token, final String associatedData) {
        final Optional<MagicLinkTokens.Parts> parts = MagicLinkTokens.parse(token);
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        try {
            return MagicLinkTokens.Route.of(commandAead.open(parts.get().route(),
                    associatedData.getBytes(StandardCharsets.UTF_8)))
                    .map(ids -> new Route(ids, parts.get().secret()));
        } catch (SealedBoxException e) {
            return Optional.empty();
        }
    }

    /** HMAC of the cookie and the token, base64url (it goes into HTML and a form body unescaped). */
    private String formToken(final String cookie, final String token) {
        return MagicLinkTokens.secretText(csrfMac.tag(csrfMac.activeKid(), cookie, token));
    }

    private SealedBox seal(final String secret, final String commandId) {
        return commandAead.seal(secret.getBytes(StandardCharsets.UTF_8), commandId.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether browsers reach the pages over https ({@code api.public.base.url}): then the cookie is {@code __Host-}. */
    private boolean secure() {
        return baseUrl.get().startsWith("https:");
    }

    private byte[] randomBytes() {
        final byte[] b = new byte[32];
        random.nextBytes(b);
        return b;
    }

    /**
     * The browser as events record it (the link pages are fetched by the end user directly, not by a backend): its
     * address, behind trusted proxies the one they forward ({@link ClientAddresses}), and its user agent, at most 512
     * characters, without control
     * characters (C0, DEL, C1) and format characters (bidi overrides and isolates, zero-width characters), which a
     * page's visitor chooses freely and which would reorder or hide text where an analyst reads the event (issue 32;
     * the API's own {@code client.userAgent} is refused with such characters, {@code RequestValidator}).
     */
    ClientInfo client(final Context ctx) {
        return new ClientInfo(proxies.client(ctx.ip(), ctx.header("Forwarded"), ctx.header("X-Forwarded-For")),
                printable(ctx.userAgent()));
    }

    static String printable(final String agent) {
        if (agent == null) {
            return null;
        }
        final StringBuilder kept = new StringBuilder(Math.min(agent.length(), 512));
        agent.codePoints().filter(c -> {
            final int type = Character.getType(c);
            return type != Character.CONTROL && type != Character.FORMAT && type != Character.SURROGATE
                    && type != Character.UNASSIGNED && type != Character.PRIVATE_USE;
        }).limit(512).forEach(kept::appendCodePoint);
        return kept.toString();
    }
}
