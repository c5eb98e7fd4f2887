package io.otppipeline.schemas.command;

import io.otppipeline.schemas.crypto.SealedBox;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The wire form of magic-link tokens and exchange codes: {@code v1.<kid>.<nonce>.<ciphertext>.<secret>}, the last
 * four parts base64url without padding. The first three name a {@link SealedBox}, sealed under the command keyring,
 * that holds the tenant, user and link id ({@link Route}), so that otp-api, which sees nothing but the URL, knows
 * which user's commands to publish; the secret (32 random bytes) is what the processor compares, as an HMAC, in
 * constant time. Neither part means anything without the other: a route alone proves nothing, a secret alone names
 * no user.
 */
public final class MagicLinkTokens {

    /** Associated data of a link token's route. */
    public static final String LINK_ROUTE = "otp-magic-link-route-v1";
    /** Associated data of an exchange code's route (so a link token never passes as an exchange code). */
    public static final String EXCHANGE_ROUTE = "otp-magic-link-exchange-v1";
    /** Longest accepted token, in characters (a keyring id of up to 64 characters, a route of up to 400 bytes). */
    public static final int MAX_LENGTH = 800;

    private static final Pattern PART = Pattern.compile("^[A-Za-z0-9_-]+$");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private MagicLinkTokens() {
    }

    /**
     * Who and what a token names.
     *
     * @param tenantId the tenant
     * @param userId the user
     * @param linkId the link (the otpId of its pending entry)
     */
    public record Route(String tenantId, String userId, String linkId) {

        /** The bytes sealed: the three fields separated by NUL. */
        public byte[] bytes() {
            return (tenantId + '\0' + userId + '\0' + linkId).getBytes(StandardCharsets.UTF_8);
        }

        /** The route of {@code bytes}, if they hold three NUL-separated fields. */
        public static Optional<Route> of(final byte[] bytes) {
            final String[] parts = new String(bytes, StandardCharsets.UTF_8).split("\0", -1);
            return parts.length == 3 ? Optional.of(new Route(parts[0], parts[1], parts[2])) : Optional.empty();
        }
    }

    /**
     * A parsed token.
     *
     * @param route the sealed route (open it with the command keyring and the right associated data)
     * @param secret the secret part as it appeared (base64url), which the processor compares
     */
    public record Parts(SealedBox route, String secret) {

        @Override
        public String toString() {
            return "Parts[redacted]";
        }
    }

    /** The token of {@code route} (sealed) and {@code secret} (32 bytes). */
    public static String format(final SealedBox route, final byte[] secret) {
        final Base64.Decoder std = Base64.getDecoder();
        return "v1." + route.kid() + "." + ENCODER.encodeToString(std.decode(route.nonce())) + "."
                + ENCODER.encodeToString(std.decode(route.ciphertext())) + "." + ENCODER.encodeToString(secret);
    }

    /** The secret part of a token as {@link #format} writes it. */
    public static String secretText(final byte[] secret) {
        return ENCODER.encodeToString(secret);
    }

    /** The parts of {@code token}, or empty when it is not a well-formed token (nothing is opened here). */
    public static Optional<Parts> parse(final String token) {
        if (token == null || token.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        final String[] p = token.split("\\.", -1);
        if (p.length != 5 || !"v1".equals(p[0]) || p[1].isEmpty() || p[1].length() > 64) {
            return Optional.empty();
        }
        for (int i = 2; i < 5; i++) {
            if (!PART.matcher(p[i]).matches()) {
                return Optional.empty();
            }
        }
        try {
            final Base64.Encoder std = Base64.getEncoder();
            final byte[] secret = DECODER.decode(p[4]);
            if (secret.length != 32) {
                return Optional.empty();
            }
            return Optional.of(new Parts(new SealedBox(p[1], std.encodeToString(DECODER.decode(p[2])),
                    std.encodeToString(DECODER.decode(p[3]))), p[4]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
