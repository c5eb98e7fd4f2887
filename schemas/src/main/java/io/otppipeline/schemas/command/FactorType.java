package io.otppipeline.schemas.command;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Kinds of authenticator-app factor. JSON form: lower case.
 *
 * <ul>
 *   <li>{@code totp}: time-based (RFC 6238), the code of the current 30-second step;</li>
 *   <li>{@code hotp}: counter-based (RFC 4226), the code of the next counter value.</li>
 * </ul>
 */
public enum FactorType {
    TOTP, HOTP;

    /** The JSON and API spelling, also the {@code otpauth://} URI's type. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses the wire spelling.
     *
     * @throws IllegalArgumentException for anything but {@code totp} or {@code hotp}
     */
    @JsonCreator
    public static FactorType fromWire(final String value) {
        for (FactorType t : values()) {
            if (t.wireName().equals(value)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown factor type");
    }
}
