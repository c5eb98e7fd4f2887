package io.otppipeline.schemas.command;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What otp-api found when it checked the request's {@code captchaToken} with the tenant's CAPTCHA provider, stamped
 * into the command like the IP verdict, so that the processor's decision reads it like any other field and stays
 * deterministic. A command carries none ({@code null}) when its tenant uses no CAPTCHA: then
 * {@code challengeRequired} stays a hint. Seed 001: "add CAPTCHA after multiple failed attempts".
 */
public enum CaptchaVerdict {

    /** The provider confirmed the token. */
    PASSED,
    /** The provider could not be asked (outage, timeout, a secret it refuses) and the tenant fails open. */
    BYPASSED,
    /** The provider refused the token (wrong, expired or used before). */
    FAILED,
    /** The request carried no token. */
    MISSING,
    /** The provider could not be asked and the tenant fails closed. */
    UNAVAILABLE;

    /** Whether a command that must show a solved CAPTCHA may proceed with this verdict. */
    public boolean admits() {
        return this == PASSED || this == BYPASSED;
    }

    /**
     * The reason a refusal names: {@code captcha_required} (no token), {@code captcha_failed} (a refused token) or
     * {@code captcha_unavailable} (the provider could not be asked and the tenant fails closed); {@code null} for a
     * verdict that admits.
     */
    public String refusalReason() {
        return switch (this) {
            case PASSED, BYPASSED -> null;
            case FAILED -> "captcha_failed";
            case MISSING -> "captcha_required";
            case UNAVAILABLE -> "captcha_unavailable";
        };
    }

    /** Lower case, as on the wire. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses the wire spelling.
     *
     * @throws IllegalArgumentException for an unknown verdict
     */
    @JsonCreator
    public static CaptchaVerdict fromWire(final String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
