package io.otppipeline.processor.domain;

import io.otppipeline.schemas.command.CaptchaVerdict;
import io.otppipeline.schemas.command.IpVerdict;
import io.otppipeline.schemas.reply.ReplyStatus;

/**
 * "May this command proceed?": the one admission step before every use case that takes a code (a code request, a
 * code verification, a factor's confirmation and verification, a magic link's confirmation). It applies, in this
 * order:
 * <ol>
 *   <li>the IP guard's verdict stamped into the command (docs/ARCHITECTURE.md section 5b): a blocked address is
 *       refused {@code rate_limited}, reason {@code ip_limit}, first, so that it learns nothing about the user, and
 *       the refusal counts against nothing (OWASP Authentication Cheat Sheet, "Protect against automated
 *       attacks");</li>
 *   <li>the user's lockout, or under {@code otp.lockout.scope=user_ip} the lockout of the client's address
 *       ({@link LockoutRules}, NIST SP 800-63B section 5.2.2): refused {@code locked}, not counted either;</li>
 *   <li>the CAPTCHA (seed 001: "add CAPTCHA after multiple failed attempts"): when a challenge was already asked
 *       for ({@link Challenge#required}: the user's failures or the address's verdict) and the tenant uses a
 *       CAPTCHA, a request whose stamped verdict does not admit ({@link CaptchaVerdict#admits()}) is refused
 *       {@code challenge_required}, reason {@code captcha_required}, {@code captcha_failed} or
 *       {@code captcha_unavailable}, and counts against no limit of the user's. A command without a verdict (a tenant without CAPTCHA) is
 *       never refused here.</li>
 * </ol>
 * Pure: reads only the state, the command's verdicts and the decision time.
 *
 * @param status {@code null} when the command is admitted, else {@link ReplyStatus#RATE_LIMITED},
 *     {@link ReplyStatus#LOCKED} or {@link ReplyStatus#CHALLENGE_REQUIRED}
 * @param reason {@code ip_limit}, {@code locked} or a CAPTCHA reason for a refusal, {@code null} when admitted
 * @param waitMs milliseconds until the refusal lapses (0 when admitted)
 */
record Admission(ReplyStatus status, String reason, long waitMs) {

    /** The command may proceed. */
    static final Admission ADMITTED = new Admission(null, null, 0);

    /** As {@link #check(UserState, IpVerdict, CaptchaVerdict, LockoutRules, String, long)} without a CAPTCHA. */
    static Admission check(final UserState state, final IpVerdict ip, final String address, final long nowMs) {
        return check(state, ip, null, null, address, nowMs);
    }

    /**
     * @param state the user's state, settled at the decision time
     * @param ip the command's IP verdict, or {@code null} (none stamped: the address is unknown or never seen)
     * @param captcha the command's CAPTCHA verdict, or {@code null} (its tenant uses no CAPTCHA)
     * @param lockout the lockout rules that say when a challenge is due; may be {@code null} when {@code captcha} is
     * @param address the client's address key under {@code otp.lockout.scope=user_ip}, or {@code null}
     * @param nowMs decision time, epoch milliseconds (the command record's timestamp)
     * @return {@link #ADMITTED}, or the first refusal in the order above
     */
    static Admission check(final UserState state, final IpVerdict ip, final CaptchaVerdict captcha,
                           final LockoutRules lockout, final String address, final long nowMs) {
        if (ip != null && ip.blockedAt(nowMs)) {
            return new Admission(ReplyStatus.RATE_LIMITED, "ip_limit", ip.blockedUntilMs() - nowMs);
        }
        if (state.lockedAt(address, nowMs)) {
            return new Admission(ReplyStatus.LOCKED, "locked", state.lockRemainingMs(address, nowMs));
        }
        if (captcha != null && !captcha.admits() && Challenge.required(state, ip, lockout, address, nowMs)) {
            return new Admission(ReplyStatus.CHALLENGE_REQUIRED, captcha.refusalReason(), 0);
        }
        return ADMITTED;
    }

    /** Whether the command may proceed. */
    boolean admitted() {
        return status == null;
    }

    /** Whether the refusal came from the user's state (a lockout) rather than from the address alone. */
    boolean byUser() {
        return status == ReplyStatus.LOCKED;
    }

    /** The wait in whole seconds, rounded up, at least 1: what {@code retryAfterSeconds} and {@code Retry-After} say. */
    long waitSeconds() {
        return SendLimits.seconds(waitMs);
    }
}
