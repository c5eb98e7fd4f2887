package io.otppipeline.schemas.command;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a code reaches the user. JSON form: lower case ({@code "email"}, {@code "sms"}). */
public enum Channel {
    EMAIL, SMS;

    /** The JSON and API spelling. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses the wire spelling.
     *
     * @throws IllegalArgumentException for anything but {@code email} or {@code sms}
     */
    @JsonCreator
    public static Channel fromWire(final String value) {
        for (Channel c : values()) {
            if (c.wireName().equals(value)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown channel");
    }
}
