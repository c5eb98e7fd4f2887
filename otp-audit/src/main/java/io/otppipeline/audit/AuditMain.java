package io.otppipeline.audit;

import io.otppipeline.runtime.config.ServiceRunner;

/**
 * Runs otp-audit alone: {@code java ... AuditMain [otp-audit.properties]}; {@code OTP_*} environment variables
 * override the file (see {@link AuditConfig} for the keys). Stops on SIGTERM.
 */
public final class AuditMain {

    private AuditMain() {
    }

    /** @param args optional: a settings file */
    public static void main(final String[] args) throws InterruptedException {
        ServiceRunner.run("otp-audit", args, settings -> AuditService.start(AuditConfig.from(settings)));
    }
}
