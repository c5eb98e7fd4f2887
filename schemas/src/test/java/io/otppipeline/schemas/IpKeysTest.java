package io.otppipeline.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.schemas.command.IpKeys;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link IpKeys}: literals only, never a resolver; IPv6 by its /64; refusals are empty, not guesses. */
class IpKeysTest {

    @ParameterizedTest
    @CsvSource({
        "203.0.113.7, 203.0.113.7",
        "0.0.0.0, 0.0.0.0",
        "2001:db8:1:2::1, 2001:db8:1:2:0:0:0:0/64",
        "2001:DB8:1:2:ffff:1:2:3, 2001:db8:1:2:0:0:0:0/64",
        "::ffff:198.51.100.9, 198.51.100.9"
    })
    void shouldKeyAddressWhenItIsALiteral(final String ip, final String key) {
        assertThat(IpKeys.key(ip, 64)).contains(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"999.1.1.1", "01.2.3.4", "1.2.3", ".::", "localhost", "bad.cafe", "fe80::1%eth0", "::g",
        "1.2.3.4.5", ""})
    void shouldRefuseWhenTextIsNotAnAddressLiteral(final String ip) {
        assertThat(IpKeys.key(ip, 64)).isEmpty();
    }
}
