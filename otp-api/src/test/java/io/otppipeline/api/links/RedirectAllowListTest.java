package io.otppipeline.api.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otppipeline.runtime.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The magic-link redirect allow-list: exact origin and path prefix, no open redirect (OWASP). */
class RedirectAllowListTest {

    private final RedirectAllowList list = RedirectAllowList.from(Settings.of(Map.of(
            "api.magic.link.redirects.acme", "https://app.example.com/auth/, http://localhost:3000/",
            "api.magic.link.redirects.globex", "https://globex.example/callback")));

    @ParameterizedTest
    @ValueSource(strings = {"https://app.example.com/auth/callback", "https://app.example.com/auth/",
        "https://APP.example.com/auth/cb?state=x", "https://app.example.com:443/auth/cb", "http://localhost:3000/",
        "http://localhost:3000/welcome?next=1"})
    void shouldAllowWhenUrlIsUnderAnAllowedPrefix(final String url) {
        assertThat(list.allows("acme", url)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example/auth/", "//evil.example/auth/", "/auth/callback",
        "https://app.example.com@evil.example/auth/", "https://user:pw@app.example.com/auth/x",
        "https://app.example.com.evil.example/auth/", "http://app.example.com/auth/x", "https://app.example.com/authx",
        "https://app.example.com/admin", "https://app.example.com/auth/../admin", "https://app.example.com/auth/%2e%2e/admin",
        "https://app.example.com/auth/..%2Fadmin", "https://app.example.com\\@evil.example/auth/",
        "javascript:alert(1)", "data:text/html,x", "https://app.example.com:8443/auth/x", "https://app.example.com/auth/x#frag",
        "https://app.example.com/auth/\r\nLocation: https://evil.example/", "http://localhost:3001/", "",
        // issue 32: a path parameter that servlet containers strip (Tomcat and Jetty read "..;" as "..") and a
        // double-encoded dot that a proxy decodes once and the application once more
        "https://app.example.com/auth/..;/admin", "https://app.example.com/auth/.;x/../admin",
        "https://app.example.com/auth/%252e%252e/admin", "https://app.example.com/auth;x=1/cb"})
    void shouldRefuseWhenUrlLeavesTheAllowList(final String url) {
        assertThat(list.allows("acme", url)).as(url).isFalse();
    }

    @Test
    void shouldKeepTenantsApartWhenAnotherTenantsPrefixIsUsed() {
        assertThat(list.allows("globex", "https://app.example.com/auth/callback")).isFalse();
        assertThat(list.allows("globex", "https://globex.example/callback")).isTrue();
        assertThat(list.allows("globex", "https://globex.example/callback/deeper")).isTrue();
        assertThat(list.allows("initech", "https://globex.example/callback")).as("no list: nothing").isFalse();
    }

    @Test
    void shouldRefuseToStartWhenAPrefixIsNotAnAbsoluteUrl() {
        assertThatThrownBy(() -> RedirectAllowList.from(Settings.of(Map.of("api.magic.link.redirects.acme",
                "app.example.com/auth/")))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("api.magic.link.redirects.acme");
    }
}
