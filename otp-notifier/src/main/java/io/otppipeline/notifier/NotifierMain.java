package io.otppipeline.notifier;

import io.otppipeline.runtime.config.ServiceRunner;

/**
 * Runs otp-notifier alone: {@code java ... NotifierMain [otp-notifier.properties]}; {@code OTP_*} environment variables
 * override the file (see {@link NotifierConfig} for the keys). Stops on SIGTERM.
 */
public final class NotifierMain {

    private NotifierMain() {
    }

    /** @param args optional: a settings file */
    public static void main(final String[] args) throws InterruptedException {
        ServiceRunner.run("otp-notifier", args, settings -> NotifierService.start(NotifierConfig.from(settings)));
    }
}
