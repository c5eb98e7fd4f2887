package io.otppipeline.processor.domain;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HOTP (RFC 4226 section 5): HMAC of the 8-byte big-endian counter, dynamic truncation, the low decimal digits.
 * TOTP (RFC 6238 section 4) is HOTP of the time step {@code floor(unix seconds / X)}. Checked against both RFCs'
 * test vectors ({@code HotpTest}) and against {@code oathtool} ({@code AuthenticatorIT}).
 */
public final class Hotp {

    private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private Hotp() {
    }

    /**
     * The code for {@code counter}.
     *
     * @param secret the shared secret
     * @param algorithm {@code SHA1}, {@code SHA256} or {@code SHA512}
     * @param digits 6 to 8
     * @throws IllegalStateException if the JDK lacks the HMAC (never on a standard JDK)
     */
    public static String code(final byte[] secret, final long counter, final int digits, final String algorithm) {
        final byte[] hash;
        try {
            final Mac mac = Mac.getInstance("Hmac" + algorithm);
            mac.init(new SecretKeySpec(secret, "Hmac" + algorithm));
            hash = mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(counter).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Hmac" + algorithm + " unavailable", e);
        }
        final int offset = hash[hash.length - 1] & 0x0f;
        final int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
        return Digits.zeroPadded(binary % POWERS[digits], digits);
    }

    /** The TOTP time step of {@code epochMs} for a step of {@code periodSeconds}. */
    public static long step(final long epochMs, final int periodSeconds) {
        return Math.floorDiv(epochMs, periodSeconds * 1000L);
    }

    /** Whether {@code typed} equals {@code expected}, in time independent of where they differ. */
    static boolean matches(final String expected, final String typed) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                typed.getBytes(StandardCharsets.US_ASCII));
    }
}
