package io.otppipeline.api.captcha;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.otppipeline.runtime.config.Settings;
import io.otppipeline.schemas.command.CaptchaVerdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Captchas} against a WireMock stand-in of each provider's documented siteverify call: a form POST of
 * {@code secret}, {@code response} and {@code remoteip}, answered {@code {"success": …, "error-codes": […]}}
 * (Cloudflare Turnstile, hCaptcha and Google reCAPTCHA document the same shape).
 */
class CaptchasTest {

    private static final String PATH = "/siteverify";

    @RegisterExtension
    static final WireMockExtension PROVIDER = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).build();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"turnstile", "hcaptcha", "recaptcha"})
    void shouldPassWhenProviderConfirmsToken(final String provider) throws Exception {
        PROVIDER.stubFor(post(PATH).willReturn(okJson("{\"success\":true,\"challenge_ts\":\"2026-12-07T10:00:00Z\","
                + "\"hostname\":\"app.example.com\",\"error-codes\":[]}")));

        assertThat(captchas(provider, "closed").verify("acme", "tok+en/1", "203.0.113.7"))
                .isEqualTo(CaptchaVerdict.PASSED);
        PROVIDER.verify(postRequestedFor(urlEqualTo(PATH))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
                .withRequestBody(equalTo("secret=s3cret-key&response=tok%2Ben%2F1&remoteip=203.0.113.7")));
    }

    @Test
    void shouldFailWhenProviderRefusesToken() throws Exception {
        PROVIDER.stubFor(post(PATH).willReturn(okJson("{\"success\":false,\"error-codes\":[\"timeout-or-duplicate\"]}")));

        assertThat(captchas("turnstile", "open").verify("acme", "used-token", null)).isEqualTo(CaptchaVerdict.FAILED);
    }

    @Test
    void shouldApplyTenantPolicyWhenProviderCannotBeAsked() throws Exception {
        PROVIDER.stubFor(post(PATH).willReturn(aResponse().withStatus(503)));
        assertThat(captchas("hcaptcha", "closed").verify("acme", "t", null)).isEqualTo(CaptchaVerdict.UNAVAILABLE);
        assertThat(captchas("hcaptcha", "open").verify("acme", "t", null)).isEqualTo(CaptchaVerdict.BYPASSED);

        PROVIDER.stubFor(post(PATH).willReturn(okJson("{\"success\":false,\"error-codes\":[\"invalid-input-secret\"]}")));
        assertThat(captchas("recaptcha", "closed").verify("acme", "t", null))
                .as("a secret the provider refuses is our fault, not the user's").isEqualTo(CaptchaVerdict.UNAVAILABLE);

        PROVIDER.stubFor(post(PATH).willReturn(aResponse().withStatus(200).withFixedDelay(1_500)
                .withBody("{\"success\":true}")));
        assertThat(captchas("turnstile", "open", 300).verify("acme", "t", null)).as("slower than the timeout")
                .isEqualTo(CaptchaVerdict.BYPASSED);

        PROVIDER.stubFor(post(PATH).willReturn(aResponse().withStatus(200).withBody("<html>captive portal</html>")));
        assertThat(captchas("turnstile", "closed").verify("acme", "t", null)).isEqualTo(CaptchaVerdict.UNAVAILABLE);
    }

    @Test
    void shouldAskNothingWhenTenantHasNoCaptchaOrRequestNoToken() throws Exception {
        final Captchas captchas = captchas("turnstile", "closed");

        assertThat(captchas.verify("globex", "t", null)).as("a tenant without CAPTCHA").isNull();
        assertThat(captchas.verify("acme", null, null)).isEqualTo(CaptchaVerdict.MISSING);
        assertThat(captchas.verify("acme", " ", null)).isEqualTo(CaptchaVerdict.MISSING);
        assertThat(PROVIDER.getAllServeEvents()).isEmpty();
    }

    @Test
    void shouldRefuseSettingsWhenProviderIsUnknownOrSecretMissing() {
        assertThatThrownBy(() -> Captchas.from(Settings.of(Map.of("api.captcha.acme.provider", "friendlycaptcha"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("turnstile, hcaptcha or recaptcha");
        assertThatThrownBy(() -> Captchas.from(Settings.of(Map.of("api.captcha.acme.provider", "turnstile"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("secrets.captcha.acme.file");
    }

    private Captchas captchas(final String provider, final String onOutage) throws Exception {
        return captchas(provider, onOutage, 10_000); // ample: a cold first call must not look like an outage
    }

    private Captchas captchas(final String provider, final String onOutage, final long timeoutMs) throws Exception {
        final Path secret = Files.writeString(dir.resolve("captcha-secret"), "s3cret-key\n");
        final Map<String, String> s = new HashMap<>();
        s.put("api.captcha.acme.provider", provider);
        s.put("secrets.captcha.acme.file", secret.toString());
        s.put("api.captcha.acme.on.outage", onOutage);
        s.put("api.captcha." + provider + ".url", PROVIDER.baseUrl() + PATH);
        s.put("api.captcha.timeout.ms", Long.toString(timeoutMs));
        return Captchas.from(Settings.of(s));
    }
}
