package io.otppipeline.processor.domain;

import java.util.List;

/**
 * The send limit (codes per sliding window, counting every purpose) and the resend cooldown (per purpose),
 * as waits in milliseconds. Pure functions over the user's {@link SendRecord}s, oldest first.
 */
final class SendLimits {

    private SendLimits() {
    }

    /** Codes sent inside {@code rules}' window before {@code nowMs} (epoch milliseconds). */
    static int inWindow(final List<SendRecord> sends, final PurposeRules rules, final long nowMs) {
        return (int) sends.stream().filter(s -> s.atMs() > nowMs - rules.sendWindowMs()).count();
    }

    /** Milliseconds until the window has room for one more code; 0 when it has room now. */
    static long windowWaitMs(final List<SendRecord> sends, final PurposeRules rules, final long nowMs) {
        final List<Long> recent = sends.stream().map(SendRecord::atMs)
                .filter(at -> at > nowMs - rules.sendWindowMs()).toList();
        if (recent.size() < rules.sendLimit()) {
            return 0;
        }
        return recent.get(recent.size() - rules.sendLimit()) + rules.sendWindowMs() - nowMs;
    }

    /** Milliseconds until the cooldown after the last code of {@code purpose} has passed; 0 when it has. */
    static long cooldownWaitMs(final List<SendRecord> sends, final String purpose, final PurposeRules rules,
                               final long nowMs) {
        final long last = sends.stream().filter(s -> s.purpose().equals(purpose)).mapToLong(SendRecord::atMs)
                .max().orElse(Long.MIN_VALUE / 2);
        return Math.max(0, last + rules.resendCooldownMs() - nowMs);
    }

    /** Whole seconds to wait for {@code waitMs} milliseconds, rounded up, at least 1 (for {@code Retry-After}). */
    static long seconds(final long waitMs) {
        return Math.max(1, (waitMs + 999) / 1000);
    }
}
