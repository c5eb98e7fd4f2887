package io.otppipeline.schemas.crypto;

/** A sealed box could not be opened. The message never contains key material or plaintext. */
public final class SealedBoxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what failed, without secrets */
    public SealedBoxException(final String message) {
        super(message);
    }
}
