package io.otppipeline.processor.domain;

import io.otppipeline.schemas.command.IpVerdict;

/**
 * When an answer carries {@code challengeRequired}: the hook for the caller's CAPTCHA or similar proof (R1 in
 * docs/ARCHITECTURE.md section 13), raised before any hard limit is reached. Two sources, either suffices: the IP guard's verdict stamped into the
 * command (the address passed its lower threshold, docs/ARCHITECTURE.md section 5b), or the user's own failed
 * verifications inside the lockout window reaching {@link LockoutRules#challengeAfterFailures()}.
 */
final class Challenge {

    private Challenge() {
    }

    /**
     * @param state the user's state after the decision
     * @param ip the command's IP verdict, or {@code null}
     * @param address the client's address key under {@code otp.lockout.scope=user_ip} (then the failures counted
     *     are that address's, so an attacker's failures do not make the victim solve CAPTCHAs everywhere), or
     *     {@code null} (the user's failures)
     * @param nowMs decision time, epoch milliseconds
     */
    static boolean required(final UserState state, final IpVerdict ip, final LockoutRules rules, final String address,
                            final long nowMs) {
        final Lockout counted = address == null ? state.lockout() : state.addressLockout(address);
        final boolean userFailing = rules.challengeAfterFailures() > 0
                && (counted.failuresMs().size() >= rules.challengeAfterFailures() || state.lockedAt(address, nowMs));
        return userFailing || (ip != null && ip.challengeAt(nowMs));
    }
}
