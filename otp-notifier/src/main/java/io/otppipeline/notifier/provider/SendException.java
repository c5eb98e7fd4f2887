package io.otppipeline.notifier.provider;

import java.time.Duration;
import java.util.Optional;

/**
 * A provider did not take a message. The reason is a lower snake case word and the message holds no code and
 * no destination, so both may be logged and published.
 */
public final class SendException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What the notifier does next. */
    public enum Disposition {
        /** Transient (connect error, timeout, 5xx, 429): retry this provider with backoff, then fail over. */
        RETRY,
        /** This provider cannot take messages (credentials, circuit open): fail over without retrying. */
        NEXT_PROVIDER,
        /** The message itself is refused (4xx such as an invalid number): no retry, no failover. */
        GIVE_UP
    }

    private final String reason;
    private final Disposition disposition;
    private final transient Duration retryAfter;

    /**
     * @param reason lower snake case, for example {@code timeout}, {@code invalid_destination}
     * @param disposition retry, fail over or give up
     * @param retryAfter the provider's {@code Retry-After}, or {@code null}
     * @param message human-readable detail without secrets
     */
    public SendException(final String reason, final Disposition disposition, final Duration retryAfter,
                         final String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.disposition = disposition;
        this.retryAfter = retryAfter;
    }

    /** A transient failure without a {@code Retry-After}. */
    public static SendException retryable(final String reason, final String message) {
        return new SendException(reason, Disposition.RETRY, null, message);
    }

    /** A refusal of this message that no other provider would accept either. */
    public static SendException permanent(final String reason, final String message) {
        return new SendException(reason, Disposition.GIVE_UP, null, message);
    }

    /** A failure of this provider that the next provider may not have. */
    public static SendException providerDown(final String reason, final String message) {
        return new SendException(reason, Disposition.NEXT_PROVIDER, null, message);
    }

    public String reason() {
        return reason;
    }

    public Disposition disposition() {
        return disposition;
    }

    /** The delay the provider asked for ({@code Retry-After}), if it asked. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
