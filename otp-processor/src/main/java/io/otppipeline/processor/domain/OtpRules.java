package io.otppipeline.processor.domain;

import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.Settings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every rule the processor enforces (docs/ARCHITECTURE.md section 5): {@link PurposeRules} for any purpose, overrides
 * for named purposes, the user-wide {@link LockoutRules}, idempotency and the expiry sweep.
 *
 * @param defaults rules of a purpose without overrides ({@code otp.*})
 * @param purposes overrides by purpose name ({@code otp.purpose.<name>.*}); {@code password_reset} is
 *     two-phase unless configured otherwise
 * @param lockout user lockout
 * @param idempotencyTtlSeconds {@link #IDEMPOTENCY_TTL_SECONDS}
 * @param sweepIntervalMs {@link #SWEEP_INTERVAL_MS}
 * @param factors authenticator-app factors ({@link FactorRules}, keys {@code otp.totp.*}, {@code otp.hotp.*},
 *     {@code otp.factor.*})
 * @param lockoutNoticeTenants {@link #LOCKOUT_NOTICE_TENANTS} ({@link LockoutNotices})
 * @param links magic-link lifetimes ({@link MagicLinkRules}, keys {@code otp.magic.link.*})
 * @param mailboxes which e-mail spellings are one mailbox for budgets and destination hashes ({@link Mailboxes},
 *     keys {@code otp.email.*})
 */
public record OtpRules(PurposeRules defaults, Map<String, PurposeRules> purposes, LockoutRules lockout,
                       long idempotencyTtlSeconds, long sweepIntervalMs, FactorRules factors,
                       SortedSet<String> lockoutNoticeTenants, MagicLinkRules links, Mailboxes mailboxes) {

    /** The purpose that is two-phase by default (R1 in docs/ARCHITECTURE.md section 13). */
    public static final String PASSWORD_RESET = "password_reset";

    /** The documented defaults. */
    public static final OtpRules DEFAULTS = new OtpRules(PurposeRules.DEFAULTS,
            Map.of(PASSWORD_RESET, PurposeRules.DEFAULTS.withTwoPhase(true)), LockoutRules.DEFAULTS, 86_400, 1000,
            FactorRules.DEFAULTS, null, MagicLinkRules.DEFAULTS, Mailboxes.DEFAULTS);

    /**
     * Defensive, sorted copy and bounds.
     *
     * @throws IllegalArgumentException if the idempotency TTL or sweep interval is not positive
     */
    public OtpRules {
        purposes = Collections.unmodifiableSortedMap(new TreeMap<>(purposes)); // sorted: no hash order anywhere
        factors = factors == null ? FactorRules.DEFAULTS : factors;
        links = links == null ? MagicLinkRules.DEFAULTS : links;
        mailboxes = mailboxes == null ? Mailboxes.DEFAULTS : mailboxes;
        lockoutNoticeTenants = Collections.unmodifiableSortedSet(lockoutNoticeTenants == null ? new TreeSet<>()
                : new TreeSet<>(lockoutNoticeTenants));
        if (idempotencyTtlSeconds < 1 || sweepIntervalMs < 1) {
            throw new IllegalArgumentException("otp.idempotency.ttl.seconds and otp.sweep.interval.ms must be positive");
        }
    }

    public static final Setting<Long> IDEMPOTENCY_TTL_SECONDS = Setting.integer("otp.idempotency.ttl.seconds",
            86_400, "seconds", "how long an idempotency key is remembered (Stripe keeps keys 24 hours)")
            .check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> SWEEP_INTERVAL_MS = Setting.integer("otp.sweep.interval.ms", 1000,
            "milliseconds", "how often each processor instance looks for due work and writes a sweep tick to each partition it runs "
                    + "that has some; only "
                    + "event freshness depends on it, no answer does (docs/DESIGN-NOTES.md, \"Expiry\")")
            .check(Setting.atLeast(1), "at least 1");
    public static final Setting<String> LOCKOUT_NOTICE_TENANTS = Setting.string("otp.lockout.notice.tenants", "",
            "tenants whose users get a notice at their last code's destination when a lockout of the whole user "
                    + "starts, comma-separated, or * for every tenant (OWASP: tell account owners about lockouts; off "
                    + "by default because each notice is one more message, an SMS costs money, and a tenant may "
                    + "notify its users itself from otp.lockout.started)");

    /**
     * Every setting of the per-user rules: each purpose rule for every purpose and per purpose, the lockout's, the
     * factors', the magic links' and the three above.
     */
    public static final List<Setting<?>> SETTINGS = settings();

    private static List<Setting<?>> settings() {
        final List<Setting<?>> all = new ArrayList<>(PurposeRules.SETTINGS);
        PurposeRules.SETTINGS.forEach(d -> all.add(PurposeRules.forPurpose(d)));
        all.addAll(LockoutRules.SETTINGS);
        all.addAll(FactorRules.SETTINGS);
        all.addAll(MagicLinkRules.SETTINGS);
        all.addAll(Mailboxes.SETTINGS);
        all.addAll(List.of(IDEMPOTENCY_TTL_SECONDS, SWEEP_INTERVAL_MS, LOCKOUT_NOTICE_TENANTS));
        return List.copyOf(all);
    }

    /** Rules with the default {@link Mailboxes}. */
    public OtpRules(final PurposeRules defaults, final Map<String, PurposeRules> purposes, final LockoutRules lockout,
                    final long idempotencyTtlSeconds, final long sweepIntervalMs, final FactorRules factors,
                    final SortedSet<String> lockoutNoticeTenants, final MagicLinkRules links) {
        this(defaults, purposes, lockout, idempotencyTtlSeconds, sweepIntervalMs, factors, lockoutNoticeTenants, links,
                null);
    }

    /** Rules with the default {@link FactorRules}. */
    public OtpRules(final PurposeRules defaults, final Map<String, PurposeRules> purposes, final LockoutRules lockout,
                    final long idempotencyTtlSeconds, final long sweepIntervalMs) {
        this(defaults, purposes, lockout, idempotencyTtlSeconds, sweepIntervalMs, FactorRules.DEFAULTS, null, null);
    }

    /** Rules without lockout notices. */
    public OtpRules(final PurposeRules defaults, final Map<String, PurposeRules> purposes, final LockoutRules lockout,
                    final long idempotencyTtlSeconds, final long sweepIntervalMs, final FactorRules factors) {
        this(defaults, purposes, lockout, idempotencyTtlSeconds, sweepIntervalMs, factors, null, null);
    }

    /**
     * Rules from settings: {@link PurposeRules#SETTINGS} for every purpose and per purpose, {@link LockoutRules},
     * {@link FactorRules}, {@link MagicLinkRules} and the settings above.
     *
     * @throws IllegalArgumentException if a value is out of range
     * @throws IllegalStateException if a value is not a number
     */
    public static OtpRules from(final Settings s) {
        final PurposeRules defaults = PurposeRules.from(s, null, PurposeRules.DEFAULTS);
        final Map<String, PurposeRules> purposes = new HashMap<>();
        purposes.put(PASSWORD_RESET, PurposeRules.from(s, PASSWORD_RESET, defaults.withTwoPhase(true)));
        for (String key : s.keysStartingWith("otp.purpose.")) {
            final String rest = key.substring("otp.purpose.".length());
            final int dot = rest.indexOf('.');
            final String purpose = dot < 0 ? rest : rest.substring(0, dot);
            purposes.computeIfAbsent(purpose, p -> PurposeRules.from(s, p, defaults));
        }
        return new OtpRules(defaults, purposes, LockoutRules.from(s),
                IDEMPOTENCY_TTL_SECONDS.read(s), SWEEP_INTERVAL_MS.read(s),
                FactorRules.from(s), Setting.items(LOCKOUT_NOTICE_TENANTS.read(s)), MagicLinkRules.from(s),
                Mailboxes.from(s));
    }


    /** The rules of {@code purpose}. */
    public PurposeRules forPurpose(final String purpose) {
        return purposes.getOrDefault(purpose, defaults);
    }

    /** The same rules with {@code purpose} overridden. */
    public OtpRules withPurpose(final String purpose, final PurposeRules rules) {
        final Map<String, PurposeRules> next = new HashMap<>(purposes);
        next.put(purpose, rules);
        return new OtpRules(defaults, next, lockout, idempotencyTtlSeconds, sweepIntervalMs, factors,
                lockoutNoticeTenants, links, mailboxes);
    }

    /** The same rules with lockout notices for {@code tenants} ({@code *}: every tenant). */
    public OtpRules withLockoutNotices(final Set<String> tenants) {
        return new OtpRules(defaults, purposes, lockout, idempotencyTtlSeconds, sweepIntervalMs, factors,
                new TreeSet<>(tenants), links, mailboxes);
    }

    /** The same rules with other magic-link lifetimes. */
    public OtpRules withLinks(final MagicLinkRules next) {
        return new OtpRules(defaults, purposes, lockout, idempotencyTtlSeconds, sweepIntervalMs, factors,
                lockoutNoticeTenants, next, mailboxes);
    }

    /** Whether users of {@code tenantId} get lockout notices. */
    boolean lockoutNotices(final String tenantId) {
        return lockoutNoticeTenants.contains("*") || lockoutNoticeTenants.contains(tenantId);
    }

    /** How long a send is remembered, in milliseconds: the longest send window or resend cooldown of any purpose. */
    long sendMemoryMs() {
        return purposes.values().stream().mapToLong(p -> Math.max(p.sendWindowMs(), p.resendCooldownMs()))
                .reduce(Math.max(defaults.sendWindowMs(), defaults.resendCooldownMs()), Math::max);
    }

    /** {@link #idempotencyTtlSeconds()} in milliseconds. */
    long idempotencyTtlMs() {
        return idempotencyTtlSeconds * 1000L;
    }
}
