package io.otppipeline.schemas.crypto;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.otppipeline.schemas.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A set of 256-bit secret keys identified by key id ({@code kid}), loaded from a file (ARCHITECTURE
 * section 6: secrets come from files only). One key is active and seals or signs; the others still
 * open or verify what they sealed until they are removed from the file (rotation = add a key, make it
 * active, restart; remove the old key once nothing sealed with it is still live).
 *
 * <p>File format (JSON): {@code {"active": "k2", "keys": {"k1": "<base64 32 bytes>", "k2": "..."}}}
 *
 * @param active id of the key that seals new data
 * @param keys every usable key: kid to base64 of 32 random bytes
 */
public record Keyring(@JsonProperty("active") String active, @JsonProperty("keys") Map<String, String> keys) {

    private static final int KEY_BYTES = 32;

    /**
     * Validates that the active key exists and every key is 32 bytes.
     *
     * @throws IllegalArgumentException if not
     */
    public Keyring {
        keys = Map.copyOf(keys);
        if (!keys.containsKey(active)) {
            throw new IllegalArgumentException("keyring has no key for its active kid " + active);
        }
        keys.forEach((kid, value) -> {
            if (Base64.getDecoder().decode(value).length != KEY_BYTES) {
                throw new IllegalArgumentException("keyring key " + kid + " is not " + KEY_BYTES + " bytes");
            }
        });
    }

    /**
     * Reads a keyring file.
     *
     * @throws IllegalStateException if the file cannot be read or is not a valid keyring (the message
     *     names the file, never its content)
     */
    public static Keyring load(final Path file) {
        try {
            return Json.mapper().readValue(file.toFile(), Keyring.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read keyring " + file + ": " + e.getClass().getSimpleName());
        }
    }

    /** A new keyring holding one freshly generated key with id {@code kid}, from {@link SecureRandom}. */
    public static Keyring generate(final String kid) {
        final byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        final Map<String, String> keys = new LinkedHashMap<>();
        keys.put(kid, Base64.getEncoder().encodeToString(key));
        return new Keyring(kid, keys);
    }

    /**
     * Writes this keyring to {@code file}, readable by its owner only where the file system supports it.
     *
     * @throws IOException if the file cannot be written
     */
    public void write(final Path file) throws IOException {
        Secrets.writeOwnerOnly(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
    }

    /**
     * The raw bytes of key {@code kid}.
     *
     * @throws IllegalArgumentException if the keyring has no such key (retired or foreign)
     */
    public byte[] key(final String kid) {
        final String value = keys.get(kid);
        if (value == null) {
            throw new IllegalArgumentException("unknown key id " + kid);
        }
        return Base64.getDecoder().decode(value);
    }

    /**
     * A keyring of subkeys for another use of the same secret, one per kid: HKDF-Expand (RFC 5869 section
     * 2.3, SHA-256, one block) with each key as the pseudorandom key and {@code label} as info. Keeps one key
     * from serving two algorithms (for example AES-GCM sealing and HMAC fingerprints).
     *
     * @param label purpose of the subkeys, for example {@code otp-idempotency-v1}
     */
    public Keyring derive(final String label) {
        final Map<String, String> derived = new LinkedHashMap<>();
        keys.forEach((kid, value) -> derived.put(kid, Base64.getEncoder().encodeToString(
                hkdfExpand(Base64.getDecoder().decode(value), label.getBytes(StandardCharsets.UTF_8)))));
        return new Keyring(active, derived);
    }

    /**
     * HKDF-Expand of RFC 5869 section 2.3 with HMAC-SHA-256, for an output of one block: {@code T(1) =
     * HMAC(prk, info || 0x01)}, 32 bytes. Checked against RFC 5869 appendix A's test cases 1 and 3.
     *
     * @param prk  the pseudorandom key (here a keyring's key, already uniformly random)
     * @param info the context label's bytes; may be empty
     * @return the first 32 bytes of the output keying material
     */
    static byte[] hkdfExpand(final byte[] prk, final byte[] info) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            mac.update(info);
            mac.update((byte) 1);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "Keyring[active=" + active + ", kids=" + keys.keySet() + "]";
    }
}
