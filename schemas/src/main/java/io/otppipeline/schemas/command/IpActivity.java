package io.otppipeline.schemas.command;

/**
 * What the IP guard counts, and the keys it counts them under on {@code otp.ip-activity.v1},
 * {@code otp.ip-verdicts.v1} and in its store: {@code <tenantId>|<kind>|<address key>}.
 */
public enum IpActivity {

    /** A code request (issued or refused by a per-user rule); verdicts on it apply to code requests. */
    REQUEST("request"),
    /** A wrong code ({@code denied} or {@code max_attempts}); verdicts on it apply to verifications. */
    FAILURE("failure");

    private final String wireName;

    IpActivity(final String wireName) {
        this.wireName = wireName;
    }

    /** The key of this activity of {@code ipKey} in {@code tenantId}. */
    public String key(final String tenantId, final String ipKey) {
        return tenantId + "|" + wireName + "|" + ipKey;
    }

    /**
     * The activity named in {@code key}.
     *
     * @throws IllegalArgumentException if the key names none
     */
    public static IpActivity ofKey(final String key) {
        final int first = key.indexOf('|');
        final String kind = key.substring(first + 1, key.indexOf('|', first + 1));
        for (IpActivity a : values()) {
            if (a.wireName.equals(kind)) {
                return a;
            }
        }
        throw new IllegalArgumentException("no IP activity in key");
    }
}
