package io.otppipeline.audit;

import io.otppipeline.schemas.config.Settings;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** Runs otp-audit alone: {@code java ... AuditMain otp-audit.properties}. Stops on SIGTERM. */
public final class AuditMain {

    private AuditMain() {
    }

    /** @param args one argument: the settings file */
    public static void main(final String[] args) throws InterruptedException {
        final AuditService service = AuditService.start(AuditConfig.from(Settings.load(Path.of(args[0]), System.getenv())));
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "otp-audit-shutdown"));
        stopped.await();
    }
}
