package io.otppipeline.runtime.config;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/** Runs one service until SIGTERM: settings from an optional file plus {@code OTP_*} variables. */
public final class ServiceRunner {

    private ServiceRunner() {
    }

    /**
     * Starts the service and blocks until the JVM shuts down, closing it then.
     *
     * @param name thread name prefix, for example {@code otp-api}
     * @param args optional single argument: a properties file
     * @param start builds and starts the service from its settings
     * @throws InterruptedException if interrupted while waiting
     */
    public static void run(final String name, final String[] args, final Function<Settings, AutoCloseable> start)
            throws InterruptedException {
        final AutoCloseable service = start.apply(
                Settings.load(args.length > 0 ? Path.of(args[0]) : null, System.getenv()));
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                System.err.println(name + " did not stop cleanly: " + e);
            } finally {
                stopped.countDown();
            }
        }, name + "-shutdown"));
        stopped.await();
    }
}
