package io.otppipeline.api;

import io.otppipeline.schemas.config.Settings;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** Runs otp-api alone: {@code java ... ApiMain otp-api.properties}. Stops on SIGTERM. */
public final class ApiMain {

    private ApiMain() {
    }

    /** @param args one argument: the settings file */
    public static void main(final String[] args) throws InterruptedException {
        final ApiService service = ApiService.start(ApiConfig.from(Settings.load(Path.of(args[0]), System.getenv())));
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "otp-api-shutdown"));
        stopped.await();
    }
}
