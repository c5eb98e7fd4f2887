package io.otppipeline.processor;

import java.util.Locale;

/**
 * Keys of the {@link OtpTopology#EXPIRY_INDEX_STORE}: {@code <deadline> <kind> <key>}, where the deadline is
 * epoch milliseconds as 13 zero-padded digits, so that the store's byte order is time order and the sweep
 * reads only what is due with one range scan (docs/ARCHITECTURE.md section 5: no scan over every user). Kinds:
 * {@code u} (a user's state, key {@code tenantId:userId}) and {@code i} (an idempotency key, key
 * {@code tenantId:userId <idempotency key>}). User ids hold no spaces, so the first space after the kind
 * separates them unambiguously.
 */
final class ExpiryIndex {

    static final char USER = 'u';
    static final char IDEMPOTENCY = 'i';

    private ExpiryIndex() {
    }

    /** Index key for {@code key} of {@code kind} due at {@code deadlineMs} (epoch milliseconds). */
    static String key(final long deadlineMs, final char kind, final String key) {
        return zeroPadded(deadlineMs, 13) + ' ' + kind + ' ' + key;
    }

    /**
     * {@code value} in decimal, left-padded with zeros to {@code digits} digits: what
     * {@code String.format("%0<digits>d")} gives, without its cost on every decision (it was 8 % of the stream
     * thread's samples in issue 14's profile: a {@code Formatter} and locale lookup per call).
     */
    static String zeroPadded(final long value, final int digits) {
        if (value < 0) {
            return String.format(Locale.ROOT, "%0" + digits + "d", value);
        }
        final String s = Long.toString(value);
        return s.length() >= digits ? s : "0".repeat(digits - s.length()) + s;
    }

    /** The first key of the index. */
    static String lowest() {
        return key(0, ' ', "");
    }

    /** A key after every entry due at or before {@code nowMs}. */
    static String highestDueAt(final long nowMs) {
        return key(nowMs, '~', "");
    }

    static char kind(final String indexKey) {
        return indexKey.charAt(14);
    }

    static String target(final String indexKey) {
        return indexKey.substring(16);
    }

    /** Key of the idempotency store for a user and the caller's key. */
    static String idempotencyKey(final String userKey, final String idempotencyKey) {
        return userKey + " " + idempotencyKey;
    }
}
