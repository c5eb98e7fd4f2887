package io.otppipeline.processor.gate;

import io.otppipeline.schemas.config.Settings;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The send gate's budgets for one tenant (docs/ARCHITECTURE.md section 5b). Keys below are under {@code otp.gate.}
 * for every tenant and under {@code otp.gate.tenant.<tenantId>.} for one tenant (a tenant's key overrides the
 * default). A budget of {@code 0} turns that budget off.
 *
 * @param destinationMaxSends {@code destination.max.sends}: codes sent to one address or number inside the
 *     destination window; default 5 (Twilio Verify: 5 verifications per destination per 10 minutes)
 * @param destinationWindowSeconds {@code destination.window.seconds}: the sliding destination window, in
 *     seconds; default 600
 * @param countryMaxPerHour {@code country.max.per.hour}: SMS to one country calling code per rolling hour;
 *     default 1000 (this project's ceiling on an unexpected bill; raise it for a country most users live in)
 * @param tenantMaxPerHour {@code tenant.max.per.hour}: SMS of the tenant per rolling hour; default 10000
 * @param tenantMaxPerDay {@code tenant.max.per.day}: SMS of the tenant per rolling 24 hours; default 100000
 * @param allowedRegions {@code countries}: ISO 3166-1 alpha-2 regions SMS may go to, comma separated; empty
 *     (the default) allows every region. libphonenumber gives non-geographic numbers (+800, +882, +883)
 *     the region {@code 001}; a number it cannot parse has {@code ZZ}; neither is in an allow-list unless named
 * @param breaker the conversion breaker
 */
public record SendGateRules(int destinationMaxSends, long destinationWindowSeconds, int countryMaxPerHour,
                            int tenantMaxPerHour, int tenantMaxPerDay, SortedSet<String> allowedRegions,
                            BreakerRules breaker) {

    /** The defaults named above. */
    public static final SendGateRules DEFAULTS = new SendGateRules(5, 600, 1000, 10_000, 100_000,
            Collections.emptySortedSet(), BreakerRules.DEFAULTS);

    /**
     * Checks the bounds; sorted, unmodifiable regions.
     *
     * @throws IllegalArgumentException if a budget is negative or the destination window is not positive
     */
    public SendGateRules {
        if (destinationMaxSends < 0 || countryMaxPerHour < 0 || tenantMaxPerHour < 0 || tenantMaxPerDay < 0
                || destinationWindowSeconds < 1) {
            throw new IllegalArgumentException("otp.gate budgets must be >= 0 and the destination window positive");
        }
        allowedRegions = Collections.unmodifiableSortedSet(new TreeSet<>(allowedRegions));
    }

    /**
     * The rules under {@code prefix} (for example {@code otp.gate.} or {@code otp.gate.tenant.acme.}), each
     * unset key taken from {@code fallback}.
     *
     * @throws IllegalStateException if a value is not a number
     * @throws IllegalArgumentException if a value is out of range
     */
    static SendGateRules from(final Settings s, final String prefix, final SendGateRules fallback) {
        final String regions = s.string(prefix + "countries", null);
        return new SendGateRules(
                (int) s.number(prefix + "destination.max.sends", fallback.destinationMaxSends()),
                s.number(prefix + "destination.window.seconds", fallback.destinationWindowSeconds()),
                (int) s.number(prefix + "country.max.per.hour", fallback.countryMaxPerHour()),
                (int) s.number(prefix + "tenant.max.per.hour", fallback.tenantMaxPerHour()),
                (int) s.number(prefix + "tenant.max.per.day", fallback.tenantMaxPerDay()),
                regions == null ? fallback.allowedRegions() : Arrays.stream(regions.split(","))
                        .map(String::strip).filter(r -> !r.isEmpty()).map(r -> r.toUpperCase(Locale.ROOT))
                        .collect(Collectors.toCollection(TreeSet::new)),
                BreakerRules.from(s, prefix + "breaker.", fallback.breaker()));
    }

    /** Whether SMS may go to {@code region} (ISO 3166-1 alpha-2). */
    boolean allows(final String region) {
        return allowedRegions.isEmpty() || allowedRegions.contains(region);
    }

    long destinationWindowMs() {
        return destinationWindowSeconds * 1000L;
    }

    /**
     * The conversion breaker (SMS pumping defence; Twilio Fraud Guard and Stytch describe the same signal: codes
     * sent to a prefix that are never verified). Over the breaker window it compares the SMS sent to one country
     * calling code whose code lifetime has passed ("settled", so that codes still on their way do not count as
     * failures) with how many of them were verified; if at least {@code minSends} settled and fewer than
     * {@code minConversionPercent} % were verified, SMS to the prefix are suppressed for {@code blockSeconds}
     * and the breaker starts counting afresh. Keys under {@code breaker.}:
     *
     * @param minSends {@code breaker.min.sends}: settled sends needed before the breaker judges; default 50;
     *     {@code 0} turns the breaker off
     * @param minConversionPercent {@code breaker.min.conversion.percent}: the conversion below which it
     *     blocks, in percent; default 20 (legitimate login traffic verifies well above half of its codes)
     * @param windowSeconds {@code breaker.window.seconds}: how far back it looks, in seconds; default 3600
     * @param settleSeconds {@code breaker.settle.seconds}: how old a send must be to count, in seconds; default
     *     600 (the default code lifetime)
     * @param blockSeconds {@code breaker.block.seconds}: how long a prefix stays blocked, in seconds; default 3600
     */
    public record BreakerRules(int minSends, int minConversionPercent, long windowSeconds, long settleSeconds,
                               long blockSeconds) {

        /** The defaults named above. */
        public static final BreakerRules DEFAULTS = new BreakerRules(50, 20, 3600, 600, 3600);

        /**
         * Checks the bounds.
         *
         * @throws IllegalArgumentException if a value is out of range or the settle time is not shorter than the
         *     window
         */
        public BreakerRules {
            if (minSends < 0 || minConversionPercent < 0 || minConversionPercent > 100 || blockSeconds < 1
                    || settleSeconds < 0 || windowSeconds <= settleSeconds) {
                throw new IllegalArgumentException("otp.gate.breaker.* out of range (settle < window, percent 0..100)");
            }
        }

        static BreakerRules from(final Settings s, final String prefix, final BreakerRules fallback) {
            return new BreakerRules(
                    (int) s.number(prefix + "min.sends", fallback.minSends()),
                    (int) s.number(prefix + "min.conversion.percent", fallback.minConversionPercent()),
                    s.number(prefix + "window.seconds", fallback.windowSeconds()),
                    s.number(prefix + "settle.seconds", fallback.settleSeconds()),
                    s.number(prefix + "block.seconds", fallback.blockSeconds()));
        }

        boolean enabled() {
            return minSends > 0;
        }
    }
}
