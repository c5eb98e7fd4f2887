package io.otppipeline.notifier;

/** A provider did not take a message. The reason is a lower snake case word, never a secret. */
final class SendException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    /**
     * @param reason lower snake case, for example {@code provider_error}, {@code not_configured}
     * @param message human-readable detail without secrets
     */
    SendException(final String reason, final String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
