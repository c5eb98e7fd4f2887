package io.otppipeline.processor.domain;

import io.otppipeline.schemas.command.IpVerdict;

/**
 * When an answer carries {@code challengeRequired}: the hook for the caller's CAPTCHA or similar proof (seed 001),
 * raised before any hard limit is reached. Two sources, either suffices: the IP guard's verdict stamped into the
 * command (the address passed its lower threshold, docs/ARCHITECTURE.md section 5b), or the user's own failed
 * verifications inside the lockout window reaching {@link LockoutRules#challengeAfterFailures()}.
 */
final class Challenge {

    private Challenge() {
    }

    /**
     * @param state the user's state after the decision
     * @param ip the command's IP verdict, or {@code null}
     * @param nowMs decision time, epoch milliseconds
     */
    static boolean required(final UserState state, final IpVerdict ip, final LockoutRules rules, final long nowMs) {
        final boolean userFailing = rules.challengeAfterFailures() > 0
                && (state.lockout().failuresMs().size() >= rules.challengeAfterFailures() || state.lockout().lockedAt(nowMs));
        return userFailing || (ip != null && ip.challengeAt(nowMs));
    }
}
