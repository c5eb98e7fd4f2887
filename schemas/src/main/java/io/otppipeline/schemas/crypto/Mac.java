package io.otppipeline.schemas.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA-256 under a {@link Keyring} (the "pepper"): what the processor stores instead of a code, and
 * the keyed hash of destinations. Verification is constant-time ({@link MessageDigest#isEqual}).
 */
public final class Mac {

    private static final String ALGORITHM = "HmacSHA256";

    /** One instance per thread, re-keyed per call: {@code Mac.getInstance} walks the provider list each time. */
    private static final ThreadLocal<javax.crypto.Mac> MACS = ThreadLocal.withInitial(() -> {
        try {
            return javax.crypto.Mac.getInstance(ALGORITHM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    });

    private final Keyring keyring;

    /** Signs with {@code keyring}'s active key; verifies with any of its keys. */
    public Mac(final Keyring keyring) {
        this.keyring = keyring;
    }

    /** Id of the key {@link #sign} uses. */
    public String activeKid() {
        return keyring.active();
    }

    /**
     * HMAC-SHA-256 of the UTF-8 bytes of {@code parts}, each followed by a 0x00 separator so that
     * ("ab","c") and ("a","bc") differ.
     *
     * @return base64 of the 32-byte tag
     */
    public String sign(final String kid, final String... parts) {
        return Base64.getEncoder().encodeToString(raw(kid, parts));
    }

    /**
     * Constant-time check that {@code expectedBase64} is the tag of {@code parts} under key {@code kid}.
     *
     * @return {@code false} also when {@code kid} is no longer in the keyring
     */
    public boolean verify(final String kid, final String expectedBase64, final String... parts) {
        final byte[] expected;
        try {
            expected = Base64.getDecoder().decode(expectedBase64);
            return MessageDigest.isEqual(expected, raw(kid, parts));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The raw 32-byte HMAC-SHA-256 tag of {@code parts} (same encoding as {@link #sign}), for deriving values
     * such as a code from secret entropy.
     *
     * @throws IllegalArgumentException if {@code kid} is not in the keyring
     */
    public byte[] tag(final String kid, final String... parts) {
        return raw(kid, parts);
    }

    private byte[] raw(final String kid, final String... parts) {
        try {
            final javax.crypto.Mac mac = MACS.get();
            mac.init(new SecretKeySpec(keyring.key(kid), ALGORITHM));
            for (String part : parts) {
                mac.update(part.getBytes(StandardCharsets.UTF_8));
                mac.update((byte) 0);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
