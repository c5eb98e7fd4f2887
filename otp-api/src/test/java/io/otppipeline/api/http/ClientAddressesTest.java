package io.otppipeline.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ClientAddresses}: forwarding headers are read only from trusted proxies, right to left (RFC 7239). */
class ClientAddressesTest {

    private final ClientAddresses proxies = new ClientAddresses(List.of("10.0.0.0/8", "fd00::/8", "192.0.2.60"));

    @Test
    void shouldKeepPeerWhenPeerIsNotTrustedWhateverItForwards() {
        assertThat(proxies.client("203.0.113.9", "for=198.51.100.1", "198.51.100.2")).isEqualTo("203.0.113.9");
        assertThat(ClientAddresses.NONE.client("10.0.0.5", "for=198.51.100.1", "198.51.100.2"))
                .as("no proxy configured").isEqualTo("10.0.0.5");
    }

    @Test
    void shouldTakeFirstUntrustedHopFromRightWhenPeerIsTrusted() {
        // RFC 7239 section 7.1's examples, behind two of our proxies
        assertThat(proxies.client("10.1.1.1", "for=198.51.100.17;proto=http, for=192.0.2.60", null))
                .isEqualTo("198.51.100.17");
        assertThat(proxies.client("10.1.1.1", "for=\"[2001:db8:cafe::17]:4711\"", null)).isEqualTo("2001:db8:cafe::17");
        assertThat(proxies.client("10.1.1.1", "For=\"192.0.2.43:47011\"", null)).isEqualTo("192.0.2.43");
        assertThat(proxies.client("10.1.1.1", "for=6.6.6.6, for=198.51.100.17", null))
                .as("a spoofed hop left of the client is not reached").isEqualTo("198.51.100.17");
    }

    @Test
    void shouldReadXForwardedForWhenNoForwardedHeader() {
        assertThat(proxies.client("fd00::1", null, "6.6.6.6, 198.51.100.17, 10.2.2.2")).isEqualTo("198.51.100.17");
        assertThat(proxies.client("10.1.1.1", null, null)).as("no header: the proxy itself").isEqualTo("10.1.1.1");
    }

    @Test
    void shouldStopAtLastTrustedHopWhenHopIsUnknownOrObfuscated() {
        assertThat(proxies.client("10.1.1.1", "for=unknown", null)).isEqualTo("10.1.1.1");
        assertThat(proxies.client("10.1.1.1", "for=198.51.100.17, for=_hidden, for=10.3.3.3", null))
                .isEqualTo("10.3.3.3");
        assertThat(proxies.client("10.1.1.1", null, "evil.example, 10.3.3.3")).isEqualTo("10.3.3.3");
    }

    @Test
    void shouldRefuseEntryWhenItIsNotAddressOrBlock() {
        assertThatThrownBy(() -> new ClientAddresses(List.of("proxy.internal")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("api.trusted.proxies: proxy.internal");
    }
}
