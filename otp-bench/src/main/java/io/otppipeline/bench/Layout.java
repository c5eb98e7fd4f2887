package io.otppipeline.bench;

import java.util.Arrays;

/**
 * How this project's services run during a benchmark ({@code ./otp bench --layout}).
 */
enum Layout {

    /**
     * What users run, and the default: {@code ./otp local}'s launcher in one JVM with its own settings and JVM
     * options, so the four services (otp-api, otp-processor, otp-notifier, otp-audit) and the local SMTP and SMS
     * sinks that every issued code is delivered to; the benchmark only points it at its broker and PostgreSQL and
     * sets the code lifetime ({@link Benchmark#LIFETIME_SECONDS}).
     */
    SHIPPED("shipped"),

    /**
     * otp-api, otp-processor and otp-audit each in a JVM of its own, without the notifier and the sinks (codes are
     * issued but not delivered): to compare layouts, and to read each service's CPU apart.
     */
    PER_SERVICE("per-service");

    private final String flag;

    Layout(final String flag) {
        this.flag = flag;
    }

    /** The value of {@code --layout} that selects it. */
    String flag() {
        return flag;
    }

    /**
     * The layout {@code --layout value} names.
     *
     * @throws IllegalArgumentException naming the accepted values if none matches
     */
    static Layout of(final String value) {
        return Arrays.stream(values()).filter(l -> l.flag.equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--layout takes shipped or per-service; got " + value));
    }
}
