package io.otppipeline.notifier;

import io.otppipeline.schemas.config.Settings;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** Runs otp-notifier alone: {@code java ... NotifierMain otp-notifier.properties}. Stops on SIGTERM. */
public final class NotifierMain {

    private NotifierMain() {
    }

    /** @param args one argument: the settings file */
    public static void main(final String[] args) throws InterruptedException {
        final NotifierService service = NotifierService.start(
                NotifierConfig.from(Settings.load(Path.of(args[0]), System.getenv())));
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "otp-notifier-shutdown"));
        stopped.await();
    }
}
