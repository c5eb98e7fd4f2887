package io.otppipeline.processor.streams;

import io.otppipeline.processor.domain.Digits;

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
        return Digits.zeroPadded(deadlineMs, 13) + ' ' + kind + ' ' + key;
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
