package io.otppipeline.processor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Hotp} against the test vectors of RFC 4226 Appendix D and RFC 6238 Appendix B. */
class HotpTest {

    private static final byte[] SEED20 = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEED32 = "12345678901234567890123456789012".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEED64 = ("1234567890123456789012345678901234567890123456789012345678901234")
            .getBytes(StandardCharsets.US_ASCII);

    @Test
    void shouldMatchRfc4226AppendixDWhenCountingFromZeroToNine() {
        final String[] expected = {"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489"};

        assertThat(IntStream.range(0, 10).mapToObj(c -> Hotp.code(SEED20, c, 6, "SHA1")).toList())
                .containsExactly(expected);
    }

    @ParameterizedTest(name = "T={0}s")
    @CsvSource({
        "59, 94287082, 46119246, 90693936",
        "1111111109, 07081804, 68084774, 25091201",
        "1111111111, 14050471, 67062674, 99943326",
        "1234567890, 89005924, 91819424, 93441116",
        "2000000000, 69279037, 90698825, 38618901",
        "20000000000, 65353130, 77737706, 47863826"
    })
    void shouldMatchRfc6238AppendixBWhenTimeIsAVectorsTime(final long unixSeconds, final String sha1,
                                                           final String sha256, final String sha512) {
        final long step = Hotp.step(unixSeconds * 1000, 30);

        assertThat(Hotp.code(SEED20, step, 8, "SHA1")).isEqualTo(sha1);
        assertThat(Hotp.code(SEED32, step, 8, "SHA256")).isEqualTo(sha256);
        assertThat(Hotp.code(SEED64, step, 8, "SHA512")).isEqualTo(sha512);
    }
}
