package io.otppipeline.schemas.delivery;

/**
 * The plaintext inside {@link OtpIssued#secret()}: exists only in the processor while issuing and in the
 * notifier while sending.
 *
 * @param code the one-time code; {@code null} for a magic link and a lockout notice
 * @param destination e-mail address or E.164 phone number
 * @param link the magic link's URL ({@code <base>/l/<token>}); {@code null} for a code and a lockout notice
 */
public record DeliverySecret(String code, String destination, String link) {

    /** A code's secret (no link). */
    public DeliverySecret(final String code, final String destination) {
        this(code, destination, null);
    }

    @Override
    public String toString() {
        return "DeliverySecret[redacted]";
    }
}
