package io.otppipeline.processor.domain;

import io.otppipeline.schemas.config.Settings;

/**
 * Magic-link lifetimes. Every other rule (send limit, cooldown, lockout, idempotency, the IP guard) is the
 * purpose's, as for a code.
 *
 * @param lifetimeSeconds {@code otp.magic.link.lifetime.seconds}: how long a mailed link can be confirmed, in
 *     seconds; default 900 (15 minutes: OWASP's Forgot Password Cheat Sheet asks for short-lived single-use tokens;
 *     longer than a code's 10 minutes because a link is opened from a mailbox, not typed)
 * @param exchangeSeconds {@code otp.magic.link.exchange.seconds}: how long the exchange code the confirm step hands
 *     the browser can be redeemed by the tenant's backend, in seconds; default 60 (an OAuth authorization code's
 *     "short lifetime", RFC 6749 section 4.1.2, recommends at most 10 minutes; the redirect is immediate)
 */
public record MagicLinkRules(long lifetimeSeconds, long exchangeSeconds) {

    /** The documented defaults. */
    public static final MagicLinkRules DEFAULTS = new MagicLinkRules(900, 60);

    /**
     * Checks the bounds.
     *
     * @throws IllegalArgumentException if a lifetime is not positive
     */
    public MagicLinkRules {
        if (lifetimeSeconds < 1 || exchangeSeconds < 1) {
            throw new IllegalArgumentException("otp.magic.link.*.seconds must be positive");
        }
    }

    /**
     * Reads the settings listed above.
     *
     * @throws IllegalStateException if a value is not a number
     */
    public static MagicLinkRules from(final Settings s) {
        return new MagicLinkRules(s.number("otp.magic.link.lifetime.seconds", DEFAULTS.lifetimeSeconds),
                s.number("otp.magic.link.exchange.seconds", DEFAULTS.exchangeSeconds));
    }
}
