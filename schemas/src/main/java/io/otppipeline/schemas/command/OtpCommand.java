package io.otppipeline.schemas.command;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * A command on {@code otp.commands.v1}. Every secret a command carries (the destination, the code
 * typed by the user) travels inside a {@link io.otppipeline.schemas.crypto.SealedBox} sealed with the
 * command keyring, so the topic itself never holds them in clear.
 *
 * <p>JSON shape: an object with a {@code "type"} discriminator ({@code "otp.requested"},
 * {@code "otp.verify_attempted"}, {@code "otp.consume_requested"}, {@code "otp.unlock_requested"}, {@code "otp.cancel_requested"}, {@code "otp.status_requested"}, {@code "otp.delivery_reported"}, {@code "link.opened"}, {@code "link.confirm_requested"}, {@code "link.exchange_requested"}, {@code "factor.enrol_requested"},
 * {@code "factor.confirm_requested"}, {@code "factor.verify_attempted"}, {@code "factor.delete_requested"}) and the fields of the concrete record.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = OtpRequested.class, name = "otp.requested"),
    @JsonSubTypes.Type(value = OtpVerifyAttempted.class, name = "otp.verify_attempted"),
    @JsonSubTypes.Type(value = OtpConsumeRequested.class, name = "otp.consume_requested"),
    @JsonSubTypes.Type(value = UserUnlockRequested.class, name = "otp.unlock_requested"),
    @JsonSubTypes.Type(value = OtpCancelRequested.class, name = "otp.cancel_requested"),
    @JsonSubTypes.Type(value = OtpStatusRequested.class, name = "otp.status_requested"),
    @JsonSubTypes.Type(value = DeliveryReported.class, name = "otp.delivery_reported"),
    @JsonSubTypes.Type(value = MagicLinkOpened.class, name = "link.opened"),
    @JsonSubTypes.Type(value = MagicLinkConfirmRequested.class, name = "link.confirm_requested"),
    @JsonSubTypes.Type(value = MagicLinkExchangeRequested.class, name = "link.exchange_requested"),
    @JsonSubTypes.Type(value = FactorEnrolRequested.class, name = "factor.enrol_requested"),
    @JsonSubTypes.Type(value = FactorConfirmRequested.class, name = "factor.confirm_requested"),
    @JsonSubTypes.Type(value = FactorVerifyAttempted.class, name = "factor.verify_attempted"),
    @JsonSubTypes.Type(value = FactorDeleteRequested.class, name = "factor.delete_requested")
})
public sealed interface OtpCommand permits OtpRequested, OtpVerifyAttempted, OtpConsumeRequested,
        UserUnlockRequested, OtpCancelRequested, OtpStatusRequested, DeliveryReported, MagicLinkOpened, MagicLinkConfirmRequested,
        MagicLinkExchangeRequested, FactorEnrolRequested, FactorConfirmRequested, FactorVerifyAttempted,
        FactorDeleteRequested {

    /** Unique id of this command; also the correlation id of its reply. */
    String commandId();

    /** Tenant that owns the user, taken from the caller's API key. */
    String tenantId();

    /** The tenant's identifier of the end user. */
    String userId();

    /** What the caller told us about the end user's client; may be {@code null}. */
    ClientInfo client();

    /**
     * When the API accepted the request (informational: decisions use the command record's broker timestamp,
     * {@code LogAppendTime}, never this field).
     */
    Instant sentAt();

    /** The caller's idempotency key and request fingerprint, or {@code null} when none was sent. */
    IdempotencyKey idempotency();

    /** Calls the {@code visitor} method for this command's type; the compiler checks every type is handled. */
    <R> R accept(Visitor<R> visitor);

    /**
     * One method per command type.
     *
     * @param <R> what the visit returns
     */
    interface Visitor<R> {
        R request(OtpRequested command);

        R verify(OtpVerifyAttempted command);

        R consume(OtpConsumeRequested command);

        R unlock(UserUnlockRequested command);

        R cancel(OtpCancelRequested command);

        R status(OtpStatusRequested command);

        R deliveryReported(DeliveryReported command);

        R linkOpened(MagicLinkOpened command);

        R linkConfirmed(MagicLinkConfirmRequested command);

        R linkExchanged(MagicLinkExchangeRequested command);

        R enrolFactor(FactorEnrolRequested command);

        R confirmFactor(FactorConfirmRequested command);

        R verifyFactor(FactorVerifyAttempted command);

        R deleteFactor(FactorDeleteRequested command);
    }
}
