package io.otppipeline.notifier;

import io.otppipeline.schemas.delivery.OtpIssued;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The text of a code message. The code never appears in the subject (it would show in notification
 * previews and mail logs). Per-purpose, per-locale templates come with the notifier issue.
 */
final class MessageText {

    private MessageText() {
    }

    static String subject() {
        return "Your verification code";
    }

    /** Plain-text body; the lifetime is rounded up to whole minutes from {@code now}. */
    static String body(final OtpIssued issued, final String code, final Instant now) {
        final long seconds = Math.max(0, Duration.between(now, issued.expiresAt()).toSeconds());
        final long minutes = Math.max(1, (seconds + 59) / 60);
        return String.format(Locale.ROOT, "Your verification code is %s.%n%n"
                + "It expires in %d minute%s. If you did not ask for it, ignore this message: "
                + "nobody can use it without access to this mailbox.%n", code, minutes, minutes == 1 ? "" : "s");
    }
}
