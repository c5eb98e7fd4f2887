package io.otppipeline.notifier.provider;

/**
 * One provider of one channel. Implementations make exactly one call per {@link #send}; retries, timeouts,
 * circuit breaking and failover are the notifier's (see {@code ResilientProvider}).
 *
 * @param <M> the channel's message type
 */
public interface Provider<M> {

    /** Provider name used in outcome events, metrics and settings, for example {@code smtp} or {@code twilio}. */
    String name();

    /**
     * Hands one message to the provider.
     *
     * @return the provider's message id, or {@code null} if it gives none
     * @throws SendException when the provider refused the message or could not be reached
     */
    String send(M message) throws SendException;
}
