package io.otppipeline.processor.domain;

import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Mac;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;

/**
 * Everything a request's decision would otherwise draw at random, derived from the 32 bytes of entropy that
 * otp-api drew and sealed into the command ({@link io.otppipeline.schemas.command.OtpRequested#entropy()}), so
 * that the same command decided twice gives the same otpId, code and sealed delivery.
 *
 * <ul>
 *   <li>otpId: SHA-256("otp-id" ‖ 0x00 ‖ entropy), first 16 bytes as an RFC 9562 version 8 UUID. It goes into
 *       replies, so it depends on no key: a key rotated between an aborted transaction and its retry must not
 *       change an answer a client may already have seen.</li>
 *   <li>code: HMAC-SHA-256 under {@link DecisionKeys#codeDerivation()} of ("otp-code", command id, entropy,
 *       block counter), read as unsigned 32-bit words with rejection sampling: a word at or above the largest
 *       multiple of 10^digits below 2^32 is skipped, so every code is equally likely (no modulo bias; OWASP,
 *       NIST SP 800-63B section 5.1.3).</li>
 *   <li>AES-GCM nonce of the delivery record: SHA-256("delivery-nonce" ‖ 0x00 ‖ entropy ‖ plaintext), first 12
 *       bytes: unique per command and per plaintext, so the delivery key never seals two different plaintexts
 *       under one nonce, even if the code changed because the pepper key was rotated between an aborted
 *       transaction and its re-processing (a synthetic nonce, as in AES-GCM-SIV, RFC 8452).</li>
 * </ul>
 */
final class CodeDerivation {

    private static final long WORDS = 1L << 32;

    /** One digest per thread: {@code MessageDigest.getInstance} walks the provider list on every call (as in {@code Mac}). */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    });

    private CodeDerivation() {
    }

    /** The otpId of the code a request with {@code entropy} issues. */
    static String otpId(final byte[] entropy) {
        final ByteBuffer b = ByteBuffer.wrap(sha256("otp-id", entropy));
        final long high = (b.getLong() & ~0xF000L) | 0x8000L;                     // version 8
        final long low = (b.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // variant 10
        return new UUID(high, low).toString();
    }

    /**
     * A uniform code of {@code digits} digits.
     *
     * @param digits 6 to 9
     */
    static String code(final Mac key, final String commandId, final byte[] entropy, final int digits) {
        final long bound = pow10(digits);
        final long limit = WORDS - WORDS % bound;
        final String seed = Base64.getEncoder().encodeToString(entropy);
        for (int block = 0; ; block++) {
            final ByteBuffer words = ByteBuffer.wrap(key.tag(key.activeKid(), "otp-code", commandId, seed,
                    Integer.toString(block)));
            while (words.hasRemaining()) {
                final long word = words.getInt() & 0xFFFFFFFFL;
                if (word < limit) {
                    return Digits.zeroPadded(word % bound, digits);
                }
            }
        }
    }

    /**
     * The 32-byte secret of a magic link's token: HMAC-SHA-256 under the code-derivation key over
     * {@code "otp-magic-link"}, the command id and the entropy; like a code, it needs a processor-only key.
     */
    static byte[] linkSecret(final Mac key, final String commandId, final byte[] entropy) {
        return key.tag(key.activeKid(), "otp-magic-link", commandId, Base64.getEncoder().encodeToString(entropy));
    }

    /** The AES-GCM nonce for sealing a link token's route: derived, so deciding again writes the same token. */
    static byte[] routeNonce(final byte[] entropy) {
        return Arrays.copyOf(sha256("link-route-nonce", entropy), Aead.NONCE_BYTES);
    }

    /** The AES-GCM nonce for sealing {@code plaintext}, the delivery secret of a request with {@code entropy}. */
    static byte[] deliveryNonce(final byte[] entropy, final byte[] plaintext) {
        return Arrays.copyOf(sha256("delivery-nonce", entropy, plaintext), Aead.NONCE_BYTES);
    }

    private static long pow10(final int digits) {
        long p = 1;
        for (int i = 0; i < digits; i++) {
            p *= 10;
        }
        return p;
    }

    private static byte[] sha256(final String label, final byte[]... parts) {
        final MessageDigest digest = SHA256.get();
        digest.reset();
        digest.update(label.getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) 0);
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }
}
