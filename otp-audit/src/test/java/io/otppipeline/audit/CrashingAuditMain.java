package io.otppipeline.audit;

import io.otppipeline.runtime.config.ServiceRunner;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * otp-audit that halts its JVM (like SIGKILL: no shutdown hooks, no commit) at an exact point of batch
 * {@code test.crash.batch}: {@code test.crash.at=inserted} (rows inserted, transaction open) or {@code committed}
 * (transaction committed, Kafka offsets not). Used by {@link AuditCrashIT} in a child JVM.
 */
public final class CrashingAuditMain {

    /** Exit status of the halt, as a SIGKILLed JVM reports it. */
    static final int HALT_STATUS = 137;

    private CrashingAuditMain() {
    }

    public static void main(final String[] args) throws InterruptedException {
        ServiceRunner.run("otp-audit", args, settings -> AuditService.start(AuditConfig.from(settings),
                new HaltAt(settings.string("test.crash.at", "inserted"), (int) settings.number("test.crash.batch", 2))));
    }

    private static final class HaltAt implements WriteListener {
        private final String point;
        private final int batch;
        private final AtomicInteger inserted = new AtomicInteger();
        private final AtomicInteger committed = new AtomicInteger();

        HaltAt(final String point, final int batch) {
            this.point = point;
            this.batch = batch;
        }

        @Override
        public void inserted(final int rows) {
            if ("inserted".equals(point) && inserted.incrementAndGet() == batch) {
                halt(rows);
            }
        }

        @Override
        public void committed(final int rows) {
            if ("committed".equals(point) && committed.incrementAndGet() == batch) {
                halt(rows);
            }
        }

        private void halt(final int rows) {
            System.out.println("halting after " + point + " of batch " + batch + " (" + rows + " records)");
            System.out.flush();
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }
}
