package io.otppipeline.processor.gate;

import io.otppipeline.processor.domain.DecisionContext;
import io.otppipeline.processor.domain.DestinationMask;
import io.otppipeline.processor.domain.Mailboxes;
import io.otppipeline.processor.gate.GateWindows.CountryWindow;
import io.otppipeline.processor.gate.GateWindows.DestinationWindow;
import io.otppipeline.processor.gate.GateWindows.TenantWindow;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.command.Destinations.PhoneRoute;
import io.otppipeline.schemas.crypto.Mac;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.event.DeliveryOutcomeData;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.event.PrefixBlockedData;
import io.otppipeline.schemas.gate.GateSend;
import io.otppipeline.schemas.gate.GateVerified;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The send gate's decisions (docs/ARCHITECTURE.md section 5b): between the user stage and the notifier, keyed so
 * that one task sees every send a budget counts ({@code GateRecord#gateKey}), it passes a code to the notifier
 * or suppresses it. Kafka-free and deterministic like the user stage: a decision reads only the gate's state,
 * the record and the record's timestamp.
 *
 * <p>In order, the first that applies decides: a safe-listed destination passes and counts nothing; for SMS,
 * a region outside the tenant's allow-list ({@value #COUNTRY_NOT_ALLOWED}), a prefix the conversion breaker
 * blocked ({@value #PREFIX_BLOCKED}, checked, and tripped, here); for every channel the destination budget
 * ({@value #DESTINATION_LIMIT}); for SMS the per-country hourly budget ({@value #COUNTRY_LIMIT}), the tenant's
 * hourly ({@value #TENANT_HOURLY_LIMIT}) and daily ({@value #TENANT_DAILY_LIMIT}) budgets. A suppressed code
 * counts toward no budget, so an attacker's refused sends do not lock out the tenant's next hour.
 */
public final class SendGate {

    /** Reason: the number's region is not in the tenant's {@code countries} allow-list. */
    public static final String COUNTRY_NOT_ALLOWED = "country_not_allowed";
    /** Reason: the conversion breaker blocks the number's country calling code. */
    public static final String PREFIX_BLOCKED = "prefix_blocked";
    /** Reason: the destination's budget ({@code destination.max.sends} per window) is spent. */
    public static final String DESTINATION_LIMIT = "destination_limit";
    /** Reason: the tenant's budget for the calling code ({@code country.max.per.hour}) is spent. */
    public static final String COUNTRY_LIMIT = "country_limit";
    /** Reason: the tenant's hourly SMS budget is spent. */
    public static final String TENANT_HOURLY_LIMIT = "tenant_hourly_limit";
    /** Reason: the tenant's daily SMS budget is spent. */
    public static final String TENANT_DAILY_LIMIT = "tenant_daily_limit";

    private static final long HOUR_MS = SlidingCount.HOUR_MS;
    private static final long DAY_MS = 24 * HOUR_MS;

    private final SendGatePolicy policy;
    private final Mac pepper;
    private final Mailboxes mailboxes;
    /** Keyed hashes of the safe list per tenant: derived from the settings only, so caching keeps it pure. */
    private final Map<String, Set<String>> safeHashes = new ConcurrentHashMap<>();

    /**
     * @param policy budgets and safe list
     * @param pepper the keyring the user stage hashes destinations with ({@code DestinationMask#keyedHash}),
     *     to recognise safe-listed destinations by hash
     * @param mailboxes which e-mail spellings are one mailbox, as the user stage hashes them
     *     ({@code OtpRules#mailboxes})
     */
    public SendGate(final SendGatePolicy policy, final Mac pepper, final Mailboxes mailboxes) {
        this.policy = policy;
        this.pepper = pepper;
        this.mailboxes = mailboxes;
    }

    /** The rules of {@code tenantId}. */
    public SendGateRules rules(final String tenantId) {
        return policy.forTenant(tenantId);
    }

    /**
     * Decides one send.
     *
     * @param windows the gate's state for the send's destination, calling code and tenant (empty ones when new)
     * @param nowMs the record's timestamp, epoch milliseconds
     */
    public GateOutcome decide(final GateSend send, final GateWindows windows, final long nowMs) {
        final OtpIssued delivery = send.delivery();
        final SendGateRules rules = policy.forTenant(delivery.tenantId());
        if (safeListed(delivery)) {
            return new GateOutcome.Admitted(delivery, windows);
        }
        final DestinationWindow destination = windows.destination().since(nowMs - rules.destinationWindowMs());
        final boolean sms = delivery.channel() == Channel.SMS;
        final PhoneRoute route = send.route() == null ? PhoneRoute.UNKNOWN : send.route();
        final List<CloudEvent> events = new ArrayList<>(2);
        CountryWindow country = windows.country();
        if (sms && !rules.allows(route.region())) {
            return suppress(delivery, COUNTRY_NOT_ALLOWED, windows, events, nowMs);
        }
        if (sms && rules.breaker().enabled()) {
            country = judge(delivery.tenantId(), route, country, rules.breaker(), events, nowMs);
            if (nowMs < country.blockedUntilMs()) {
                return suppress(delivery, PREFIX_BLOCKED, new GateWindows(destination, country, windows.tenant()),
                        events, nowMs);
            }
        }
        final GateWindows judged = new GateWindows(destination, country, windows.tenant());
        if (over(destination.sentAtMs().size(), rules.destinationMaxSends())) {
            return suppress(delivery, DESTINATION_LIMIT, judged, events, nowMs);
        }
        final TenantWindow tenant = windows.tenant(); // this channel's window of the tenant
        if (!sms) {
            final String refusal = tenantRefusal(tenant, rules.email().maxPerHour(), rules.email().maxPerDay(), nowMs);
            if (refusal != null) {
                return suppress(delivery, refusal, judged, events, nowMs);
            }
            return new GateOutcome.Admitted(delivery, new GateWindows(destination.plus(nowMs), country,
                    counted(tenant, nowMs)));
        }
        final String refusal = over(country.sends().within(nowMs, HOUR_MS, SlidingCount.MINUTE_MS),
                rules.countryMaxPerHour()) ? COUNTRY_LIMIT
                : tenantRefusal(tenant, rules.tenantMaxPerHour(), rules.tenantMaxPerDay(), nowMs);
        if (refusal != null) {
            return suppress(delivery, refusal, judged, events, nowMs);
        }
        final long keepCountryFrom = nowMs - Math.max(HOUR_MS, rules.breaker().windowSeconds() * 1000L);
        return new GateOutcome.Admitted(delivery, new GateWindows(destination.plus(nowMs),
                new CountryWindow(country.sends().plusOne(countedAtMs(delivery, nowMs), SlidingCount.MINUTE_MS,
                        keepCountryFrom),
                        country.verified(), country.blockedUntilMs()),
                counted(tenant, nowMs)));
    }

    /** {@link #TENANT_HOURLY_LIMIT} or {@link #TENANT_DAILY_LIMIT} if a budget of the tenant's window is spent. */
    private static String tenantRefusal(final TenantWindow tenant, final int maxPerHour, final int maxPerDay,
                                        final long nowMs) {
        return over(tenant.lastHour().within(nowMs, HOUR_MS, SlidingCount.MINUTE_MS), maxPerHour)
                ? TENANT_HOURLY_LIMIT
                : over(tenant.lastDay().within(nowMs, DAY_MS, HOUR_MS), maxPerDay) ? TENANT_DAILY_LIMIT : null;
    }

    /** The tenant's window with one more send at {@code nowMs}. */
    private static TenantWindow counted(final TenantWindow tenant, final long nowMs) {
        return new TenantWindow(tenant.lastHour().plusOne(nowMs, SlidingCount.MINUTE_MS, nowMs - HOUR_MS),
                tenant.lastDay().plusOne(nowMs, HOUR_MS, nowMs - DAY_MS));
    }

    /**
     * Counts a verified SMS code for the conversion breaker, in the minute it was sent; a code sent before what
     * the window still holds counts nothing, and a minute never counts more verified codes than sends (a
     * safe-listed number's codes are verified but were never counted as sends).
     */
    public CountryWindow verified(final CountryWindow window, final GateVerified verified) {
        if (verified.destinationHash() != null && safeListed(verified.tenantId(), verified.destinationHash())) {
            return window; // its send was never counted
        }
        final long bucket = Math.floorDiv(verified.sentAtMs(), SlidingCount.MINUTE_MS) * SlidingCount.MINUTE_MS;
        // never more verified than counted sends in a minute: safe-listed sends are not counted, nor their codes
        if (window.verified().between(bucket, bucket + 1) >= window.sends().between(bucket, bucket + 1)) {
            return window;
        }
        final long keepFrom = window.sends().buckets().firstKey();
        return new CountryWindow(window.sends(),
                window.verified().plusOne(verified.sentAtMs(), SlidingCount.MINUTE_MS, keepFrom),
                window.blockedUntilMs());
    }

    /**
     * Whether a destination's window holds no send any more at {@code nowMs}: its record can be deleted.
     */
    public boolean lapsed(final String tenantId, final DestinationWindow window, final long nowMs) {
        return window.since(nowMs - policy.forTenant(tenantId).destinationWindowMs()).sentAtMs().isEmpty();
    }

    /** The breaker's judgement: the country window, blocked from now (and counting afresh) if conversion is low. */
    private CountryWindow judge(final String tenantId, final PhoneRoute route, final CountryWindow country,
                                final SendGateRules.BreakerRules breaker, final List<CloudEvent> events,
                                final long nowMs) {
        if (nowMs < country.blockedUntilMs()) {
            return country;
        }
        // after a block, only sends made since it ended are judged
        final long from = Math.max(nowMs - breaker.windowSeconds() * 1000L, country.blockedUntilMs());
        final long settledBefore = nowMs - breaker.settleSeconds() * 1000L - SlidingCount.MINUTE_MS + 1;
        final long sends = country.sends().between(from, settledBefore);
        final long verified = country.verified().between(from, settledBefore);
        if (sends < breaker.minSends() || verified * 100 >= (long) breaker.minConversionPercent() * sends) {
            return country;
        }
        final long until = nowMs + breaker.blockSeconds() * 1000L;
        events.add(CloudEvent.of(derivedId("prefix " + tenantId + " " + route.prefix() + " " + nowMs),
                DecisionContext.SOURCE, EventTypes.PREFIX_BLOCKED, tenantId, route.prefix(),
                Instant.ofEpochMilli(nowMs), new PrefixBlockedData(route.prefix(), "low_conversion", sends, verified,
                        breaker.minConversionPercent(), Instant.ofEpochMilli(until))));
        return new CountryWindow(country.sends(), country.verified(), until); // sends still count for the budget
    }

    /**
     * The minute a send is counted in per calling code: the code's issue time (the command's), which is also the
     * time its {@code GateVerified} names, so a conversion lands in the bucket of its own send; the gate's own
     * record time when the issue time is later (the buckets must not run ahead of the gate's clock).
     */
    private static long countedAtMs(final OtpIssued delivery, final long nowMs) {
        return delivery.issuedAt() == null ? nowMs : Math.min(delivery.issuedAt().toEpochMilli(), nowMs);
    }

    private boolean safeListed(final OtpIssued delivery) {
        return safeListed(delivery.tenantId(), delivery.destinationHash());
    }

    private boolean safeListed(final String tenantId, final String destinationHash) {
        if (policy.safeList().isEmpty()) {
            return false;
        }
        return safeHashes.computeIfAbsent(tenantId, tenant -> policy.safeList().stream()
                .map(d -> DestinationMask.keyedHash(pepper, mailboxes, tenant,
                        d.startsWith("+") ? Channel.SMS : Channel.EMAIL, d))
                .collect(Collectors.toUnmodifiableSet())).contains(destinationHash);
    }

    private static boolean over(final long count, final int budget) {
        return budget > 0 && count >= budget;
    }

    private static GateOutcome suppress(final OtpIssued delivery, final String reason, final GateWindows next,
                                        final List<CloudEvent> events, final long nowMs) {
        events.add(CloudEvent.of(derivedId("suppressed " + delivery.otpId()), DecisionContext.SOURCE,
                EventTypes.DELIVERY_SUPPRESSED, delivery.tenantId(), delivery.userId(), Instant.ofEpochMilli(nowMs),
                new DeliveryOutcomeData(delivery.otpId(), delivery.purpose(), delivery.channel().wireName(),
                        delivery.destinationMasked(), delivery.destinationHash(), "send-gate", null, 0, null, reason)));
        return new GateOutcome.Suppressed(reason, next, events);
    }

    /** A name-based UUID (RFC 9562 version 3): the same decision taken again emits the same ids. */
    private static String derivedId(final String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
