package io.otppipeline.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A service started in its own JVM (so a test can kill it with SIGKILL), on the test's class path. */
public final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * Starts {@code mainClass} with {@code settings} as its only argument, output to {@code log}.
     *
     * @throws IOException if the JVM cannot be started
     */
    public static Process start(final String mainClass, final Path settings, final Path log) throws IOException {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), mainClass,
                settings.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Stops each process with SIGTERM, then SIGKILL after 30 seconds. */
    public static void stopAll(final List<Process> processes) throws InterruptedException {
        // all asked first, then all awaited: they shut down side by side, not one after another
        processes.forEach(Process::destroy);
        for (Process p : processes) {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
