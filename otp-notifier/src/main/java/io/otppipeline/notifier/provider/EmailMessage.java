package io.otppipeline.notifier.provider;

/**
 * A rendered e-mail. {@link #toString()} is redacted: the body holds the code.
 *
 * @param reference the code's otpId, for providers that take an idempotency reference
 * @param to recipient address
 * @param subject subject line (holds no code unless the operator enabled it)
 * @param text plain-text body
 * @param html HTML body, or {@code null} for plain text only
 */
public record EmailMessage(String reference, String to, String subject, String text, String html) {

    @Override
    public String toString() {
        return "EmailMessage[reference=" + reference + ", redacted]";
    }
}
