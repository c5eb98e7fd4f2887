package io.otppipeline.api.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.crypto.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The API keys file: only SHA-256 hashes of keys, each bound to one tenant (docs/ARCHITECTURE.md section 6). Keys
 * are 256-bit random tokens ({@code otpk_} + base64url), so a fast unsalted hash is enough: there is no
 * dictionary to search. Lookup compares every hash in constant time.
 *
 * <p>File format (JSON): {@code {"keys": [{"id": "demo-1", "tenant": "demo", "sha256": "<hex>",
 * "scopes": ["admin"]}]}}; {@code scopes} is optional (none by default). A key without the {@link #ADMIN}
 * scope can request and verify codes; only an admin key can unlock users.
 *
 * @param keys the registered keys
 */
public record ApiKeys(@JsonProperty("keys") List<Entry> keys) {

    /** Scope of keys that may use the administrative routes ({@code POST /v1/users/{userId}/unlock}). */
    public static final String ADMIN = "admin";

    private static final Pattern TENANT = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,62}$");
    private static final String PREFIX = "otpk_";

    /**
     * One key.
     *
     * @param id name of the key, for logs and rotation (not secret)
     * @param tenant tenant the key acts for; lower case letters, digits, {@code _} and {@code -}
     * @param sha256 lower-case hex SHA-256 of the whole key string
     * @param scopes extra rights, for example {@link #ADMIN}; empty when absent
     */
    public record Entry(String id, String tenant, String sha256, List<String> scopes) {

        /** @throws IllegalArgumentException if the tenant id is not valid */
        public Entry {
            if (tenant == null || !TENANT.matcher(tenant).matches()) {
                throw new IllegalArgumentException("api key " + id + " has an invalid tenant id");
            }
            scopes = scopes == null ? List.of() : List.copyOf(scopes);
        }

        /** Whether this key has {@code scope}. */
        public boolean hasScope(final String scope) {
            return scopes.contains(scope);
        }
    }

    /** A new plaintext key and its file entry. The plaintext is shown to the operator once, never stored here. */
    public record Issued(String plaintext, Entry entry) {

        @Override
        public String toString() {
            return "Issued[" + entry.id() + "]";
        }
    }

    /** Defensive copy. */
    public ApiKeys {
        keys = List.copyOf(keys);
    }

    /**
     * Reads the keys file.
     *
     * @throws IllegalStateException if it cannot be read or parsed (message names the file only)
     */
    public static ApiKeys load(final Path file) {
        try {
            return Json.mapper().readValue(file.toFile(), ApiKeys.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read API keys file " + file + ": " + e.getClass().getSimpleName());
        }
    }

    /** A new random key for {@code tenant} with name {@code id} and {@code scopes}. */
    public static Issued issue(final String id, final String tenant, final String... scopes) {
        final byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        final String plaintext = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new Issued(plaintext, new Entry(id, tenant, sha256Hex(plaintext), List.of(scopes)));
    }

    /**
     * Writes this file with owner-only permissions.
     *
     * @throws IOException if it cannot be written
     */
    public void write(final Path file) throws IOException {
        Secrets.writeOwnerOnly(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
    }

    /** The key's entry if {@code presented} is a registered key; every entry is compared in constant time. */
    public Optional<Entry> authenticate(final String presented) {
        if (presented == null || !presented.startsWith(PREFIX)) {
            return Optional.empty();
        }
        final byte[] hash = sha256Hex(presented).getBytes(StandardCharsets.US_ASCII);
        Entry match = null;
        for (Entry entry : keys) {
            if (MessageDigest.isEqual(hash, entry.sha256().getBytes(StandardCharsets.US_ASCII))) {
                match = entry;
            }
        }
        return Optional.ofNullable(match);
    }

    private static String sha256Hex(final String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
