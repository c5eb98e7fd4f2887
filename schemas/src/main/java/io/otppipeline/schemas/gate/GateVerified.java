package io.otppipeline.schemas.gate;

/**
 * An SMS code was verified: the send converted. The send gate's conversion breaker counts it against the sends
 * of the same country calling code (docs/ARCHITECTURE.md section 5b).
 *
 * @param tenantId tenant
 * @param otpId the code verified
 * @param callingCode country calling code of the number the code was sent to
 * @param sentAtMs when the code was issued, epoch milliseconds: the conversion counts for the sends of that time
 * @param destinationHash keyed hash of the number: a safe-listed number's codes count nothing; {@code null} when
 *     unknown
 */
public record GateVerified(String tenantId, String otpId, int callingCode, long sentAtMs, String destinationHash)
        implements GateRecord {

    @Override
    public String gateKey() {
        return GateRecord.smsKey(tenantId);
    }
}
