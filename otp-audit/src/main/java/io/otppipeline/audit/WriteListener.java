package io.otppipeline.audit;

/**
 * Observes the audit sink's transactions; the crash tests use it to stop the process at an exact point (between
 * the insert and the commit, or between the commit and the Kafka offset commit). Production passes {@link #NONE}.
 */
public interface WriteListener {

    /** Does nothing. */
    WriteListener NONE = new WriteListener() {
    };

    /** A batch's rows were inserted; the transaction is still open. */
    default void inserted(final int rows) {
    }

    /** The batch's transaction committed; Kafka offsets are not committed yet. */
    default void committed(final int rows) {
    }
}
