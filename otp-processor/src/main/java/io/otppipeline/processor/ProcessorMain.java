package io.otppipeline.processor;

import io.otppipeline.runtime.config.ServiceRunner;

/**
 * Runs otp-processor alone: {@code java ... ProcessorMain [otp-processor.properties]}; {@code OTP_*} environment variables
 * override the file (see {@link ProcessorConfig} for the keys). Stops on SIGTERM.
 */
public final class ProcessorMain {

    private ProcessorMain() {
    }

    /** @param args optional: a settings file */
    public static void main(final String[] args) throws InterruptedException {
        ServiceRunner.run("otp-processor", args, settings -> ProcessorService.start(ProcessorConfig.from(settings)));
    }
}
