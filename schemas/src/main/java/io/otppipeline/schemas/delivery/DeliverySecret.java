package io.otppipeline.schemas.delivery;

/**
 * The plaintext inside {@link OtpIssued#secret()}: exists only in the processor while issuing and in the
 * notifier while sending.
 *
 * @param code the one-time code
 * @param destination e-mail address or E.164 phone number
 */
public record DeliverySecret(String code, String destination) {

    @Override
    public String toString() {
        return "DeliverySecret[redacted]";
    }
}
