package io.otppipeline.api;

import io.otppipeline.runtime.config.ServiceRunner;

/**
 * Runs otp-api alone: {@code java ... ApiMain [otp-api.properties]}; {@code OTP_*} environment variables
 * override the file (see {@link ApiConfig} for the keys). Stops on SIGTERM.
 */
public final class ApiMain {

    private ApiMain() {
    }

    /** @param args optional: a settings file */
    public static void main(final String[] args) throws InterruptedException {
        ServiceRunner.run("otp-api", args, settings -> ApiService.start(ApiConfig.from(settings)));
    }
}
