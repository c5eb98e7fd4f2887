package io.otppipeline.schemas.reply;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The decision the processor took for one command. JSON and HTTP spelling: lower snake case.
 *
 * <p>Answers to a request: {@link #PENDING} (code issued), {@link #RATE_LIMITED}, {@link #LOCKED}.
 * Answers to a verification: {@link #APPROVED}, {@link #DENIED}, {@link #EXPIRED},
 * {@link #MAX_ATTEMPTS}, {@link #NOT_FOUND}, {@link #LOCKED}. Answers to a consume: {@link #CONSUMED},
 * {@link #CONFLICT} (not approved, already consumed, expired or unknown). Answer to an admin unlock:
 * {@link #UNLOCKED}. {@link #IDEMPOTENCY_MISMATCH}: the idempotency key was used before with another body.
 * {@link #REJECTED}: the command could not be processed at all (it went to the dead-letter topic).
 * Authenticator factors: {@link #UNVERIFIED} (enrolled, waiting for its first code), {@link #ACTIVE} (confirmed),
 * {@link #DELETED}; their verifications answer {@link #APPROVED}, {@link #DENIED}, {@link #NOT_FOUND},
 * {@link #LOCKED} or {@link #RATE_LIMITED}. A cancel: {@link #CANCELED} or {@link #NOT_FOUND}.
 * {@link #MALFORMED}: a code with the wrong number of digits for its purpose, refused before anything is compared or
 * counted (seed 001: "strict 6-digit numeric validation"); answered {@code 400}.
 * {@link #CHALLENGE_REQUIRED}: a challenge was asked for before this request and its tenant's CAPTCHA did not
 * pass (seed 001: "add CAPTCHA after multiple failed attempts"); refused before anything is counted, answered
 * {@code 428}.
 */
public enum ReplyStatus {
    PENDING, APPROVED, DENIED, EXPIRED, MAX_ATTEMPTS, NOT_FOUND, LOCKED, RATE_LIMITED, CONSUMED, CONFLICT,
    UNLOCKED, IDEMPOTENCY_MISMATCH, REJECTED, UNVERIFIED, ACTIVE, DELETED, CANCELED, MALFORMED, CHALLENGE_REQUIRED;

    /** Lower snake case, as in the HTTP API. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses the wire spelling.
     *
     * @throws IllegalArgumentException for an unknown status
     */
    @JsonCreator
    public static ReplyStatus fromWire(final String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
