package io.otppipeline.processor.gate;

import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.Settings;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The send gate's budgets for one tenant (docs/ARCHITECTURE.md section 5b). Each setting {@code otp.gate.<budget>}
 * holds for every tenant and {@code otp.gate.tenant.<tenant>.<budget>} for one ({@link #forTenant}; a tenant's key
 * overrides the default). A budget of {@code 0} turns that budget off.
 *
 * @param destinationMaxSends {@link #DESTINATION_MAX_SENDS}
 * @param destinationWindowSeconds {@link #DESTINATION_WINDOW_SECONDS}
 * @param countryMaxPerHour {@link #COUNTRY_MAX_PER_HOUR}
 * @param tenantMaxPerHour {@link #TENANT_MAX_PER_HOUR}
 * @param tenantMaxPerDay {@link #TENANT_MAX_PER_DAY}
 * @param allowedRegions {@link #COUNTRIES}
 * @param breaker the conversion breaker
 * @param email the tenant's e-mail budgets ({@link EmailBudget})
 */
public record SendGateRules(int destinationMaxSends, long destinationWindowSeconds, int countryMaxPerHour,
                            int tenantMaxPerHour, int tenantMaxPerDay, SortedSet<String> allowedRegions,
                            BreakerRules breaker, EmailBudget email) {

    /** The defaults named above. */
    public static final SendGateRules DEFAULTS = new SendGateRules(5, 600, 1000, 10_000, 100_000,
            Collections.emptySortedSet(), BreakerRules.DEFAULTS, EmailBudget.DEFAULTS);

    /** Budgets with the default {@link EmailBudget}. */
    public SendGateRules(final int destinationMaxSends, final long destinationWindowSeconds,
                         final int countryMaxPerHour, final int tenantMaxPerHour, final int tenantMaxPerDay,
                         final SortedSet<String> allowedRegions, final BreakerRules breaker) {
        this(destinationMaxSends, destinationWindowSeconds, countryMaxPerHour, tenantMaxPerHour, tenantMaxPerDay,
                allowedRegions, breaker, EmailBudget.DEFAULTS);
    }

    public static final Setting<Long> DESTINATION_MAX_SENDS = Setting.integer("otp.gate.destination.max.sends",
            DEFAULTS.destinationMaxSends(), "count", "codes sent to one address or number inside the destination "
                    + "window (Twilio Verify: 5 verifications per destination per 10 minutes)")
            .check(Setting.atLeast(0), "at least 0");
    public static final Setting<Long> DESTINATION_WINDOW_SECONDS = Setting.integer(
            "otp.gate.destination.window.seconds", DEFAULTS.destinationWindowSeconds(), "seconds",
            "the sliding destination window").check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> COUNTRY_MAX_PER_HOUR = Setting.integer("otp.gate.country.max.per.hour",
            DEFAULTS.countryMaxPerHour(), "count", "SMS to one country calling code per rolling hour (this project's "
                    + "ceiling on an unexpected bill; raise it for a country most users live in)")
            .check(Setting.atLeast(0), "at least 0");
    public static final Setting<Long> TENANT_MAX_PER_HOUR = Setting.integer("otp.gate.tenant.max.per.hour",
            DEFAULTS.tenantMaxPerHour(), "count", "SMS of the tenant per rolling hour")
            .check(Setting.atLeast(0), "at least 0");
    public static final Setting<Long> TENANT_MAX_PER_DAY = Setting.integer("otp.gate.tenant.max.per.day",
            DEFAULTS.tenantMaxPerDay(), "count", "SMS of the tenant per rolling 24 hours")
            .check(Setting.atLeast(0), "at least 0");
    public static final Setting<String> COUNTRIES = Setting.string("otp.gate.countries", "", "ISO 3166-1 alpha-2 "
            + "regions SMS may go to, comma separated; empty allows every region. libphonenumber gives non-geographic "
            + "numbers (+800, +882, +883) the region 001 and an unparsable number ZZ; neither is allowed unless named");

    /** Every budget under its name for every tenant, the breaker's included. */
    public static final List<Setting<?>> SETTINGS = List.of(DESTINATION_MAX_SENDS, DESTINATION_WINDOW_SECONDS,
            COUNTRY_MAX_PER_HOUR, TENANT_MAX_PER_HOUR, TENANT_MAX_PER_DAY, COUNTRIES, EmailBudget.MAX_PER_HOUR,
            EmailBudget.MAX_PER_DAY, BreakerRules.MIN_SENDS,
            BreakerRules.MIN_CONVERSION_PERCENT, BreakerRules.WINDOW_SECONDS, BreakerRules.SETTLE_SECONDS,
            BreakerRules.BLOCK_SECONDS);

    /** {@code setting} for one tenant: {@code otp.gate.<budget>} becomes {@code otp.gate.tenant.<tenant>.<budget>}. */
    public static <T> Setting<T> forTenant(final Setting<T> setting) {
        return setting.renamed("otp.gate.tenant.<tenant>." + setting.name().substring("otp.gate.".length()));
    }

    private static <T> T read(final Settings s, final Setting<T> setting, final String tenant, final T fallback) {
        return tenant == null ? setting.readOr(s, fallback) : forTenant(setting).read(s, tenant, fallback);
    }

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
        email = email == null ? EmailBudget.DEFAULTS : email;
    }

    /**
     * The budgets for every tenant ({@code tenant == null}) or for one, each unset key taken from {@code fallback}.
     *
     * @throws IllegalStateException naming a malformed or out-of-range setting
     */
    static SendGateRules from(final Settings s, final String tenant, final SendGateRules fallback) {
        final String regions = read(s, COUNTRIES, tenant, null);
        return new SendGateRules(
                read(s, DESTINATION_MAX_SENDS, tenant, (long) fallback.destinationMaxSends()).intValue(),
                read(s, DESTINATION_WINDOW_SECONDS, tenant, fallback.destinationWindowSeconds()),
                read(s, COUNTRY_MAX_PER_HOUR, tenant, (long) fallback.countryMaxPerHour()).intValue(),
                read(s, TENANT_MAX_PER_HOUR, tenant, (long) fallback.tenantMaxPerHour()).intValue(),
                read(s, TENANT_MAX_PER_DAY, tenant, (long) fallback.tenantMaxPerDay()).intValue(),
                regions == null ? fallback.allowedRegions() : Arrays.stream(regions.split(","))
                        .map(String::strip).filter(r -> !r.isEmpty()).map(r -> r.toUpperCase(Locale.ROOT))
                        .collect(Collectors.toCollection(TreeSet::new)),
                BreakerRules.from(s, tenant, fallback.breaker()),
                new EmailBudget(read(s, EmailBudget.MAX_PER_HOUR, tenant, (long) fallback.email().maxPerHour()).intValue(),
                        read(s, EmailBudget.MAX_PER_DAY, tenant, (long) fallback.email().maxPerDay()).intValue()));
    }

    /**
     * A tenant's e-mail budgets, beside its SMS ones: a ceiling on a flood of codes by mail (a bombing run spread
     * over many addresses, a runaway client), which costs the tenant its sender reputation rather than money. Over
     * budget, a code is suppressed ({@code tenant_hourly_limit} or {@code tenant_daily_limit}, channel
     * {@code email}). The defaults sit well above what the benchmark's busiest tenant sends (about 60,000 codes in
     * an hour); {@code 0} turns a budget off.
     *
     * @param maxPerHour {@link #MAX_PER_HOUR}
     * @param maxPerDay {@link #MAX_PER_DAY}
     */
    public record EmailBudget(int maxPerHour, int maxPerDay) {

        /** The defaults named above. */
        public static final EmailBudget DEFAULTS = new EmailBudget(100_000, 1_000_000);

        public static final Setting<Long> MAX_PER_HOUR = Setting.integer("otp.gate.email.max.per.hour",
                DEFAULTS.maxPerHour(), "count", "e-mail codes of the tenant per rolling hour; 0 turns it off")
                .check(Setting.atLeast(0), "at least 0");
        public static final Setting<Long> MAX_PER_DAY = Setting.integer("otp.gate.email.max.per.day",
                DEFAULTS.maxPerDay(), "count", "e-mail codes of the tenant per rolling 24 hours; 0 turns it off")
                .check(Setting.atLeast(0), "at least 0");

        /**
         * @throws IllegalArgumentException if a budget is negative
         */
        public EmailBudget {
            if (maxPerHour < 0 || maxPerDay < 0) {
                throw new IllegalArgumentException("otp.gate.email budgets must be >= 0");
            }
        }
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
     * and the breaker starts counting afresh.
     *
     * @param minSends {@link #MIN_SENDS}
     * @param minConversionPercent {@link #MIN_CONVERSION_PERCENT}
     * @param windowSeconds {@link #WINDOW_SECONDS}
     * @param settleSeconds {@link #SETTLE_SECONDS}
     * @param blockSeconds {@link #BLOCK_SECONDS}
     */
    public record BreakerRules(int minSends, int minConversionPercent, long windowSeconds, long settleSeconds,
                               long blockSeconds) {

        /** The defaults named above. */
        public static final BreakerRules DEFAULTS = new BreakerRules(50, 20, 3600, 600, 3600);

        public static final Setting<Long> MIN_SENDS = Setting.integer("otp.gate.breaker.min.sends",
                DEFAULTS.minSends(), "count", "settled sends needed before the breaker judges; 0 turns it off")
                .check(Setting.atLeast(0), "at least 0");
        public static final Setting<Long> MIN_CONVERSION_PERCENT = Setting.integer(
                "otp.gate.breaker.min.conversion.percent", DEFAULTS.minConversionPercent(), "percent", "the "
                        + "conversion below which it blocks (legitimate login traffic verifies well above half of "
                        + "its codes)").check(Setting.between(0, 100), "between 0 and 100");
        public static final Setting<Long> WINDOW_SECONDS = Setting.integer("otp.gate.breaker.window.seconds",
                DEFAULTS.windowSeconds(), "seconds", "how far back it looks").check(Setting.atLeast(1), "at least 1");
        public static final Setting<Long> SETTLE_SECONDS = Setting.integer("otp.gate.breaker.settle.seconds",
                DEFAULTS.settleSeconds(), "seconds", "how old a send must be to count (the default code lifetime); "
                        + "shorter than the window").check(Setting.atLeast(0), "at least 0");
        public static final Setting<Long> BLOCK_SECONDS = Setting.integer("otp.gate.breaker.block.seconds",
                DEFAULTS.blockSeconds(), "seconds", "how long a prefix stays blocked")
                .check(Setting.atLeast(1), "at least 1");

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

        static BreakerRules from(final Settings s, final String tenant, final BreakerRules fallback) {
            return new BreakerRules(
                    read(s, MIN_SENDS, tenant, (long) fallback.minSends()).intValue(),
                    read(s, MIN_CONVERSION_PERCENT, tenant, (long) fallback.minConversionPercent()).intValue(),
                    read(s, WINDOW_SECONDS, tenant, fallback.windowSeconds()),
                    read(s, SETTLE_SECONDS, tenant, fallback.settleSeconds()),
                    read(s, BLOCK_SECONDS, tenant, fallback.blockSeconds()));
        }

        boolean enabled() {
            return minSends > 0;
        }
    }
}
