package io.otppipeline.schemas.gate;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A record of {@code otp.send-gate.v1}, the processor's internal topic between its user stage and its send gate
 * (docs/ARCHITECTURE.md section 5b). Keyed by {@link #gateKey()}, so that every send a budget counts is decided
 * by one task, one record at a time.
 *
 * <p>JSON shape: an object with a {@code "type"} discriminator ({@code "send"} or {@code "verified"}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = GateSend.class, name = "send"),
    @JsonSubTypes.Type(value = GateVerified.class, name = "verified")
})
public sealed interface GateRecord permits GateSend, GateVerified {

    /** Tenant of the send. */
    String tenantId();

    /**
     * Kafka key on {@code otp.send-gate.v1}: {@code tenantId|sms} for every SMS of a tenant (the per-destination,
     * per-country and per-tenant budgets and the conversion breaker are then exact in one task), and
     * {@code tenantId|email|<destination hash>} for e-mail, which only the per-destination budget limits.
     */
    String gateKey();

    /** Gate key of every SMS of {@code tenantId}. */
    static String smsKey(final String tenantId) {
        return tenantId + "|sms";
    }

    /** Gate key of e-mail to one address (given as its keyed hash) of {@code tenantId}. */
    static String emailKey(final String tenantId, final String destinationHash) {
        return tenantId + "|email|" + destinationHash;
    }
}
