package io.otppipeline.notifier.provider;

/**
 * A rendered SMS. {@link #toString()} is redacted: the body holds the code and {@code to} is a phone number.
 *
 * @param reference the code's otpId, sent as the idempotency key where the provider takes one
 * @param to E.164 phone number
 * @param body message text
 */
public record SmsMessage(String reference, String to, String body) {

    @Override
    public String toString() {
        return "SmsMessage[reference=" + reference + ", redacted]";
    }
}
