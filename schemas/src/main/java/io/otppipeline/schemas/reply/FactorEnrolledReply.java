package io.otppipeline.schemas.reply;

import io.otppipeline.schemas.command.FactorType;

/**
 * An authenticator factor was enrolled ({@code unverified} until its first code confirms it). Carries the
 * parameters otp-api writes into the {@code otpauth://} URI; never the secret (otp-api drew it and still holds it).
 *
 * @param commandId id of the enrolment answered
 * @param factorId id of the new factor
 * @param type {@code totp} or {@code hotp}
 * @param algorithm HMAC algorithm as the Key Uri Format spells it: {@code SHA1}, {@code SHA256} or {@code SHA512}
 * @param digits code length, 6 or 8
 * @param periodSeconds TOTP time step in seconds (RFC 6238 X); {@code 0} for HOTP
 * @param replayed see {@link OtpReply#replayed()}
 */
public record FactorEnrolledReply(String commandId, String factorId, FactorType type, String algorithm, int digits,
                                  int periodSeconds, boolean replayed) implements OtpReply {

    @Override
    public ReplyStatus status() {
        return ReplyStatus.UNVERIFIED;
    }

    @Override
    public FactorEnrolledReply replayFor(final String otherCommandId) {
        return new FactorEnrolledReply(otherCommandId, factorId, type, algorithm, digits, periodSeconds, true);
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.factorEnrolled(this);
    }
}
