package io.otppipeline.processor;

import io.otppipeline.schemas.config.Settings;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** Runs otp-processor alone: {@code java ... ProcessorMain otp-processor.properties}. Stops on SIGTERM. */
public final class ProcessorMain {

    private ProcessorMain() {
    }

    /** @param args one argument: the settings file */
    public static void main(final String[] args) throws InterruptedException {
        final ProcessorService service = ProcessorService.start(
                ProcessorConfig.from(Settings.load(Path.of(args[0]), System.getenv())));
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "otp-processor-shutdown"));
        stopped.await();
    }
}
