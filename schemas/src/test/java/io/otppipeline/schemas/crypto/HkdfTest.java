package io.otppipeline.schemas.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Keyring#derive}'s HKDF-Expand (RFC 5869 section 2.3, HMAC-SHA-256, one 32-byte block) against the RFC's
 * own test vectors (appendix A): the first 32 bytes of each case's OKM, from its PRK and info.
 */
class HkdfTest {

    private static final HexFormat HEX = HexFormat.of();

    /** RFC 5869 A.1, "Basic test case with SHA-256": info 0xf0…0xf9. */
    @Test
    void shouldMatchRfc5869TestCase1WhenInfoIsGiven() {
        final byte[] prk = HEX.parseHex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
        final byte[] info = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9");

        assertThat(HEX.formatHex(Keyring.hkdfExpand(prk, info)))
                .isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf");
    }

    /** RFC 5869 A.3, "zero-length salt/info", through the public {@link Keyring#derive} with an empty label. */
    @Test
    void shouldMatchRfc5869TestCase3WhenKeyringDerivesWithEmptyLabel() {
        final byte[] prk = HEX.parseHex("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
        final Keyring keyring = new Keyring("k1", Map.of("k1", java.util.Base64.getEncoder().encodeToString(prk)));

        assertThat(HEX.formatHex(keyring.derive("").key("k1")))
                .isEqualTo("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d");
    }
}
