package io.otppipeline.processor.domain;

import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.Settings;
import java.util.List;

/**
 * Magic-link lifetimes. Every other rule (send limit, cooldown, lockout, idempotency, the IP guard) is the
 * purpose's, as for a code.
 *
 * @param lifetimeSeconds {@link #LIFETIME_SECONDS}
 * @param exchangeSeconds {@link #EXCHANGE_SECONDS}
 */
public record MagicLinkRules(long lifetimeSeconds, long exchangeSeconds) {

    /** The documented defaults. */
    public static final MagicLinkRules DEFAULTS = new MagicLinkRules(900, 60);

    public static final Setting<Long> LIFETIME_SECONDS = Setting.integer("otp.magic.link.lifetime.seconds",
            DEFAULTS.lifetimeSeconds(), "seconds", "how long a mailed link can be confirmed (OWASP's Forgot Password "
                    + "Cheat Sheet asks for short-lived single-use tokens; longer than a code's 10 minutes because a "
                    + "link is opened from a mailbox, not typed)").check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> EXCHANGE_SECONDS = Setting.integer("otp.magic.link.exchange.seconds",
            DEFAULTS.exchangeSeconds(), "seconds", "how long the exchange code the confirm step hands the browser can "
                    + "be redeemed by the tenant's backend (RFC 6749 section 4.1.2: an authorization code's short "
                    + "lifetime, at most 10 minutes; the redirect is immediate)").check(Setting.atLeast(1), "at least 1");

    /** Both lifetimes. */
    public static final List<Setting<?>> SETTINGS = List.of(LIFETIME_SECONDS, EXCHANGE_SECONDS);

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
        return new MagicLinkRules(LIFETIME_SECONDS.read(s), EXCHANGE_SECONDS.read(s));
    }
}
