package io.otppipeline.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.schemas.command.IpKeys;
import io.otppipeline.schemas.command.IpVerdict;
import org.junit.jupiter.api.Test;
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

    @Test
    void shouldGiveSlash64AndSlash48WhenAddressIsIpv6AndWidePrefixIsShorter() {
        assertThat(IpKeys.keys("2001:db8:1:2::9", 64, 48))
                .containsExactly("2001:db8:1:2:0:0:0:0/64", "2001:db8:1:0:0:0:0:0/48");
        assertThat(IpKeys.keys("203.0.113.7", 64, 48)).as("IPv4: one key").containsExactly("203.0.113.7");
        assertThat(IpKeys.keys("2001:db8:1:2::9", 64, 0)).as("wide prefix off").hasSize(1);
        assertThat(IpKeys.keys("2001:db8:1:2::9", 48, 64)).as("not wider").containsExactly("2001:db8:1:0:0:0:0:0/48");
        assertThat(IpKeys.keys("example.com", 64, 48)).isEmpty();
        assertThat(IpKeys.isWide("2001:db8:1:0:0:0:0:0/48", 48)).isTrue();
        assertThat(IpKeys.isWide("2001:db8:1:2:0:0:0:0/64", 48)).isFalse();
    }

    @Test
    void shouldBlockAndChallengeAsLongAsEitherVerdictSaysWhenAddressHasTwo() {
        final IpVerdict slash64 = new IpVerdict("a/64", 0, 5_000);
        final IpVerdict slash48 = new IpVerdict("a/48", 9_000, 9_000);

        assertThat(IpVerdict.strongest(slash64, slash48)).isEqualTo(new IpVerdict("a/48", 9_000, 9_000));
        assertThat(IpVerdict.strongest(new IpVerdict("a/64", 3_000, 12_000), slash48))
                .isEqualTo(new IpVerdict("a/48", 9_000, 12_000));
        assertThat(IpVerdict.strongest(null, slash64)).isSameAs(slash64);
        assertThat(IpVerdict.strongest(slash64, null)).isSameAs(slash64);
        assertThat(IpVerdict.strongest(null, null)).isNull();
    }
}
