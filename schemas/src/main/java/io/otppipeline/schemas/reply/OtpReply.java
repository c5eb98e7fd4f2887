package io.otppipeline.schemas.reply;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The processor's decision for one command, on {@code otp.replies.v1}, keyed by command id. One record type per
 * kind of answer, so that the processor's dispatch and the API's HTTP mapping are checked by the compiler
 * through {@link Visitor}; none holds a code or a raw destination.
 *
 * <p>JSON shape: an object with a {@code "type"} discriminator ({@code "issued"}, {@code "request_refused"},
 * {@code "verified"}, {@code "consumed"}, {@code "unlocked"}, {@code "idempotency_mismatch"},
 * {@code "rejected"}, {@code "factor_enrolled"}, {@code "factor_checked"}, {@code "factor_deleted"},
 * {@code "factor_refused"}, {@code "canceled"}, {@code "otp_status"}, {@code "link_opened"}, {@code "link_confirmed"},
 * {@code "link_exchanged"}) and the fields
 * of the record.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = IssuedReply.class, name = "issued"),
    @JsonSubTypes.Type(value = RequestRefusedReply.class, name = "request_refused"),
    @JsonSubTypes.Type(value = VerifyReply.class, name = "verified"),
    @JsonSubTypes.Type(value = ConsumeReply.class, name = "consumed"),
    @JsonSubTypes.Type(value = UnlockReply.class, name = "unlocked"),
    @JsonSubTypes.Type(value = IdempotencyMismatchReply.class, name = "idempotency_mismatch"),
    @JsonSubTypes.Type(value = RejectedReply.class, name = "rejected"),
    @JsonSubTypes.Type(value = FactorEnrolledReply.class, name = "factor_enrolled"),
    @JsonSubTypes.Type(value = FactorCheckReply.class, name = "factor_checked"),
    @JsonSubTypes.Type(value = FactorDeletedReply.class, name = "factor_deleted"),
    @JsonSubTypes.Type(value = FactorRefusedReply.class, name = "factor_refused"),
    @JsonSubTypes.Type(value = CancelReply.class, name = "canceled"),
    @JsonSubTypes.Type(value = OtpStatusReply.class, name = "otp_status"),
    @JsonSubTypes.Type(value = LinkOpenedReply.class, name = "link_opened"),
    @JsonSubTypes.Type(value = LinkConfirmedReply.class, name = "link_confirmed"),
    @JsonSubTypes.Type(value = LinkExchangedReply.class, name = "link_exchanged")
})
public sealed interface OtpReply permits IssuedReply, RequestRefusedReply, VerifyReply, ConsumeReply, UnlockReply,
        IdempotencyMismatchReply, RejectedReply, FactorEnrolledReply, FactorCheckReply, FactorDeletedReply,
        FactorRefusedReply, CancelReply, OtpStatusReply, LinkOpenedReply, LinkConfirmedReply, LinkExchangedReply {

    /** Id of the command answered (the correlation id). */
    String commandId();

    /**
     * Whether this is the stored first decision for a repeated {@code Idempotency-Key}, not a decision taken
     * for this command (HTTP header {@code Idempotent-Replayed: true}, Stripe's convention).
     */
    boolean replayed();

    /** The decision as one status, for metrics and logs (not a JSON field unless the record declares it). */
    ReplyStatus status();

    /** This reply answering {@code otherCommandId} as a replay of the first decision ({@link #replayed()} set). */
    OtpReply replayFor(String otherCommandId);

    /** Calls the {@code visitor} method for this reply's type. */
    <R> R accept(Visitor<R> visitor);

    /**
     * One method per reply type.
     *
     * @param <R> what the visit returns
     */
    interface Visitor<R> {
        R issued(IssuedReply reply);

        R requestRefused(RequestRefusedReply reply);

        R verified(VerifyReply reply);

        R consumed(ConsumeReply reply);

        R unlocked(UnlockReply reply);

        R idempotencyMismatch(IdempotencyMismatchReply reply);

        R rejected(RejectedReply reply);

        R factorEnrolled(FactorEnrolledReply reply);

        R factorChecked(FactorCheckReply reply);

        R factorDeleted(FactorDeletedReply reply);

        R factorRefused(FactorRefusedReply reply);

        R canceled(CancelReply reply);

        R otpStatus(OtpStatusReply reply);

        R linkOpened(LinkOpenedReply reply);

        R linkConfirmed(LinkConfirmedReply reply);

        R linkExchanged(LinkExchangedReply reply);
    }
}
