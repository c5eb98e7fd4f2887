package io.otppipeline.api.captcha;

import com.fasterxml.jackson.databind.JsonNode;
import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.Settings;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.CaptchaVerdict;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each tenant's CAPTCHA, checked by otp-api before a code request or a verification is published, so that the
 * verdict travels in the command ({@link CaptchaVerdict}) and the processor's decision stays deterministic (seed 001:
 * "add CAPTCHA after multiple failed attempts"). Three providers, all through their documented "siteverify" call: a
 * form POST of {@code secret}, {@code response} (the token) and {@code remoteip}, answered with JSON whose
 * {@code success} says whether the token is good and {@code error-codes} why not (Cloudflare Turnstile, "Validate the
 * token"; hCaptcha, "Verify the user response server side"; Google reCAPTCHA, "Verifying the user's response").
 *
 * <p>A provider that cannot be asked (no answer within {@link #TIMEOUT_MS}, a 5xx, an answer that is not JSON, or an
 * error code that blames our request rather than the token: a refused secret, {@code internal-error}) is an outage:
 * the tenant's {@link #ON_OUTAGE} policy decides, {@code closed} (the default: refused while a challenge is due) or
 * {@code open} (admitted, and other limits still apply). Secrets come only from files. A tenant with no provider gets
 * no verdict, and its {@code challengeRequired} stays a hint.
 */
public final class Captchas {

    private static final Logger LOG = LoggerFactory.getLogger(Captchas.class);

    public static final Setting<String> PROVIDER = Setting.string("api.captcha.<tenant>.provider", null,
            "the tenant's CAPTCHA provider: turnstile, hcaptcha or recaptcha; unset: no CAPTCHA, challengeRequired "
                    + "is a hint only");
    public static final Setting<Path> SECRET_FILE = Setting.path("secrets.captcha.<tenant>.file",
            "file holding the tenant's CAPTCHA secret key (the provider's server-side secret)");
    public static final Setting<String> ON_OUTAGE = Setting.string("api.captcha.<tenant>.on.outage", "closed",
            "when the provider cannot be asked: closed (refuse while a challenge is due) or open (admit)");
    public static final Setting<String> TURNSTILE_URL = Setting.string("api.captcha.turnstile.url",
            "https://challenges.cloudflare.com/turnstile/v0/siteverify", "Cloudflare Turnstile's siteverify URL");
    public static final Setting<String> HCAPTCHA_URL = Setting.string("api.captcha.hcaptcha.url",
            "https://api.hcaptcha.com/siteverify", "hCaptcha's siteverify URL");
    public static final Setting<String> RECAPTCHA_URL = Setting.string("api.captcha.recaptcha.url",
            "https://www.google.com/recaptcha/api/siteverify", "Google reCAPTCHA's siteverify URL");
    public static final Setting<Long> TIMEOUT_MS = Setting.integer("api.captcha.timeout.ms", 3000, "milliseconds",
            "the longest otp-api waits for a provider's answer; longer is an outage").check(Setting.atLeast(1),
            "at least 1");

    /** Every setting above. */
    public static final List<Setting<?>> SETTINGS = List.of(PROVIDER, SECRET_FILE, ON_OUTAGE, TURNSTILE_URL,
            HCAPTCHA_URL, RECAPTCHA_URL, TIMEOUT_MS);

    /** No tenant uses a CAPTCHA. */
    public static final Captchas NONE = new Captchas(Map.of(), 3000);

    /** Error codes that blame the request, not the token: the provider is unusable for us (an outage). */
    private static final Set<String> OUR_FAULT = Set.of("missing-input-secret", "invalid-input-secret",
            "sitekey-secret-mismatch", "invalid-or-already-seen-secret", "internal-error", "bad-request",
            "not-using-dummy-secret");

    /**
     * One tenant's CAPTCHA.
     *
     * @param url the provider's siteverify URL
     * @param secret the provider's secret key
     * @param failOpen whether a provider outage admits ({@code open}) rather than refuses
     */
    public record Tenant(URI url, String secret, boolean failOpen) {

        @Override
        public String toString() {
            return "Tenant[url=" + url + ", failOpen=" + failOpen + "]"; // never the secret
        }
    }

    private final Map<String, Tenant> tenants;
    private final long timeoutMs;
    private final HttpClient http;

    /**
     * @param tenants each tenant's provider, by tenant id
     * @param timeoutMs {@link #TIMEOUT_MS}
     */
    public Captchas(final Map<String, Tenant> tenants, final long timeoutMs) {
        this.tenants = Map.copyOf(tenants);
        this.timeoutMs = timeoutMs;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(timeoutMs)).build();
    }

    /**
     * Reads the settings above for every tenant with {@code api.captcha.<tenant>.provider}.
     *
     * @throws IllegalStateException naming a provider that is not one of the three, a missing or unreadable secret
     *     file, or an outage policy other than {@code open} and {@code closed}
     */
    public static Captchas from(final Settings s) {
        final Map<String, Tenant> tenants = new TreeMap<>();
        final String prefix = "api.captcha.";
        for (String key : s.keysStartingWith(prefix)) {
            if (!key.endsWith(".provider")) {
                continue;
            }
            final String tenant = key.substring(prefix.length(), key.length() - ".provider".length());
            final String provider = PROVIDER.read(s, tenant, null).strip().toLowerCase(Locale.ROOT);
            final String url = switch (provider) {
                case "turnstile" -> TURNSTILE_URL.read(s);
                case "hcaptcha" -> HCAPTCHA_URL.read(s);
                case "recaptcha" -> RECAPTCHA_URL.read(s);
                default -> throw new IllegalStateException(key + " must be turnstile, hcaptcha or recaptcha");
            };
            final Path file = SECRET_FILE.read(s, tenant, null);
            if (file == null) {
                throw new IllegalStateException("missing setting " + SECRET_FILE.key(tenant) + " (" + key + " is set)");
            }
            final String secret;
            try {
                secret = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalStateException(SECRET_FILE.key(tenant) + ": cannot read " + file, e);
            }
            final String policy = ON_OUTAGE.read(s, tenant, "closed").strip();
            if (!policy.equals("open") && !policy.equals("closed")) {
                throw new IllegalStateException(ON_OUTAGE.key(tenant) + " must be open or closed");
            }
            tenants.put(tenant, new Tenant(URI.create(url), secret, policy.equals("open")));
        }
        return new Captchas(tenants, TIMEOUT_MS.read(s));
    }

    /**
     * The verdict on {@code token} for a request of {@code tenantId}; blocks for at most about twice
     * {@link #TIMEOUT_MS} (connect, then answer).
     *
     * @param token the request's {@code captchaToken}, or {@code null}
     * @param remoteIp the end user's address if the caller sent one (passed on as {@code remoteip}), or {@code null}
     * @return {@code null} when the tenant uses no CAPTCHA; {@link CaptchaVerdict#MISSING} without a token; else what
     *     the provider said, an outage turned into {@code BYPASSED} or {@code UNAVAILABLE} by the tenant's policy
     */
    public CaptchaVerdict verify(final String tenantId, final String token, final String remoteIp) {
        final Tenant tenant = tenants.get(tenantId);
        if (tenant == null) {
            return null;
        }
        if (token == null || token.isBlank()) {
            return CaptchaVerdict.MISSING;
        }
        final StringBuilder form = new StringBuilder("secret=").append(encode(tenant.secret()))
                .append("&response=").append(encode(token));
        if (remoteIp != null) {
            form.append("&remoteip=").append(encode(remoteIp));
        }
        try {
            final HttpResponse<String> answer = http.send(HttpRequest.newBuilder(tenant.url())
                    .timeout(Duration.ofMillis(timeoutMs))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                return outage(tenantId, tenant, "HTTP " + answer.statusCode());
            }
            final JsonNode body = Json.mapper().readTree(answer.body());
            if (body.path("success").asBoolean(false)) {
                return CaptchaVerdict.PASSED;
            }
            for (JsonNode code : body.path("error-codes")) {
                if (OUR_FAULT.contains(code.asText())) {
                    return outage(tenantId, tenant, "error code " + code.asText());
                }
            }
            return CaptchaVerdict.FAILED;
        } catch (IOException e) {
            return outage(tenantId, tenant, e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return outage(tenantId, tenant, "interrupted");
        }
    }

    private static CaptchaVerdict outage(final String tenantId, final Tenant tenant, final String why) {
        LOG.warn("CAPTCHA provider of tenant {} could not be asked ({}); failing {}", tenantId, why,
                tenant.failOpen() ? "open" : "closed");
        return tenant.failOpen() ? CaptchaVerdict.BYPASSED : CaptchaVerdict.UNAVAILABLE;
    }

    private static String encode(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
