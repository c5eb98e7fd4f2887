package io.otppipeline.schemas.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM sealing with a {@link Keyring}: a random 96-bit nonce per message (NIST SP 800-38D
 * section 8.2.2), a 128-bit tag, and caller-supplied associated data that binds a ciphertext to its
 * context (a command id, an OTP id) so it cannot be replayed elsewhere. Thread-safe.
 */
public final class Aead {

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    /** Length of an AES-GCM nonce, in bytes (96 bits, NIST SP 800-38D section 8.2). */
    public static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /**
     * One {@link Cipher} per thread, initialised afresh for every message. {@code Cipher.getInstance} walks the
     * provider list on every call; under load that lookup cost more than the encryption itself (JFR of
     * otp-processor in {@code ./otp bench}: 65 % of the time in this class), so instances are reused.
     */
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(Aead::newCipher);

    private final Keyring keyring;
    private final SecureRandom random = new SecureRandom();

    /** Seals with {@code keyring}'s active key and opens with any of its keys. */
    public Aead(final Keyring keyring) {
        this.keyring = keyring;
    }

    /**
     * Encrypts {@code plaintext} under the active key.
     *
     * @param plaintext bytes to protect
     * @param associatedData bytes authenticated but not encrypted; the same bytes are needed to open
     * @return the sealed box
     */
    public SealedBox seal(final byte[] plaintext, final byte[] associatedData) {
        final byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        return seal(plaintext, associatedData, nonce);
    }

    /**
     * Encrypts {@code plaintext} under the active key with a nonce chosen by the caller, for a decision that must
     * produce the same bytes when it is taken again (docs/DESIGN-NOTES.md, "Deterministic decisions"). GCM's only
     * requirement is that one key never seals two different plaintexts under one nonce: derive the nonce from
     * secret, per-message entropy <em>and</em> the plaintext (NIST SP 800-38D section 8.2.2 allows any construction
     * that keeps nonces unique), never from a counter shared by several writers.
     *
     * @param nonce exactly 12 bytes
     * @throws IllegalArgumentException if the nonce is not 12 bytes long
     */
    public SealedBox seal(final byte[] plaintext, final byte[] associatedData, final byte[] nonce) {
        if (nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("an AES-GCM nonce is " + NONCE_BYTES + " bytes");
        }
        final String kid = keyring.active();
        try {
            final Cipher cipher = cipher(Cipher.ENCRYPT_MODE, kid, nonce, associatedData);
            final Base64.Encoder b64 = Base64.getEncoder();
            return new SealedBox(kid, b64.encodeToString(nonce), b64.encodeToString(cipher.doFinal(plaintext)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * Decrypts and authenticates a sealed box.
     *
     * @throws SealedBoxException if the key id is unknown, the box is malformed, or the tag does not
     *     match (wrong key, wrong associated data, or tampering)
     */
    public byte[] open(final SealedBox box, final byte[] associatedData) {
        try {
            final Base64.Decoder b64 = Base64.getDecoder();
            final Cipher cipher = cipher(Cipher.DECRYPT_MODE, box.kid(), b64.decode(box.nonce()), associatedData);
            return cipher.doFinal(b64.decode(box.ciphertext()));
        } catch (GeneralSecurityException | IllegalArgumentException | NullPointerException e) {
            throw new SealedBoxException("sealed box cannot be opened (" + e.getClass().getSimpleName() + ")");
        }
    }

    private Cipher cipher(final int mode, final String kid, final byte[] nonce, final byte[] associatedData)
            throws GeneralSecurityException {
        final SecretKeySpec key = new SecretKeySpec(keyring.key(kid), "AES");
        final GCMParameterSpec spec = new GCMParameterSpec(TAG_BITS, nonce);
        Cipher cipher = CIPHERS.get();
        try {
            cipher.init(mode, key, spec);
        } catch (InvalidAlgorithmParameterException e) {
            // The JDK refuses to encrypt twice in a row under one key and nonce on the same instance. That happens
            // only when a deterministic decision is taken again (the same plaintext, the same bytes out); a fresh
            // instance does it.
            cipher = newCipher();
            cipher.init(mode, key, spec);
        }
        cipher.updateAAD(associatedData);
        return cipher;
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }
}
