package io.otppipeline.schemas.event;

import java.util.List;

/** Every CloudEvents {@code type} on {@code otp.events.v1}; each has a JSON Schema {@code schemas/<type>.json}. */
public final class EventTypes {

    /** A code was issued and handed to the notifier. Data: {@link OtpIssuedData}. */
    public static final String OTP_ISSUED = "otp.issued";
    /** A pending code was replaced by a newer one for the same purpose. Data: {@link OtpSupersededData}. */
    public static final String OTP_SUPERSEDED = "otp.superseded";
    /** A verification was decided. Data: {@link VerificationCompletedData}. */
    public static final String VERIFICATION_COMPLETED = "otp.verification.completed";
    /** A code request was refused (send limit, resend cooldown, lockout). Data: {@link RequestRefusedData}. */
    public static final String REQUEST_REFUSED = "otp.request.refused";
    /** The second phase of a two-phase purpose was decided. Data: {@link ConsumeCompletedData}. */
    public static final String CONSUME_COMPLETED = "otp.consume.completed";
    /** A pending code was canceled by the caller. Data: {@link OtpCanceledData}. */
    public static final String OTP_CANCELED = "otp.canceled";
    /** A code's lifetime passed (reported once, by the sweep or a command; event time = the expiry). Data: {@link OtpExpiredData}. */
    public static final String OTP_EXPIRED = "otp.expired";
    /** Too many failed verifications locked the user. Data: {@link LockoutStartedData}. */
    public static final String LOCKOUT_STARTED = "otp.lockout.started";
    /** A magic link's page was fetched (by the user or a mail scanner); nothing consumed. Data: {@link MagicLinkData}. */
    public static final String MAGIC_LINK_OPENED = "otp.magic_link.opened";
    /** A magic link's confirm button was pressed: consumed, or refused. Data: {@link MagicLinkData}. */
    public static final String MAGIC_LINK_CONFIRMED = "otp.magic_link.confirmed";
    /** A magic link's exchange code was redeemed by the tenant's backend, or refused. Data: {@link MagicLinkData}. */
    public static final String MAGIC_LINK_EXCHANGED = "otp.magic_link.exchanged";
    /** A lockout ran out or was lifted. Data: {@link LockoutEndedData}. */
    public static final String LOCKOUT_ENDED = "otp.lockout.ended";
    /**
     * A lockout of the whole user started and a notice went to the destination of the user's last code (tenants
     * with {@code otp.lockout.notice.tenants}). Data: {@link LockoutNoticeData}.
     */
    public static final String LOCKOUT_NOTICE = "otp.lockout.notice";
    /** An administrator unlocked the user. Data: {@link UserUnlockedData}. */
    public static final String USER_UNLOCKED = "otp.user.unlocked";
    /** The notifier handed a code to a provider. Data: {@link DeliveryOutcomeData}. */
    public static final String DELIVERY_SENT = "otp.delivery.sent";
    /** The notifier gave up on a code. Data: {@link DeliveryOutcomeData}. */
    public static final String DELIVERY_FAILED = "otp.delivery.failed";
    /**
     * A code was not sent on purpose: the send gate refused it (a budget, the country allow-list, a blocked
     * prefix) or the notifier found it expired. Data: {@link DeliveryOutcomeData}, {@code reason} says which.
     */
    public static final String DELIVERY_SUPPRESSED = "otp.delivery.suppressed";

    /**
     * The send gate's conversion breaker blocked SMS to a country calling code of a tenant: most codes sent there
     * were never verified (SMS pumping). Subject: the prefix ({@code +44}). Data: {@link PrefixBlockedData}.
     */
    public static final String PREFIX_BLOCKED = "otp.prefix.blocked";

    /** An authenticator factor was enrolled (unverified). Data: {@link FactorEnrolledData}. */
    public static final String FACTOR_ENROLLED = "otp.factor.enrolled";
    /** An enrolled factor was confirmed by its first code. Data: {@link FactorActivatedData}. */
    public static final String FACTOR_ACTIVATED = "otp.factor.activated";
    /** A code from an authenticator app was decided. Data: {@link FactorVerificationData}. */
    public static final String FACTOR_VERIFICATION_COMPLETED = "otp.factor.verification.completed";
    /** An authenticator factor was removed or its enrolment lapsed. Data: {@link FactorDeletedData}. */
    public static final String FACTOR_DELETED = "otp.factor.deleted";

    private EventTypes() {
    }

    /** All types, in documentation order. */
    public static List<String> all() {
        return List.of(OTP_ISSUED, OTP_SUPERSEDED, REQUEST_REFUSED, VERIFICATION_COMPLETED, CONSUME_COMPLETED, OTP_CANCELED,
                MAGIC_LINK_OPENED, MAGIC_LINK_CONFIRMED, MAGIC_LINK_EXCHANGED,
                OTP_EXPIRED, LOCKOUT_STARTED, LOCKOUT_NOTICE, LOCKOUT_ENDED, USER_UNLOCKED, DELIVERY_SENT, DELIVERY_FAILED,
                DELIVERY_SUPPRESSED, PREFIX_BLOCKED, FACTOR_ENROLLED, FACTOR_ACTIVATED, FACTOR_VERIFICATION_COMPLETED,
                FACTOR_DELETED);
    }
}
